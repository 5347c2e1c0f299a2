"""Vehicles, who owned them when, and every repair and maintenance order."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from autocrm.core.fields import WrittenJSONField

VEHICLE_FIELDS = (
    "plate",
    "model",
    "config",
    "purchase_date",
    "registration_date",
    "first_service_date",
    "insurance_start",
    "insurance_end",
    "dealer_code",
)


class Vehicle(models.Model):
    """One vehicle, identified by its VIN."""

    vin = models.CharField(_("VIN"), max_length=17)
    plate = models.CharField(_("Plate"), max_length=16, blank=True)
    model = models.CharField(_("Model"), max_length=64, blank=True)
    config = models.CharField(_("Configuration"), max_length=64, blank=True)
    purchase_date = models.DateField(_("Purchased"), null=True, blank=True)
    registration_date = models.DateField(_("Registered"), null=True, blank=True)
    first_service_date = models.DateField(_("First service"), null=True, blank=True)
    insurance_start = models.DateField(_("Insurance from"), null=True, blank=True)
    insurance_end = models.DateField(_("Insurance until"), null=True, blank=True)
    dealer_code = models.CharField(_("Selling dealer"), max_length=16, blank=True)
    lineage = WrittenJSONField(_("Lineage"), default=dict, blank=True)

    class Meta:
        ordering = ["vin"]
        # Looked up by equality only: no LIKE (pattern-ops) twin as `unique`/`db_index` add.
        constraints = [models.UniqueConstraint(fields=["vin"], name="vehicle_vin")]
        indexes = [models.Index(fields=["plate"], name="vehicle_plate")]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return self.vin


class Ownership(models.Model):
    """A period in which a customer owned a vehicle."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="ownerships",
                                verbose_name=_("Vehicle"))
    customer_id = models.BigIntegerField(_("Customer ID"), db_index=True)
    start = models.DateField(_("Owned from"), null=True)
    end = models.DateField(_("Owned until"), null=True)
    record_id = models.BigIntegerField(_("Source record"))

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.vehicle_id} #{self.customer_id}"


class RepairOrder(models.Model):
    """One repair, maintenance, claim or body-and-paint order."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="repairs",
                                verbose_name=_("Vehicle"))
    dealer_code = models.CharField(_("Dealer"), max_length=16)
    order_no = models.CharField(_("Order no."), max_length=32)
    date = models.DateField(_("Arrival date"))
    mileage = models.IntegerField(_("Mileage"), null=True)
    repair_type = models.CharField(_("Repair type"), max_length=16, blank=True)
    items = models.CharField(_("Work"), max_length=255, blank=True)
    parts = models.CharField(_("Parts replaced"), max_length=255, blank=True)
    amount = models.FloatField(_("Amount"), null=True)
    technician = models.CharField(_("Technician"), max_length=32, blank=True)
    advisor = models.CharField(_("Service advisor"), max_length=32, blank=True)
    # a new version of the row deletes by it
    record_id = models.BigIntegerField(_("Source record"), db_index=True)

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["dealer_code", "order_no"], name="uniq_repair_order")
        ]

    def __str__(self) -> str:
        return f"{self.dealer_code} {self.order_no}"

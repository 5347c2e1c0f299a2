"""Vehicles, who owned them when, and every repair and maintenance order."""

from django.db import models

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

    vin = models.CharField("车架号", max_length=17)
    plate = models.CharField("车牌号", max_length=16, blank=True)
    model = models.CharField("车型", max_length=64, blank=True)
    config = models.CharField("配置", max_length=64, blank=True)
    purchase_date = models.DateField("购车日期", null=True, blank=True)
    registration_date = models.DateField("上牌日期", null=True, blank=True)
    first_service_date = models.DateField("首保日期", null=True, blank=True)
    insurance_start = models.DateField("保险起期", null=True, blank=True)
    insurance_end = models.DateField("保险止期", null=True, blank=True)
    dealer_code = models.CharField("销售经销商", max_length=16, blank=True)
    lineage = WrittenJSONField(default=dict, blank=True)

    class Meta:
        ordering = ["vin"]
        # Looked up by equality only: no LIKE (pattern-ops) twin as `unique`/`db_index` add.
        constraints = [models.UniqueConstraint(fields=["vin"], name="vehicle_vin")]
        indexes = [models.Index(fields=["plate"], name="vehicle_plate")]
        verbose_name = "车辆"
        verbose_name_plural = "车辆"

    def __str__(self) -> str:
        return self.vin


class Ownership(models.Model):
    """A period in which a customer owned a vehicle."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="ownerships")
    customer_id = models.BigIntegerField(db_index=True)
    start = models.DateField(null=True)
    end = models.DateField(null=True)
    record_id = models.BigIntegerField()

    class Meta:
        ordering = ["start"]


class RepairOrder(models.Model):
    """One repair, maintenance, claim or body-and-paint order."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="repairs")
    dealer_code = models.CharField("经销商", max_length=16)
    order_no = models.CharField("工单号", max_length=32)
    date = models.DateField("进厂日期")
    mileage = models.IntegerField("里程", null=True)
    repair_type = models.CharField("维修类型", max_length=16, blank=True)
    items = models.CharField("项目", max_length=255, blank=True)
    parts = models.CharField("更换零件", max_length=255, blank=True)
    amount = models.FloatField("金额", null=True)
    technician = models.CharField("技师", max_length=32, blank=True)
    advisor = models.CharField("服务顾问", max_length=32, blank=True)
    record_id = models.BigIntegerField(db_index=True)  # a new version of the row deletes by it

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["dealer_code", "order_no"], name="uniq_repair_order")
        ]

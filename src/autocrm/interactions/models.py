"""The one activity timeline: every contact from every source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from autocrm.core.fields import WrittenJSONField


class Interaction(models.Model):
    """One contact: a call, complaint, rescue, survey, sign-up, post, contract, invoice."""

    class Origin(models.TextChoices):
        RECORD = "record", _("loaded record")
        SERVICE = "service", _("entered in autocrm")

    customer_id = models.BigIntegerField(_("Customer ID"), null=True)
    vin = models.CharField(_("VIN"), max_length=17, null=True, blank=True)
    kind = models.CharField(_("Type"), max_length=16)
    occurred_at = models.DateTimeField(_("Time"), null=True)
    source = models.CharField(_("Source system"), max_length=8)
    dealer_code = models.CharField(_("Dealer"), max_length=16, blank=True)
    title = models.CharField(_("Title"), max_length=255, blank=True)
    summary = models.TextField(_("Summary"), blank=True)
    detail = WrittenJSONField(_("Detail"), default=dict, blank=True)
    origin = models.CharField(_("Origin"), max_length=8, choices=Origin.choices,
                              default=Origin.RECORD)
    # The source record an entry was loaded from; none for what a service entered.
    record_id = models.BigIntegerField(_("Source record"), unique=True, null=True)

    class Meta:
        ordering = ["-occurred_at"]
        # The timeline reads one customer's rows newest first; this index serves that alone.
        indexes = [models.Index(fields=["customer_id", "occurred_at"])]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"#{self.customer_id} {self.kind} {self.title}".strip()

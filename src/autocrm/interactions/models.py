"""The one activity timeline: every contact from every source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from autocrm.core.fields import WrittenJSONField


class Interaction(models.Model):
    """One contact: a call, complaint, rescue, survey, sign-up, post, contract, invoice."""

    class Origin(models.TextChoices):
        RECORD = "record", _("loaded record")
        SERVICE = "service", _("entered in autocrm")

    customer_id = models.BigIntegerField(null=True)
    vin = models.CharField(max_length=17, null=True, blank=True)
    kind = models.CharField("类型", max_length=16)
    occurred_at = models.DateTimeField("时间", null=True)
    source = models.CharField("来源系统", max_length=8)
    dealer_code = models.CharField("经销商", max_length=16, blank=True)
    title = models.CharField("标题", max_length=255, blank=True)
    summary = models.TextField("内容", blank=True)
    detail = WrittenJSONField(default=dict, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.RECORD)
    # The source record an entry was loaded from; none for what a service entered.
    record_id = models.BigIntegerField(unique=True, null=True)

    class Meta:
        ordering = ["-occurred_at"]
        # The timeline reads one customer's rows newest first; this index serves that alone.
        indexes = [models.Index(fields=["customer_id", "occurred_at"])]
        verbose_name = "接触记录"
        verbose_name_plural = "接触记录"

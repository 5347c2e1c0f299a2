"""Rejected and corrected values, kept to send back to the dealer that sent them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# as in quality.rules: the row rejected, the value removed, the value corrected
SEVERITIES = [("row", _("row rejected")), ("field", _("value removed")),
              ("warning", _("corrected"))]


class Issue(models.Model):
    """One problem found in one field of one source row."""

    load = models.ForeignKey("sources.Load", on_delete=models.PROTECT, related_name="issues",
                             verbose_name=_("Load"))
    source = models.CharField(_("Source system"), max_length=8)
    feed = models.CharField(_("Feed"), max_length=32)
    dealer_code = models.CharField(_("Dealer"), max_length=16, blank=True, db_index=True)
    file_name = models.CharField(_("File"), max_length=255)
    row_no = models.IntegerField(_("Row"))
    record_key = models.CharField(_("Record key"), max_length=128, blank=True)
    field = models.CharField(_("Field"), max_length=32)
    value = models.TextField(_("Value as sent"), blank=True)
    rule = models.CharField(_("Rule"), max_length=32, db_index=True)
    severity = models.CharField(_("Severity"), max_length=8, choices=SEVERITIES)
    resolved_by = models.ForeignKey(
        "sources.Load", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("Resolved by")
    )

    class Meta:
        indexes = [models.Index(fields=["source", "feed", "record_key"])]
        verbose_name = _("data issue")
        verbose_name_plural = _("data issues")

    def __str__(self) -> str:
        return f"{self.file_name}:{self.row_no} {self.field} {self.rule}"

"""Rejected and corrected values, kept to send back to the dealer that sent them."""

from django.db import models


class Issue(models.Model):
    """One problem found in one field of one source row."""

    load = models.ForeignKey("sources.Load", on_delete=models.PROTECT, related_name="issues")
    source = models.CharField(max_length=8)
    feed = models.CharField(max_length=32)
    dealer_code = models.CharField(max_length=16, blank=True, db_index=True)
    file_name = models.CharField(max_length=255)
    row_no = models.IntegerField()
    record_key = models.CharField(max_length=128, blank=True)
    field = models.CharField(max_length=32)
    value = models.TextField(blank=True)
    rule = models.CharField(max_length=32, db_index=True)
    severity = models.CharField(max_length=8)
    resolved_by = models.ForeignKey(
        "sources.Load", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["source", "feed", "record_key"])]
        verbose_name = "数据问题"
        verbose_name_plural = "数据问题"

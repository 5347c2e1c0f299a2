"""Evidence of every link and the merges proposed to a steward."""

from django.conf import settings
from django.db import models


class MatchEvidence(models.Model):
    """Why two source records were judged to be the same customer."""

    customer_id = models.BigIntegerField(db_index=True)
    left_record = models.BigIntegerField()
    right_record = models.BigIntegerField()
    rule = models.CharField(max_length=32)
    score = models.FloatField()
    detail = models.TextField(blank=True)
    load = models.ForeignKey("sources.Load", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "匹配证据"
        verbose_name_plural = "匹配证据"


class MergeProposal(models.Model):
    """Two existing customers that new evidence says are one; merged only by a steward."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        MERGED = "merged", "已合并"
        REJECTED = "rejected", "已驳回"
        SPLIT = "split", "已拆分"  # a steward unmerged them: never propose them again

    customer_a = models.BigIntegerField("客户A")
    customer_b = models.BigIntegerField("客户B")
    rule = models.CharField(max_length=32)
    score = models.FloatField()
    load = models.ForeignKey("sources.Load", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["customer_a", "customer_b"])]
        verbose_name = "合并建议"
        verbose_name_plural = "合并建议"


class MatchModel(models.Model):
    """A trained probabilistic model (m and u per comparison level, the prior), for reuse.

    A large load trains one; smaller loads with the same matching configuration score with the
    newest instead of training again on their few rows.
    """

    config_digest = models.CharField(max_length=64)
    model = models.JSONField()
    records = models.IntegerField("训练记录数")
    trained_at = models.DateTimeField("训练时间")
    load = models.ForeignKey("sources.Load", null=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["config_digest", "-trained_at"])]
        verbose_name = "匹配模型"
        verbose_name_plural = "匹配模型"

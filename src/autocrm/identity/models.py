"""Evidence of every link and the merges proposed to a steward."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchEvidence(models.Model):
    """Why two source records were judged to be the same customer."""

    customer_id = models.BigIntegerField(_("Customer ID"), db_index=True)
    left_record = models.BigIntegerField(_("Left record"))
    right_record = models.BigIntegerField(_("Right record"))
    rule = models.CharField(_("Rule"), max_length=32)
    score = models.FloatField(_("Score"))
    detail = models.TextField(_("Detail"), blank=True)
    load = models.ForeignKey("sources.Load", on_delete=models.PROTECT, verbose_name=_("Load"))

    class Meta:
        verbose_name = _("match evidence")
        verbose_name_plural = _("match evidence")

    def __str__(self) -> str:
        return f"#{self.left_record} ↔ #{self.right_record} ({self.rule})"


class MergeProposal(models.Model):
    """Two existing customers that new evidence says are one; merged only by a steward."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Declined")
        SPLIT = "split", _("Split")  # a steward unmerged them: never propose them again

    customer_a = models.BigIntegerField(_("Customer A"))
    customer_b = models.BigIntegerField(_("Customer B"))
    rule = models.CharField(_("Rule"), max_length=32)
    score = models.FloatField(_("Score"))
    load = models.ForeignKey("sources.Load", null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name=_("Load"))
    status = models.CharField(_("Status"), max_length=8, choices=Status.choices,
                              default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("Decided by")
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["customer_a", "customer_b"])]
        verbose_name = _("merge proposal")
        verbose_name_plural = _("merge proposals")

    def __str__(self) -> str:
        return f"#{self.customer_a} ↔ #{self.customer_b} ({self.rule})"


class MatchModel(models.Model):
    """A trained probabilistic model (m and u per comparison level, the prior), for reuse.

    A large load trains one; smaller loads with the same matching configuration score with the
    newest instead of training again on their few rows.
    """

    config_digest = models.CharField(_("Configuration digest"), max_length=64)
    model = models.JSONField(_("Model parameters"))
    records = models.IntegerField(_("Training records"))
    trained_at = models.DateTimeField(_("Trained at"))
    load = models.ForeignKey("sources.Load", null=True, on_delete=models.SET_NULL,
                             verbose_name=_("Load"))

    class Meta:
        indexes = [models.Index(fields=["config_digest", "-trained_at"])]
        verbose_name = _("match model")
        verbose_name_plural = _("match models")

    def __str__(self) -> str:
        return f"{self.config_digest[:8]} · {self.records}"

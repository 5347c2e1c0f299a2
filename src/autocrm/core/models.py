"""The append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

# What each audit action is called on pages and in the back office; a code missing here is
# shown as it is.
ACTIONS = {
    "view": _("viewed"), "reveal": _("revealed"), "export": _("exported"),
    "admin_add": _("added in the back office"), "admin_change": _("changed in the back office"),
    "approve_held_change": _("approved a held change"),
    "reject_held_change": _("declined a held change"), "decide_merge": _("decided a merge"),
    "merge": _("merged customers"), "unmerge": _("split off records"),
    "demo_users": _("created the demo users"), "import": _("imported dealers"),
    "load": _("loaded a file"), "token_issued": _("issued a token"),
    "token_revoked": _("revoked a token"), "user_created": _("set a user"),
    "lead_answers": _("answered a lead's questions"), "lead_follow_up": _("followed up a lead"),
    "lead_stage": _("moved a lead"),
}
DETAIL_KEYS = {"channel": _("channel"), "reason": _("reason"), "field": _("field"),
               "query": _("query"), "rows": _("rows"), "count": _("count"),
               "records": _("records"), "filters": _("filters"), "role": _("role"),
               "dealer": _("dealer"), "name": _("name")}
CHANNELS = {"web": _("web page"), "api": "API", "cli": _("command line")}


class AuditEntry(models.Model):
    """One change of state or one access to personal data; never updated or deleted."""

    at = models.DateTimeField(_("Time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("User")
    )
    action = models.CharField(_("Action"), max_length=64, db_index=True)
    object_type = models.CharField(_("Object type"), max_length=64)
    object_id = models.CharField(_("Object"), max_length=64)
    customer_id = models.BigIntegerField(_("Customer ID"), null=True, blank=True, db_index=True)
    detail = models.JSONField(_("Detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.action_label} {self.object_type} {self.object_id}"

    @property
    def action_label(self) -> str:
        """Return the action's name in the active language."""
        return str(ACTIONS.get(self.action, self.action))

    @property
    def shown_detail(self) -> dict[str, Any]:
        """Return the detail with its channel named rather than coded."""
        return {k: str(CHANNELS.get(v, v)) if k == "channel" and isinstance(v, str) else v
                for k, v in (self.detail or {}).items()}

    @property
    def detail_items(self) -> list[tuple[str, Any]]:
        """Return the shown detail as (label, value) pairs."""
        return [(str(DETAIL_KEYS.get(k, k)), v) for k, v in self.shown_detail.items()]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")


class IdempotentAnswer(models.Model):
    """The first answer to a write request sent with an `Idempotency-Key` header: a retry with
    the same key (same user, same request) gets it again and changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, verbose_name=_("User"))
    key = models.CharField(_("Key"), max_length=128)
    request_hash = models.CharField(_("Request digest"), max_length=64)
    status = models.IntegerField(_("Status code"))
    body = models.JSONField(_("Answer"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency")]
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")

    def __str__(self) -> str:
        return self.key

"""The append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        return f"{self.action} {self.object_type} {self.object_id}"

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

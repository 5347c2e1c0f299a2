"""Write audit entries; every service that changes state calls this in its transaction."""

from __future__ import annotations

from typing import Any

from autocrm.core.models import AuditEntry


def record(
    action: str,
    obj_type: str,
    obj_id: object,
    *,
    actor: Any = None,
    customer_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Append one audit entry."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        customer_id=customer_id,
        detail=detail,
    )

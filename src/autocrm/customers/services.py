"""Steward actions on golden customers; each is atomic and audited."""

from __future__ import annotations

import polars as pl
from django.db import transaction
from django.utils import timezone

from autocrm.core import audit, bulk
from autocrm.core.errors import AppError, NotFound
from autocrm.customers import golden
from autocrm.customers.models import Customer, HeldChange
from autocrm.pipeline import store
from autocrm.sources.models import SourceRecord
from autocrm.vehicles import build as vehicle_build


def rebuild(customer_ids: list[int]) -> None:
    """Recompute the golden rows of these customers from their current records."""
    records = store.fetch("customer_id", customer_ids)
    alive = set(records["customer_id"].to_list()) if records.height else set()
    gone = [c for c in customer_ids if c not in alive]
    if gone:
        bulk.delete_in("customers_customerdealer", "customer_id", gone)
        bulk.delete_in("customers_customer", "id", gone)
    if not alive:
        return
    result = golden.build(records, pl.DataFrame(), set())
    existing = set(Customer.objects.filter(id__in=alive).values_list("id", flat=True))
    golden.write(golden.golden_frame(result.rows, timezone.now()), existing)


def refresh_vehicles(vins: list[str]) -> None:
    """Recompute vehicles and ownership periods after records moved between customers."""
    if vins:
        vehicle_build.write(store.fetch("vin", vins))


def _pending(change_id: int) -> HeldChange:
    try:
        change = HeldChange.objects.select_for_update().get(id=change_id)
    except HeldChange.DoesNotExist:
        raise NotFound(f"待审核变更 {change_id} 不存在") from None
    if change.status != HeldChange.Status.PENDING:
        raise AppError(f"变更 {change_id} 已处理 ({change.status})", code="already_decided")
    return change


@transaction.atomic
def approve_held_change(change_id: int, actor: object = None) -> Customer:
    """Apply a held value: release it on the customer's records and recompute the golden row."""
    change = _pending(change_id)
    for rec in SourceRecord.objects.filter(customer_id=change.customer_id, current=True):
        if change.field in rec.held_fields and rec.data.get(change.field) == change.proposed_value:
            rec.held_fields = [f for f in rec.held_fields if f != change.field]
            rec.save(update_fields=["held_fields"])
    change.status, change.decided_by_id = HeldChange.Status.APPROVED, getattr(actor, "id", None)
    change.decided_at = timezone.now()
    change.save()
    rebuild([change.customer_id])
    audit.record("approve_held_change", "customer", change.customer_id, actor=actor,
                 customer_id=change.customer_id, field=change.field,
                 old=change.current_value, new=change.proposed_value)
    return Customer.objects.get(id=change.customer_id)


@transaction.atomic
def reject_held_change(change_id: int, actor: object = None) -> HeldChange:
    """Keep the trusted value; the held value stays recorded but never wins."""
    change = _pending(change_id)
    change.status, change.decided_by_id = HeldChange.Status.REJECTED, getattr(actor, "id", None)
    change.decided_at = timezone.now()
    change.save()
    audit.record("reject_held_change", "customer", change.customer_id, actor=actor,
                 customer_id=change.customer_id, field=change.field,
                 rejected=change.proposed_value)
    return change


def move_records(record_ids: list[int], customer_id: int) -> list[str]:
    """Assign records to a customer everywhere they are referenced; return their VINs."""
    marks = ", ".join(["%s"] * len(record_ids))
    with bulk.connection.cursor() as cur:
        cur.execute(
            f"UPDATE sources_sourcerecord SET customer_id = %s WHERE id IN ({marks})",
            [customer_id, *record_ids],
        )
        for table in ("sources_identitykey", "interactions_interaction"):
            cur.execute(
                f"UPDATE {table} SET customer_id = %s WHERE record_id IN ({marks})",
                [customer_id, *record_ids],
            )
    vins = SourceRecord.objects.filter(id__in=record_ids, vin__isnull=False)
    return sorted({vin for vin in vins.values_list("vin", flat=True) if vin is not None})

"""Steward actions on golden customers; each is atomic and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.accounts.actor import Actor
from autocrm.accounts.rights import Level
from autocrm.core import audit, locks
from autocrm.core.errors import AppError, Forbidden, InputError, NotFound
from autocrm.customers import (
    dealer_links,
    golden,
    labels,
    privacy,
    search_terms,
    selectors,
    view360,
)
from autocrm.customers.models import PROFILE_FIELDS, Customer, HeldChange
from autocrm.interactions import services as timeline
from autocrm.sources import record_store
from autocrm.sources.config import dealer_relations
from autocrm.sources.models import SourceRecord
from autocrm.vehicles import build as vehicle_build
from autocrm.vehicles.models import VEHICLE_FIELDS


def rebuild(customer_ids: list[int]) -> None:
    """Recompute the golden rows of these customers from their current records."""
    records = record_store.fetch("customer_id", customer_ids, fields=PROFILE_FIELDS)
    alive = set(records["customer_id"].to_list()) if records.height else set()
    gone = [c for c in customer_ids if c not in alive]
    if gone:
        dealer_links.remove(gone)
        golden.remove(gone)
    if alive:
        result = golden.build(records, pl.DataFrame(), pl.Series([], dtype=pl.Int64))
        existing = set(Customer.objects.filter(id__in=alive).values_list("id", flat=True))
        golden.write(golden.golden_frame(result.rows, timezone.now()), existing)
    search_terms.refresh(customer_ids)


def refresh_vehicles(vins: list[str]) -> None:
    """Recompute vehicles and ownership periods after records moved between customers."""
    if vins:
        vehicle_build.write(record_store.fetch("vin", vins, feeds=vehicle_build.owner_feeds(),
                                               fields=VEHICLE_FIELDS))


def relink_dealers(customer_ids: list[int]) -> None:
    """Recompute the dealer relations of customers whose records moved."""
    dealer_links.write(record_store.fetch("customer_id", customer_ids,
                                          feeds=list(dealer_relations()), fields=()),
                       customer_ids)


def _user_id(actor: Actor) -> int | None:
    return getattr(actor.user, "id", None) if actor.authenticated else None


def _pending(change_id: int) -> HeldChange:
    try:
        change = HeldChange.objects.select_for_update().get(id=change_id)
    except HeldChange.DoesNotExist:
        raise NotFound(_("held change %(id)s not found") % {"id": change_id}) from None
    if change.status != HeldChange.Status.PENDING:
        raise AppError(_("change %(id)s is already decided (%(status)s)")
                       % {"id": change_id, "status": change.get_status_display()},
                       code="already_decided")
    return change


@transaction.atomic
def approve_held_change(change_id: int, actor: Actor) -> Customer:
    """Apply a held value: release it on the customer's records and recompute the golden row.

    Takes the load lock: a load must not rewrite the same golden row at the same time.
    """
    actor.require("steward")
    locks.lock_for_load()
    change = _pending(change_id)
    for rec in SourceRecord.objects.filter(customer_id=change.customer_id, current=True):
        if change.field in rec.held_fields and rec.data.get(change.field) == change.proposed_value:
            rec.held_fields = [f for f in rec.held_fields if f != change.field]
            rec.save(update_fields=["held_fields"])
    change.status, change.decided_by_id = HeldChange.Status.APPROVED, _user_id(actor)
    change.decided_at = timezone.now()
    change.save()
    rebuild([change.customer_id])
    audit.record("approve_held_change", "customer", change.customer_id, actor=actor.user,
                 customer_id=change.customer_id, field=change.field,
                 old=change.current_value, new=change.proposed_value)
    return Customer.objects.get(id=change.customer_id)


@transaction.atomic
def reject_held_change(change_id: int, actor: Actor) -> HeldChange:
    """Keep the trusted value; the held value stays recorded but never wins."""
    actor.require("steward")
    change = _pending(change_id)
    change.status, change.decided_by_id = HeldChange.Status.REJECTED, _user_id(actor)
    change.decided_at = timezone.now()
    change.save()
    audit.record("reject_held_change", "customer", change.customer_id, actor=actor.user,
                 customer_id=change.customer_id, field=change.field,
                 rejected=change.proposed_value)
    return change


def move_records(record_ids: list[int], customer_id: int) -> list[str]:
    """Assign records to a customer everywhere they are referenced; return their VINs."""
    vins = record_store.move(record_ids, customer_id)
    timeline.move_records(record_ids, customer_id)
    return vins


def view_customer(customer_id: int, actor: Actor, channel: str = "web") -> dict[str, Any]:
    """Return the 360° view as the actor may see it, and log the access."""
    selectors.check_reachable(customer_id, actor)
    full = view360.customer_360(customer_id, repairs=actor.can("repair"),
                                held=actor.can("steward"))
    view = privacy.redact(full, actor)
    audit.record_access("view", "customer", customer_id, actor=actor.user,
                        customer_id=customer_id, channel=channel)
    return view


def reveal(customer_id: int, field: str, reason: str, actor: Actor) -> Any:
    """Return one personal-data value in full, for a role allowed to reveal it; log the reason."""
    selectors.check_reachable(customer_id, actor)
    level = actor.field_level(field)
    if level is None:
        raise InputError(_("%(field)s is not a personal-data field") % {"field": field})
    if level not in (Level.REVEAL, Level.FULL):
        label = labels.FIELDS.get(field, field)
        raise Forbidden(_("Your role may not see the full %(field)s.") % {"field": label})
    reason = reason.strip()
    if len(reason) < 2:
        raise InputError(_("Please give a reason for viewing the full value."),
                         code="reason_required")
    try:
        value = Customer.objects.values_list(field, flat=True).get(id=customer_id)
    except Customer.DoesNotExist:
        raise NotFound(_("customer %(id)s not found") % {"id": customer_id}) from None
    if isinstance(value, dt.date):
        value = value.isoformat()
    audit.record_access("reveal", "customer", customer_id, actor=actor.user,
                        customer_id=customer_id, field=field, reason=reason)
    return value

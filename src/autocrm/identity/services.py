"""Steward decisions on merges: merge two customers, reject a proposal, unmerge."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.accounts.actor import Actor
from autocrm.core import audit, locks
from autocrm.core.errors import AppError, NotFound
from autocrm.customers import golden, signals
from autocrm.customers import services as customer_services
from autocrm.customers.models import Customer, HeldChange
from autocrm.identity.models import MergeProposal
from autocrm.interactions import services as timeline
from autocrm.sources.models import SourceRecord


def _proposal(proposal_id: int) -> MergeProposal:
    try:
        p = MergeProposal.objects.select_for_update().get(id=proposal_id)
    except MergeProposal.DoesNotExist:
        raise NotFound(_("merge proposal %(id)s not found") % {"id": proposal_id}) from None
    if p.status != MergeProposal.Status.PENDING:
        raise AppError(_("merge proposal %(id)s is already decided (%(status)s)")
                       % {"id": proposal_id, "status": p.get_status_display()},
                       code="already_decided")
    return p


@transaction.atomic
def merge_customers(keep_id: int, drop_id: int, actor: Actor) -> Customer:
    """Move every record of `drop_id` to `keep_id` and recompute both.

    Takes the load lock: a load running at the same time numbers new customers and rewrites
    golden rows, and must not do so beside a merge.
    """
    actor.require("steward")
    locks.lock_for_load()
    if keep_id == drop_id:
        raise AppError(_("A customer cannot be merged with itself."), code="same_customer")
    ids = list(SourceRecord.objects.filter(customer_id=drop_id).values_list("id", flat=True))
    if not Customer.objects.filter(id__in=[keep_id, drop_id]).count() == 2:
        raise NotFound(_("customer not found"))
    vins = customer_services.move_records(ids, keep_id) if ids else []
    HeldChange.objects.filter(customer_id=drop_id).update(customer_id=keep_id)
    timeline.move_customer(drop_id, keep_id)
    signals.merged.send(sender=Customer, keep=keep_id, drop=drop_id)
    customer_services.refresh_vehicles(vins)
    customer_services.rebuild([keep_id, drop_id])
    customer_services.relink_dealers([keep_id])
    audit.record("merge", "customer", keep_id, actor=actor.user, customer_id=keep_id,
                 merged=drop_id, records=len(ids))
    return Customer.objects.get(id=keep_id)


@transaction.atomic
def decide_proposal(proposal_id: int, approve: bool, actor: Actor) -> MergeProposal:
    """Merge the two customers of a proposal, or reject it."""
    actor.require("steward")
    p = _proposal(proposal_id)
    if approve:
        merge_customers(p.customer_a, p.customer_b, actor)
    p.status = MergeProposal.Status.MERGED if approve else MergeProposal.Status.REJECTED
    p.decided_by_id, p.decided_at = getattr(actor.user, "id", None), timezone.now()
    p.save()
    audit.record("decide_merge", "merge_proposal", p.id, actor=actor.user, approved=approve)
    return p


@transaction.atomic
def unmerge(customer_id: int, record_ids: list[int], actor: Actor) -> Customer:
    """Split the given records off into a new customer; recompute both golden records."""
    actor.require("steward")
    own = set(SourceRecord.objects.filter(customer_id=customer_id, current=True)
              .values_list("id", flat=True))
    if not record_ids or not set(record_ids) <= own:
        raise AppError(_("The chosen records do not belong to the customer."), code="bad_records")
    if set(record_ids) == own:
        raise AppError(_("Every record cannot be split off."), code="bad_records")
    locks.lock_for_load()
    new_id = golden.next_id()
    vins = customer_services.move_records(record_ids, new_id)
    customer_services.refresh_vehicles(vins)
    customer_services.rebuild([customer_id, new_id])
    customer_services.relink_dealers([customer_id, new_id])
    MergeProposal.objects.create(
        customer_a=customer_id, customer_b=new_id, rule="unmerge", score=0.0,
        status=MergeProposal.Status.SPLIT, decided_at=timezone.now(),
        decided_by=actor.user if actor.authenticated else None,
    )
    audit.record("unmerge", "customer", customer_id, actor=actor.user, customer_id=customer_id,
                 new_customer=new_id, records=record_ids)
    return Customer.objects.get(id=new_id)

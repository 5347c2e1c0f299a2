"""Reads of leads, scoped: HQ reaches every lead; a dealer's user the leads of their dealer
(the dealer-code rule of the one scoping layer); a salesperson (leads without lead_assign)
only the leads they own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from autocrm.accounts.actor import Actor
from autocrm.core.errors import NotFound
from autocrm.customers import scoping
from autocrm.leads.models import Lead


def visible(actor: Actor) -> QuerySet[Lead]:
    """Return the leads the actor may see (none without the `leads` right)."""
    if not actor.can("leads"):
        return Lead.objects.none()
    rows = scoping.scope(Lead.objects.all(), actor, customer=None, dealer="dealer_code",
                         right="leads")
    if actor.dealer_code and not actor.can("lead_assign"):
        rows = rows.filter(owner=actor.user)
    return rows


def get_lead(lead_id: int, actor: Actor, *, for_update: bool = False) -> Lead:
    """Return one lead the actor may see, or NotFound (never 403: no leak)."""
    rows = visible(actor)
    if for_update:
        rows = rows.select_for_update()
    lead = rows.filter(pk=lead_id).first()
    if lead is None:
        raise NotFound(_("lead %(id)s not found") % {"id": lead_id})
    return lead

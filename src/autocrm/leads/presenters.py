"""Leads as the API and pages show them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autocrm.accounts import masking
from autocrm.accounts.actor import Actor
from autocrm.leads import funnel, questionnaire
from autocrm.leads.models import Lead


def lead_out(lead: Lead) -> dict[str, Any]:
    """Return a lead as the API answers it; the grade's reason in the caller's language."""
    graded = questionnaire.grade(lead.answers, lenient=True)
    return {
        "id": lead.pk, "customer_id": lead.customer_id, "contact_name": lead.contact_name,
        "stage": lead.stage,
        "stage_label": str(lead.get_stage_display()), "grade": lead.grade,
        "grade_reason": graded.reason, "channel": lead.channel, "sources": lead.sources,
        "intended_model": lead.intended_model, "dealer_code": lead.dealer_code,
        "owner": lead.owner.get_username() if lead.owner_id and lead.owner else "",
        "answers": lead.answers, "finance_interest": lead.finance_interest,
        "trade_in_interest": lead.trade_in_interest, "lost_reason": lead.lost_reason,
        "lost_request": lead.lost_request, "lost_brand": lead.lost_brand,
        "assigned_at": lead.assigned_at,
        "next_follow_up": lead.next_follow_up, "first_contact_at": lead.first_contact_at,
        "created_at": lead.created_at, "version": lead.version,
        "allowed_stages": list(funnel.NEXT[lead.stage]),
        "purchase_type": lead.purchase_type, "won_record_id": lead.won_record_id,
    }


def contact(actor: Actor, lead: Lead, person: Mapping[str, Any]) -> dict[str, Any]:
    """The lead's name and mobile as the actor may see them: the salesperson who owns the
    lead sees the mobile in full, to call it (a `tel:` link); others as their role allows."""
    phone = person.get("phone") or ""
    own = lead.owner_id is not None and lead.owner_id == getattr(actor.user, "pk", None)
    shown_phone = phone if own else masking.shown(actor, "phone", phone)[0] or ""
    return {"name": person.get("name") or lead.contact_name, "phone": shown_phone,
            "tel": phone if own or shown_phone == phone else ""}

"""The one registry of timeline entry kinds: label, right, dealer scope, title and details.

A domain that puts entries on the timeline adds its kind here and nowhere else: the batch,
the services, the 360° view and the redaction all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    """One kind of timeline entry."""

    code: str
    label: Promise
    right: str | None = None  # the right a reader needs beyond `profile`
    dealer_scoped: bool = True  # a dealer's user sees it only when it happened at that dealer
    title_field: str | None = None  # the field whose value follows the label in the title
    detail_fields: tuple[str, ...] = ()  # the fields kept as the entry's detail
    # Whether a dealer's user sees an entry of this kind that names no dealer (the call
    # centre's): a complaint names the dealer complained about in its text, so it does not.
    hq_entries_to_dealers: bool = True
    # (detail field, value, kind): an entry whose field has that value is governed as that
    # kind (a call of type 投诉 is a complaint: the same right, the same dealer scope).
    governed_as: tuple[tuple[str, str, str], ...] = ()
    free_text: tuple[str, ...] = ()  # detail fields of free text, masked like contact data


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("call", _("Call"), title_field="call_type",
         detail_fields=("call_id", "call_type", "agent"),
         governed_as=(("call_type", "投诉", "complaint"),)),
    Kind("complaint", _("Complaint"), right="complaints", title_field="category",
         detail_fields=("complaint_no", "category", "status", "closed_at"),
         hq_entries_to_dealers=False),
    Kind("roadside", _("Roadside assistance"), title_field="status",
         detail_fields=("case_no", "location", "status"), free_text=("location",)),
    Kind("member", _("Club"), title_field="tier",
         detail_fields=("club", "member_no", "tier", "points")),
    Kind("contract", _("Finance contract"), right="finance", title_field="insurer",
         detail_fields=("contract_no", "loan_amount", "loan_terms", "monthly_payment",
                        "first_payment_date", "insurer", "policy_no", "insurance_start",
                        "insurance_end", "model")),
    Kind("invoice", _("Invoice"), title_field="model",
         detail_fields=("invoice_no", "model", "amount")),
    Kind("survey", _("Survey"), title_field="survey_type",
         detail_fields=("survey_id", "survey_type", "score", "nps")),
    Kind("registration", _("Registration"), title_field="channel",
         detail_fields=("user_id", "nickname", "channel")),
    Kind("event_signup", _("Event sign-up"), title_field="event_name",
         detail_fields=("signup_id", "event_name", "intended_model")),
    Kind("post", _("Forum post"), title_field="title",
         detail_fields=("post_id", "title", "nickname")),
    Kind("lead", _("Lead"), title_field="intended_model",
         detail_fields=("lead_source", "intended_model", "lead", "stage", "from", "reason")),
    Kind("follow_up", _("Lead follow-up"), title_field="channel",
         detail_fields=("lead", "channel", "reached")),
    # Repairs are read from the repair orders, not stored as entries: shown to every reader
    # with the right, another dealer's named only as "another dealer".
    Kind("repair", _("Repair"), right="repair", dealer_scoped=False),
)}
# The kinds the batch writes from event records (every kind but the derived repairs).
RECORD_KINDS = tuple(k for k in KINDS if k != "repair")


def get(code: str) -> Kind:
    """Return a kind, or raise KeyError naming the known ones."""
    try:
        return KINDS[code]
    except KeyError:
        raise KeyError(f"unknown timeline kind {code!r} (known: {', '.join(KINDS)})") from None


def governing(code: str, detail: dict[str, object] | None) -> Kind | None:
    """Return the kind whose rules govern an entry of kind `code` with this detail."""
    kind = KINDS.get(code)
    for field, value, other in kind.governed_as if kind else ():
        if (detail or {}).get(field) == value:
            return KINDS[other]
    return kind


def detail_fields() -> tuple[str, ...]:
    """Return every detail field of every kind, once, in a stable order."""
    return tuple(sorted({f for k in KINDS.values() for f in k.detail_fields}))


def label(code: str) -> str:
    """Return the translated label of a kind, or the code for one not registered."""
    kind = KINDS.get(code)
    return str(kind.label) if kind else code

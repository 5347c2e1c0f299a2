"""Canonical field → type map: which rule set cleans which canonical column.

A new source column that maps onto an existing canonical field needs no code; a new canonical
field cleans as plain text until it is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal[
    "name", "id_number", "phone", "vin", "date", "datetime", "amount", "integer", "gender",
    "plate", "text", "code", "choice",
]  # fmt: skip


@dataclass(frozen=True)
class FieldSpec:
    """How one canonical field is cleaned."""

    type: FieldType
    future_ok: bool = False  # dates: a future value is normal (policy end, first repayment)
    min_value: float | None = None  # numbers: plausible range, inclusive
    max_value: float | None = None


_DATE = FieldSpec("date")
_DATE_AHEAD = FieldSpec("date", future_ok=True)
_DATETIME = FieldSpec("datetime")
_AMOUNT = FieldSpec("amount")
_CODE = FieldSpec("code")
_TEXT = FieldSpec("text")

FIELDS: dict[str, FieldSpec] = {
    # identity
    "name": FieldSpec("name"),
    "id_number": FieldSpec("id_number"),
    "phone": FieldSpec("phone"),
    "gender": FieldSpec("gender"),
    "vin": FieldSpec("vin"),
    "plate": FieldSpec("plate"),
    # dates and times
    "birth_date": _DATE,
    "purchase_date": _DATE,
    "registration_date": _DATE,
    "first_service_date": _DATE,
    "first_payment_date": _DATE_AHEAD,
    "insurance_start": _DATE_AHEAD,
    "insurance_end": _DATE_AHEAD,
    "event_date": _DATETIME,
    "closed_at": _DATETIME,
    # money
    "amount": _AMOUNT,
    "loan_amount": FieldSpec("amount", min_value=0),
    "monthly_payment": FieldSpec("amount", min_value=0),
    # counts and scores
    "mileage": FieldSpec("integer", min_value=0, max_value=2_000_000),
    "loan_terms": FieldSpec("integer", min_value=1, max_value=360),
    "points": FieldSpec("integer", min_value=0),
    "score": FieldSpec("integer", min_value=0, max_value=100),
    "nps": FieldSpec("integer", min_value=0, max_value=10),
    # keys and codes: kept verbatim apart from width and surrounding space
    **dict.fromkeys(
        [
            "dealer_code", "customer_no", "order_no", "invoice_no", "contract_no", "policy_no",
            "member_no", "call_id", "complaint_no", "case_no", "survey_id", "user_id",
            "signup_id", "post_id", "id_type", "request_id", "lead_source",
        ],
        _CODE,
    ),
    # free and categorical text
    **dict.fromkeys(
        [
            "address", "advisor", "agent", "call_type", "category", "channel", "city", "club",
            "config", "contact_person", "employer", "event_name", "insurer", "intended_model",
            "interests", "items", "location", "model", "nickname", "occupation", "parts",
            "province", "relatives", "repair_type", "status", "summary", "survey_type",
            "technician", "tier",
            "title",
            # a lead's name as given (王先生) and its answers to the screening questions
            "contact_name", "timeframe", "budget", "test_drive", "decision_maker", "trade_in",
            "finance",
        ],
        _TEXT,
    ),
}  # fmt: skip


# Fields whose values must be one of a domain's choices (a questionnaire's answers): each maps
# every accepted spelling (code, labels; lower case) to its code. Domains above register them.
CHOICES: dict[str, dict[str, str]] = {}
_CHOICE = FieldSpec("choice")


def register_choices(field: str, spellings: dict[str, str]) -> None:
    """Clean `field` as a choice: a value must be one of `spellings` (case-insensitive)."""
    CHOICES[field] = {k.strip().lower(): v for k, v in spellings.items()}


def field_spec(field: str) -> FieldSpec:
    """Return how a canonical field is cleaned; unknown fields are plain text."""
    if field in CHOICES:
        return _CHOICE
    return FIELDS.get(field, _TEXT)

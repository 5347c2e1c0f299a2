"""The kinds of data a role may see, and which customer fields are personal data of which kind."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """How much of a kind of personal data a role sees."""

    HIDDEN = "hidden", _("hidden")
    MASKED = "masked", _("masked")
    REVEAL = "reveal", _("masked, may reveal with a reason")
    FULL = "full", _("full")


# Personal data (P1): each field belongs to one kind, governed by the role's level for it.
PII_KINDS = ("contact", "identity")
PII_FIELDS: dict[str, str] = {
    "phone": "contact",
    "phones": "contact",
    "address": "contact",
    "contact_person": "contact",
    "relatives": "contact",
    "id_number": "identity",
    "unified_id": "identity",
    "birth_date": "identity",
}

# Yes/no rights per kind of data or action.
FLAGS = (
    "profile",  # customers at all: profile, vehicles, contact timeline, search
    "finance",  # finance and insurance contracts, insurance dates
    "repair",  # repair and maintenance orders
    "complaints",  # complaints on the timeline
    "export",  # any file export (error reports, audit log, lists)
    "steward",  # held changes, merge review, unmerge
    "dataops",  # loads, interface-change notices, dealer error reports
    "user_admin",  # users, roles, tokens
    "audit",  # read the audit log
    "leads",  # leads: one's own (a salesperson) or, with lead_assign, the dealer's or HQ's all
    "lead_assign",  # assign, return and approve leads; see every lead in reach
)

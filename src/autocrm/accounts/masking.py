"""Masks for personal data: enough to recognise a value, not to use it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from autocrm.accounts.rights import Level

if TYPE_CHECKING:
    from autocrm.accounts.actor import Actor

MOBILE = re.compile(r"1[3-9]\d{9}")


def mask_mobile(value: str) -> str:
    """138****5678."""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 8 else "*" * len(value)


def mask_id(value: str) -> str:
    """110101********1234 (first 6 and last 4 kept)."""
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}" if len(value) > 10 else "****"


def mask_date(value: str) -> str:
    """1985-**-** (the year stays, for age groups)."""
    return f"{value[:4]}-**-**" if len(value) >= 4 else "****"


def mask_address(value: str) -> str:
    """Keep the first six characters (province and city), hide the rest."""
    return value[:6] + "****" if len(value) > 6 else value[:1] + "****"


def mask_text(value: str) -> str:
    """Mask any mobile inside free text, and keep only the first character of the rest."""
    value = MOBILE.sub(lambda m: mask_mobile(m.group()), value)
    return value[:1] + "*" * min(max(len(value) - 1, 1), 6)


MASKS = {
    "phone": mask_mobile,
    "id_number": mask_id,
    "unified_id": mask_id,
    "birth_date": mask_date,
    "address": mask_address,
    "contact_person": mask_text,
    "relatives": mask_text,
}


def mask(field: str, value: Any) -> Any:
    """Mask one value of a personal-data field; lists are masked item by item."""
    if value in (None, ""):
        return value
    if isinstance(value, list):
        return [mask("phone" if field == "phones" else field, v) for v in value]
    return MASKS.get(field, mask_text)(str(value))


def shown(actor: Actor, field: str, value: Any) -> tuple[Any, bool]:
    """Return (the value as the actor may see it, whether it is masked or hidden)."""
    level = actor.field_level(field)
    if level is None or level == Level.FULL or value in (None, "", []):
        return value, False
    if level == Level.HIDDEN:
        return None, True
    return mask(field, value), True

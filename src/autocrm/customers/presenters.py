"""Customers shaped for lists and pages, masked by the actor's levels."""

from __future__ import annotations

from typing import Any

from autocrm.accounts.actor import Actor
from autocrm.accounts.masking import shown
from autocrm.customers import labels
from autocrm.customers.models import Customer
from autocrm.interactions import kinds
from autocrm.sources.config import sources


def hit(customer: Customer, actor: Actor) -> dict[str, Any]:
    """Return a search hit: id, name, masked phone, city, kind."""
    phone = shown(actor, "phone", customer.phone)[0]
    return {"id": customer.id, "name": customer.name, "phone": phone or "",
            "city": customer.city, "kind": customer.kind}


def present_360(view: dict[str, Any]) -> dict[str, Any]:
    """Add display labels to a (redacted) 360° view for the page."""
    names = {code: s.display_name for code, s in sources().items()}
    view["fields"] = [
        {"name": f, "label": labels.FIELDS[f], **entry,
         "display": labels.GENDERS.get(entry["value"], entry["value"]) if f == "gender" else (
             entry["value"]),
         "rule_label": labels.RULES.get(entry.get("rule", ""), entry.get("rule", "")),
         "others": [c for c in view["candidates"].get(f, []) if c["value"] != entry["value"]]}
        for f, entry in view["profile"].items()
        if entry["value"] not in (None, "") or entry.get("masked")
    ]
    for item in view["timeline"]:
        item["label"] = kinds.label(item["kind"])
        item["source_name"] = names.get(item["source"], item["source"])
    for d in view["dealers"]:
        d["relation_label"] = labels.RELATIONS.get(d["relation"], d["relation"])
    return view

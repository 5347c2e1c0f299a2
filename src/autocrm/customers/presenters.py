"""Customers shaped for lists and pages, masked by the actor's levels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from autocrm.accounts.actor import Actor
from autocrm.accounts.masking import shown
from autocrm.customers import labels
from autocrm.customers.models import Customer, HeldChange
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
    for f in view["fields"]:
        f["loaded_at"] = local_time(f.get("loaded_at"))
    for item in view["timeline"]:
        item["label"] = kinds.label(item["kind"])
        item["source_name"] = names.get(item["source"], item["source"])
        item["when"] = local_time(item.get("at"))[:10]
        item["title"] = localized_title(item["source"], item["kind"], item["title"])
    for vehicle in view["vehicles"]:
        for r in vehicle["repairs"]:
            r["type"] = str(labels.REPAIR_TYPES.get(r["type"], r["type"]))
    view["dealer_rows"] = dealer_rows(view["dealers"])
    for h in view["held_changes"]:
        h["field_label"] = labels.FIELDS.get(h["field"], h["field"])
        h["status_label"] = HeldChange.Status(h["status"]).label
    return view


def localized_title(source: str, kind: str, title: str) -> str:
    """Put a timeline title's leading feed label (or repair type) in the active language.

    A title is stored as its feed's Chinese label and the entry's own value (that value is the
    source's data and stays as sent).
    """
    config = sources().get(source)
    heads = [(f.label, f.display_label) for f in config.feeds.values()] if config else []
    if kind == "repair":
        heads = [(zh, str(en)) for zh, en in labels.REPAIR_TYPES.items()]
    for stored, local in heads:
        if title == stored or title.startswith(stored + " "):
            return local + title[len(stored):]
    return title


def local_time(value: str | None) -> str:
    """Show an ISO timestamp as a local date and time (TIME_ZONE), like every other page."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 10:
        return value  # a date: no time zone to convert
    moment = dt.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def dealer_rows(dealers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one row per dealer: its relations as labels, its first and last dates overall."""
    rows: dict[str, dict[str, Any]] = {}
    for d in dealers:
        row = rows.setdefault(d["code"], {"code": d["code"], "name": d["name"], "relations": [],
                                          "first_at": None, "last_at": None})
        row["relations"].append(labels.RELATIONS.get(d["relation"], d["relation"]))
        dates = [x for x in (row["first_at"], d["first_at"]) if x]
        row["first_at"] = min(dates) if dates else None
        dates = [x for x in (row["last_at"], d["last_at"]) if x]
        row["last_at"] = max(dates) if dates else None
    return list(rows.values())

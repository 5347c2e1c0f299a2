"""Cut the 360° view down to what the actor may see: sections by right, personal data by level."""

from __future__ import annotations

from typing import Any

from autocrm.accounts.actor import Actor
from autocrm.accounts.masking import shown
from autocrm.accounts.reach import reached_code
from autocrm.accounts.rights import Level
from autocrm.interactions import kinds

OTHER_DEALER = "其他经销商"


def _own(actor: Actor, dealer_code: str | None) -> bool:
    """Return whether something of a reachable customer is the actor's dealer's to see: what
    happened at no dealer, or at the one the actor reaches (every one for HQ)."""
    return not dealer_code or reached_code(actor) in (None, dealer_code)


def _profile(view: dict[str, Any], actor: Actor) -> None:
    for field, entry in view["profile"].items():
        entry["value"], entry["masked"] = shown(actor, field, entry["value"])
        entry["revealable"] = entry["masked"] and actor.field_level(field) == Level.REVEAL
        if not _own(actor, entry.pop("dealer_code", None)):
            entry.update(file=None, row=None, load=None)
    for field, values in list(view["candidates"].items()):
        if actor.field_level(field) == Level.HIDDEN:
            del view["candidates"][field]
            continue
        for c in values:
            c["value"] = shown(actor, field, c["value"])[0]
            if not _own(actor, c.pop("dealer_code", None)):
                c.update(file=None, row=None, load=None)


def _vehicles(view: dict[str, Any], actor: Actor) -> None:
    for v in view["vehicles"]:
        if not actor.can("finance"):
            v["insurance_start"] = v["insurance_end"] = None
        if not actor.can("repair"):
            v["repairs"] = []
        for r in v["repairs"]:
            if not _own(actor, r["dealer_code"]):
                r.update(dealer_code=OTHER_DEALER, technician="", advisor="")


def _timeline_item(actor: Actor, item: dict[str, Any]) -> bool:
    kind = kinds.KINDS.get(item["kind"])
    right = kind.right if kind else None
    scoped = kind.dealer_scoped if kind else True
    return (right is None or actor.can(right)) and (not scoped or _own(actor, item["dealer_code"]))


def redact(view: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """Return the view as the actor may see it (the dict is changed in place)."""
    view["phones"] = shown(actor, "phones", view["phones"])[0]
    if view["key_type"] == "ric":
        view["unified_id"] = shown(actor, "unified_id", view["unified_id"])[0]
    _profile(view, actor)
    _vehicles(view, actor)
    view["timeline"] = [i for i in view["timeline"] if _timeline_item(actor, i)]
    for i in view["timeline"]:  # what is shown beyond the dealer is named only "another dealer"
        if not _own(actor, i["dealer_code"]):
            i["dealer_code"] = OTHER_DEALER
    view["dealers"] = [d for d in view["dealers"] if _own(actor, d["code"])]
    if not actor.can("steward"):
        view["held_changes"] = []
    for h in view["held_changes"]:
        for key in ("current", "proposed"):
            h[key] = shown(actor, h["field"], h[key])[0]
    return view

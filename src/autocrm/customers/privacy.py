"""Cut the 360° view down to what the actor may see: sections by right, personal data by level."""

from __future__ import annotations

import re
from typing import Any

from autocrm.accounts.actor import Actor
from autocrm.accounts.masking import MOBILE, mask_address, mask_mobile, shown
from autocrm.accounts.reach import reached_code
from autocrm.accounts.rights import Level
from autocrm.interactions import kinds

OTHER_DEALER = "其他经销商"
# A street address inside free text: district or county, then a road, street or lane and a
# number ("海淀区中关村大街1号", "朝阳区建国路88号院").
STREET = re.compile(r"[\u4e00-\u9fff]{1,8}(?:区|县|市|镇)[\u4e00-\u9fff0-9]{0,12}?"
                    r"(?:路|街|大街|大道|巷|弄|胡同|道)[0-9一二三四五六七八九十百\-]+号?[院楼栋室]?")


def _own(actor: Actor, dealer_code: str | None) -> bool:
    """Return whether something of a reachable customer is the actor's dealer's to see: what
    happened at no dealer, or at the one the actor reaches (every one for HQ)."""
    return not dealer_code or reached_code(actor) in (None, dealer_code)


def _profile(view: dict[str, Any], actor: Actor) -> None:
    for field, entry in view["profile"].items():
        entry["value"], entry["masked"] = shown(actor, field, entry["value"])
        entry["revealable"] = entry["masked"] and actor.field_level(field) == Level.REVEAL
        if not _own(actor, entry.pop("dealer_code", None)):
            entry.update(file=None, row=None, load=None, record=None)
    for field, values in list(view["candidates"].items()):
        if actor.field_level(field) == Level.HIDDEN:
            del view["candidates"][field]
            continue
        for c in values:
            c["value"] = shown(actor, field, c["value"])[0]
            if not _own(actor, c.pop("dealer_code", None)):
                c.update(file=None, row=None, load=None, record=None)


def mask_free_text(actor: Actor, text: str) -> str:
    """Mask the mobiles and street addresses inside free text as the actor's contact level
    masks the fields (a call note, a roadside location)."""
    if not text:
        return text
    if actor.field_level("address") == Level.FULL:
        return text
    text = MOBILE.sub(lambda m: mask_mobile(m.group()), text)
    return STREET.sub(lambda m: mask_address(m.group()), text)


def _vehicles(view: dict[str, Any], actor: Actor, own_records: set[int]) -> None:
    for v in view["vehicles"]:
        if not actor.can("finance"):
            v["insurance_start"] = v["insurance_end"] = None
        if not actor.can("repair"):
            v["repairs"] = []
        if not _own(actor, v["dealer_code"]):
            v["dealer_code"] = OTHER_DEALER
        if actor.dealer_side:  # another owner is not the dealer's to know
            v["owners"] = [o if o["customer_id"] == view["id"] else {**o, "customer_id": None}
                           for o in v["owners"]]
            v["repairs"] = [r for r in v["repairs"] if r["during_ownership"]]
            for entry in (v["lineage"] or {}).values():
                if isinstance(entry, dict) and entry.get("record") not in own_records:
                    entry["record"] = None
        for r in v["repairs"]:
            if not _own(actor, r["dealer_code"]):
                r.update(dealer_code=OTHER_DEALER, technician="", advisor="")


def _timeline_item(actor: Actor, item: dict[str, Any]) -> bool:
    kind = kinds.governing(item["kind"], item["detail"])
    if kind is None:
        return not actor.dealer_side
    if kind.right and not actor.can(kind.right):
        return False
    if not kind.dealer_scoped:
        return True
    if not item["dealer_code"] and actor.dealer_side:
        return kind.hq_entries_to_dealers
    return _own(actor, item["dealer_code"])


def _free_text(actor: Actor, item: dict[str, Any]) -> None:
    kind = kinds.KINDS.get(item["kind"])
    item["summary"] = mask_free_text(actor, item["summary"])
    detail = item["detail"] or {}
    for field in kind.free_text if kind else ():
        if isinstance(detail.get(field), str):
            detail[field] = mask_free_text(actor, detail[field])


def redact(view: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """Return the view as the actor may see it (the dict is changed in place)."""
    view["phones"] = shown(actor, "phones", view["phones"])[0]
    if view["key_type"] == "ric":
        view["unified_id"] = shown(actor, "unified_id", view["unified_id"])[0]
    own_records = {r for r, code in view.pop("record_dealers", {}).items() if _own(actor, code)}
    _profile(view, actor)
    _vehicles(view, actor, own_records)
    view["timeline"] = [i for i in view["timeline"] if _timeline_item(actor, i)]
    for i in view["timeline"]:  # what is shown beyond the dealer is named only "another dealer"
        if not _own(actor, i["dealer_code"]):
            i["dealer_code"] = OTHER_DEALER
        _free_text(actor, i)
    view["dealers"] = [d for d in view["dealers"] if _own(actor, d["code"])]
    if not actor.can("steward"):
        view["held_changes"] = []
    for h in view["held_changes"]:
        for key in ("current", "proposed"):
            h[key] = shown(actor, h["field"], h[key])[0]
    return view

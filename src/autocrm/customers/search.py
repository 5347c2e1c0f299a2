"""Search as agents type: classify the query, look each reading up in one index, rank, explain.

A query is read every way it can mean something: `3427` is a phone's last four and nothing
else; `135760` a phone's start, a VIN's last six or an ID number's start; `G2719K` a plate
without its province or a VIN tail; `zhangwei`, `Zhang Wei` and `zw` a name in pinyin; `#138`
customer number 138 (a bare number never is). Each reading is one range scan of the
`(kind, value)` index of `SearchTerm`, narrowed by the one scoping layer, at most LIMIT + 1
rows. Hits are ranked exact before tail before prefix, then by name, and say why they matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from autocrm.accounts.actor import Actor
from autocrm.accounts.rights import Level
from autocrm.core.lookups import prefix
from autocrm.customers import scoping
from autocrm.customers.models import Customer, SearchTerm
from autocrm.customers.presenters import hit

LIMIT = 20
EXACT, TAIL, START = 0, 1, 2
CUSTOMER_NO = re.compile(r"^[#＃]\s*([0-9]{1,18})$")
INTERNAL_ID = re.compile(r"^AC([0-9]{10})$")  # the unified id of a customer without an ID number
DIGITS = re.compile(r"^[0-9]+$")  # not "٣": \d is any script
ALNUM = re.compile(r"^[0-9A-Z]+$")
LETTERS = re.compile(r"^[a-z]+$")
PLATE = re.compile(r"^[^\x00-\x7f][A-Z][0-9A-Z]{0,6}$")
VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
ID_NUMBER = re.compile(r"^([0-9]{15}|[0-9]{17}[0-9X])$")
USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")  # a company's code


@dataclass(frozen=True)
class Reading:
    """One way to read the query: a term kind, the value looked up, exact or as a start."""

    kind: str
    value: str
    exact: bool
    rank: int


@dataclass
class Result:
    """The hits (at most LIMIT) and whether there were more."""

    hits: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False


def readings(query: str) -> list[Reading]:
    """Return every reading of the query, most specific first."""
    q = query.strip()
    if not q:
        return []
    if m := CUSTOMER_NO.match(q):
        return [Reading("#", m.group(1), True, EXACT)]
    compact = re.sub(r"[\s\-－—_.·]+", "", q)
    upper = compact.upper()
    if m := INTERNAL_ID.match(upper):
        return [Reading("#", str(int(m.group(1))), True, EXACT)]
    if DIGITS.match(compact):
        return _digits(compact)
    if PLATE.match(upper):
        return [Reading("plate", upper, len(upper) >= 7, EXACT if len(upper) >= 7 else START)]
    if ALNUM.match(upper):
        return _alnum(upper, compact)
    if not compact.isascii():
        return [Reading("name", compact.lower(), False, START)]
    return []


def _digits(q: str) -> list[Reading]:
    n = len(q)
    out: list[Reading] = []
    if n == 11 and q.startswith("1"):
        out.append(Reading("phone", q, True, EXACT))
    if ID_NUMBER.match(q):
        out.append(Reading("id", q, True, EXACT))
    if 4 <= n <= 8:
        out.append(Reading("phone_tail", q[::-1], False, TAIL))
    if 6 <= n <= 8:
        out.append(Reading("vin_tail", q[::-1], False, TAIL))
    if 3 <= n <= 10 and q.startswith("1"):
        out.append(Reading("phone", q, False, START))
    if 6 <= n <= 17:
        out.append(Reading("id", q, False, START))
    return out


def _alnum(upper: str, compact: str) -> list[Reading]:
    n = len(upper)
    out: list[Reading] = []
    if VIN.match(upper):
        out.append(Reading("vin", upper, True, EXACT))
    if ID_NUMBER.match(upper) or USCC.match(upper):
        out.append(Reading("id", upper, True, EXACT))
    digits = any(c in "0123456789" for c in upper)
    if 5 <= n <= 7 and upper[0].isalpha() and digits:
        out.append(Reading("plate_local", upper, n >= 6, EXACT if n >= 6 else START))
    if 6 <= n <= 8 and digits and not set(upper) & set("IOQ"):
        out.append(Reading("vin_tail", upper[::-1], False, TAIL))
    lower = compact.lower()
    if LETTERS.match(lower):
        if n <= 6:
            out.append(Reading("initials", lower, False, START))
        if n >= 2:
            out.append(Reading("pinyin", lower, False, START))
        out.append(Reading("name", lower, False, START))
    return out


def find(query: str, actor: Actor, limit: int = LIMIT) -> Result:
    """Return the customers the actor may reach that the query names, best first."""
    found: dict[int, tuple[int, Reading, str]] = {}  # customer -> rank, reading, term value
    for reading in (r for r in readings(query) if _allowed(r, actor)):
        for customer_id, value in _lookup(reading, actor, limit + 1):
            rank = EXACT if reading.exact or value == reading.value else reading.rank
            if customer_id not in found or rank < found[customer_id][0]:
                found[customer_id] = (rank, reading, value)
    customers = Customer.objects.in_bulk(list(found))
    ordered = sorted(customers.values(), key=lambda c: (found[c.id][0], c.name, c.id))[:limit + 1]
    plates = _full_plates([c.id for c in ordered[:limit] if found[c.id][1].kind == "plate_local"])
    hits = []
    for c in ordered[:limit]:
        rank, reading, value = found[c.id]
        if reading.kind == "plate_local":
            value = next((p for p in plates.get(c.id, []) if p.endswith(value)), value)
        hits.append({**hit(c, actor), **_why(rank, reading, value)})
    return Result(hits, more=len(ordered) > limit)


def _full_plates(customer_ids: list[int]) -> dict[int, list[str]]:
    """Return the plates (with their province) of these customers."""
    out: dict[int, list[str]] = {}
    rows = SearchTerm.objects.filter(kind="plate", customer_id__in=customer_ids)
    for cid, plate in rows.values_list("customer_id", "value"):
        out.setdefault(cid, []).append(plate)
    return out


# Part of a phone or an ID number finds customers only for roles that see those in full or
# may reveal them: to a masked role, answers to ever longer starts would spell the value out.
PARTIAL_FIELD = {"phone": "phone", "phone_tail": "phone", "id": "id_number"}


def _allowed(reading: Reading, actor: Actor) -> bool:
    field = PARTIAL_FIELD.get(reading.kind)
    return reading.exact or field is None or actor.field_level(field) in (Level.FULL,
                                                                           Level.REVEAL)


def _lookup(reading: Reading, actor: Actor, limit: int) -> list[tuple[int, str]]:
    """Return (customer id, term value) of the reachable customers one reading finds."""
    if reading.kind == "#":
        rows = scoping.reachable_customers(actor).filter(id=int(reading.value))
        return [(c, reading.value) for c in rows.values_list("id", flat=True)[:1]]
    terms = SearchTerm.objects.filter(kind=reading.kind).filter(
        Q(value=reading.value) if reading.exact else prefix("value", reading.value))
    # A dealer's user: each term row is checked against the dealer's relations (EXISTS), so
    # the term index is walked and the read stops at `limit`; an IN over the dealer's
    # customers made the planners walk those instead (0.4-1.7 s at 1M on SQLite).
    terms = scoping.scope_each(terms, actor, "customer_id")
    return list(terms.values_list("customer_id", "value")[:limit])


def _why(rank: int, reading: Reading, value: str) -> dict[str, str]:
    """Say why a hit matched, and the car it matched by (VIN or plate), if any."""
    typed = reading.value[::-1] if reading.kind.endswith("_tail") else reading.value
    full = value[::-1] if reading.kind.endswith("_tail") else value
    reasons = {
        "#": _("Customer no. {v}"),
        "phone": _("Phone {v}") if rank == EXACT else _("Phone starts {v}"),
        "phone_tail": _("Phone ends {v}"),
        "vin": _("VIN {v}"),
        "vin_tail": _("VIN last {n} characters"),
        "plate": _("Plate {v}") if rank == EXACT else _("Plate starts {v}"),
        "plate_local": _("Plate {v}") if rank == EXACT else _("Plate starts {v}"),
        "id": _("ID number") if rank == EXACT else _("ID number starts"),
        "name": _("Name") if rank == EXACT else _("Name starts"),
        "pinyin": _("Pinyin"),
        "initials": _("Pinyin initials"),
    }
    car = full if reading.kind in ("vin", "vin_tail", "plate", "plate_local") else ""
    return {"why": reasons[reading.kind].format(v=typed, n=len(typed)), "car": car}

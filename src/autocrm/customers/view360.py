"""The 360° view of one customer: one plain SQL query per section, one round trip in all.

On PostgreSQL every section is aggregated to JSON inside one statement (the sections' own
statements cost more to start than to run); on SQLite, in process, they run one by one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from autocrm.core.errors import NotFound
from autocrm.customers.models import PROFILE_FIELDS
from autocrm.dealers.sections import name_of
from autocrm.interactions.selectors import TIMELINE_SQL
from autocrm.sources.config import entity_feeds, sources
from autocrm.sources.record_store import RECORDS_SQL
from autocrm.vehicles.selectors import OWNERS_SQL, REPAIRS_SQL, VEHICLES_SQL

CUSTOMER_SQL = (
    "SELECT id, unified_id, key_type, kind, phones, lineage, "
    + ", ".join(PROFILE_FIELDS) + " FROM customers_customer WHERE id = %s"
)
DEALERS_SQL = (
    f"SELECT cd.dealer_code, {name_of('cd.dealer_code')} AS name, cd.relation, cd.first_at, "
    "cd.last_at FROM customers_customerdealer cd WHERE cd.customer_id = %s "
    "ORDER BY cd.dealer_code, cd.relation"
)
HELD_SQL = (
    "SELECT id, field, current_value, proposed_value, reason, status "
    "FROM customers_heldchange WHERE customer_id = %s ORDER BY id DESC"
)
# Each section takes the customer id as its only parameter.
SECTIONS = {
    "customer": CUSTOMER_SQL, "records": RECORDS_SQL.format("r.customer_id = %s AND r.current"),
    "vehicles": VEHICLES_SQL, "repairs": REPAIRS_SQL, "owners": OWNERS_SQL,
    "timeline": TIMELINE_SQL, "dealers": DEALERS_SQL, "held": HELD_SQL,
}


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _sections(customer_id: int, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Return the rows of each named section, as dicts, in the section's order.

    PostgreSQL aggregates each ordered section with `json_agg` in one statement, so dates and
    times arrive as ISO text and JSON columns already parsed, as `_iso` and `_json` expect.
    """
    if connection.vendor != "postgresql":
        return {name: _rows(SECTIONS[name], [customer_id]) for name in names}
    sql = "SELECT " + ", ".join(f"(SELECT json_agg(x) FROM ({SECTIONS[n]}) x)" for n in names)
    with connection.cursor() as cur:
        cur.execute(sql, [customer_id] * len(names))
        row = cur.fetchone()
    return {name: value or [] for name, value in zip(names, row, strict=True)}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _time(value: Any) -> Any:
    """Render a timestamp as Python does (PostgreSQL's JSON drops trailing zeros of the µs)."""
    return dt.datetime.fromisoformat(value).isoformat() if isinstance(value, str) else _iso(value)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if isinstance(value, dt.date) else value


def _records(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    for r in rows:
        r["data"], r["held_fields"] = _json(r["data"]), _json(r["held_fields"]) or []
    return {r["id"]: r for r in rows}


def _profile(customer: dict[str, Any], recs: dict[int, dict[str, Any]]) -> dict[str, Any]:
    lineage = _json(customer["lineage"]) or {}
    missing = [int(e["record"]) for e in lineage.values() if int(e["record"]) not in recs]
    if missing:
        marks = ", ".join(["%s"] * len(missing))
        recs = {**recs, **_records(_rows(RECORDS_SQL.format(f"r.id IN ({marks})"), missing))}
    names = {code: s.display_name for code, s in sources().items()}
    out: dict[str, Any] = {}
    for field in PROFILE_FIELDS:
        entry, value = lineage.get(field), _iso(customer[field]) or None
        rec = recs.get(int(entry["record"])) if entry else None
        out[field] = {"value": value}
        if entry:
            out[field] |= {
                "source": entry["source"], "source_name": names.get(entry["source"], ""),
                "record": entry["record"], "rule": entry["rule"],
                "load": rec["load_id"] if rec else None,
                "file": rec["file_name"] if rec else None, "row": rec["row_no"] if rec else None,
                "observed": _iso(rec["event_date"]) if rec else None,
                "loaded_at": _time(rec["started_at"]) if rec else None,
                "dealer_code": rec["dealer_code"] if rec else None,
            }
    return out


def _candidates(recs: dict[int, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in recs.values():
        for field in PROFILE_FIELDS:
            value = r["data"].get(field)
            if value in (None, ""):
                continue
            out.setdefault(field, []).append({
                "value": value, "source": r["source"], "record": r["id"], "load": r["load_id"],
                "file": r["file_name"], "row": r["row_no"], "observed": _iso(r["event_date"]),
                "held": field in r["held_fields"], "dealer_code": r["dealer_code"],
            })
    return out


def _vehicles(rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    repairs: dict[int, list[dict[str, Any]]] = {}
    for r in rows.get("repairs", []):
        repairs.setdefault(r["vehicle_id"], []).append(r)
    owners: dict[int, list[dict[str, Any]]] = {}
    for p in rows["owners"]:
        owners.setdefault(p["vehicle_id"], []).append(p)
    owned = rows["vehicles"]
    return [_vehicle(o, repairs.get(o["vehicle_id"], []), owners.get(o["vehicle_id"], []))
            for o in owned]


def _during(day: dt.date | str, start: Any, end: Any) -> bool:
    day = str(day)
    return (start is None or day >= str(start)) and (end is None or day < str(end))


def _vehicle(o: dict[str, Any], repairs: list[dict[str, Any]],
             owners: list[dict[str, Any]]) -> dict[str, Any]:
    dates = ("purchase_date", "registration_date", "first_service_date", "insurance_start",
             "insurance_end")
    return {
        "vin": o["vin"], "plate": o["plate"], "model": o["model"], "config": o["config"],
        **{d: _iso(o[d]) for d in dates}, "dealer_code": o["dealer_code"],
        "lineage": _json(o["lineage"]), "owned_from": _iso(o["start"]),
        "owned_until": _iso(o["end"]), "current": o["end"] is None,
        "owners": [{"customer_id": p["customer_id"], "start": _iso(p["start"]),
                    "end": _iso(p["end"])} for p in owners],
        "repairs": [
            {"order_no": r["order_no"], "date": _iso(r["date"]), "dealer_code": r["dealer_code"],
             "type": r["repair_type"], "mileage": r["mileage"], "items": r["items"],
             "parts": r["parts"], "amount": r["amount"], "technician": r["technician"],
             "advisor": r["advisor"], "during_ownership": _during(r["date"], o["start"], o["end"])}
            for r in repairs
        ],
    }


def _timeline(rows: list[dict[str, Any]], vehicles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = [
        {"at": _time(i["occurred_at"]), "kind": i["kind"], "source": i["source"],
         "title": i["title"], "summary": i["summary"], "dealer_code": i["dealer_code"],
         "vin": i["vin"], "record": i["record_id"], "detail": _json(i["detail"])}
        for i in rows
    ]
    source = next(iter(entity_feeds("repair")), ("", ""))[0]  # the source of repair orders
    for v in vehicles:
        items += [
            {"at": r["date"], "kind": "repair", "source": source,
             "title": f"{r['type']} {r['items']}".strip(), "summary": r["parts"],
             "dealer_code": r["dealer_code"], "vin": v["vin"], "record": None,
             "detail": {"order_no": r["order_no"], "amount": r["amount"]}}
            for r in v["repairs"] if r["during_ownership"]
        ]
    return sorted(items, key=lambda x: str(x["at"] or ""), reverse=True)


def customer_360(customer_id: int, *, repairs: bool = True, held: bool = True) -> dict[str, Any]:
    """Return everything known about one customer, with the source of every value.

    `repairs` and `held` off skip reading sections the reader may not see anyway.
    """
    names = ["customer", "records", "vehicles", "owners", "timeline", "dealers"]
    names += ["repairs"] * repairs + ["held"] * held
    rows = _sections(customer_id, names)
    if not rows["customer"]:
        raise NotFound(_("customer %(id)s not found") % {"id": customer_id})
    c = rows["customer"][0]
    recs = _records(rows["records"])
    vehicles = _vehicles(rows)
    return {
        "id": c["id"], "unified_id": c["unified_id"], "key_type": c["key_type"],
        "kind": c["kind"], "phones": _json(c["phones"]), "record_count": len(recs),
        "record_dealers": {r["id"]: r["dealer_code"] for r in recs.values()},
        "profile": _profile(c, recs), "candidates": _candidates(recs),
        "vehicles": vehicles, "timeline": _timeline(rows["timeline"], vehicles),
        "dealers": [
            {"code": d["dealer_code"], "name": d["name"] or "", "relation": d["relation"],
             "first_at": _iso(d["first_at"]), "last_at": _iso(d["last_at"])}
            for d in rows["dealers"]
        ],
        "held_changes": [
            {"id": h["id"], "field": h["field"], "current": h["current_value"],
             "proposed": h["proposed_value"], "reason": h["reason"], "status": h["status"]}
            for h in rows.get("held", [])
        ],
    }

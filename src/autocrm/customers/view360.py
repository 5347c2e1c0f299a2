"""The 360° view of one customer, read with one plain SQL query per section."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection

from autocrm.core.errors import NotFound
from autocrm.customers.models import PROFILE_FIELDS
from autocrm.sources.config import sources

CUSTOMER_SQL = (
    "SELECT id, unified_id, key_type, kind, phones, lineage, "
    + ", ".join(PROFILE_FIELDS) + " FROM customers_customer WHERE id = %s"
)
RECORDS_SQL = (
    "SELECT r.id, r.load_id, r.source, r.dealer_code, r.row_no, r.event_date, r.data, "
    "r.held_fields, l.file_name, l.started_at FROM sources_sourcerecord r "
    "JOIN sources_load l ON l.id = r.load_id WHERE {} ORDER BY r.id"
)
VEHICLES_SQL = (
    "SELECT o.vehicle_id, o.start, o.\"end\", v.vin, v.plate, v.model, v.config, "
    "v.purchase_date, v.registration_date, v.first_service_date, v.insurance_start, "
    "v.insurance_end, v.dealer_code, v.lineage FROM vehicles_ownership o "
    "JOIN vehicles_vehicle v ON v.id = o.vehicle_id WHERE o.customer_id = %s ORDER BY o.start"
)
REPAIRS_SQL = (
    "SELECT vehicle_id, order_no, date, dealer_code, repair_type, mileage, items, parts, "
    "amount, technician, advisor FROM vehicles_repairorder WHERE vehicle_id IN ({}) "
    "ORDER BY date DESC"
)
OWNERS_SQL = (
    'SELECT vehicle_id, customer_id, start, "end" FROM vehicles_ownership '
    "WHERE vehicle_id IN ({}) ORDER BY start"
)
TIMELINE_SQL = (
    "SELECT occurred_at, kind, source, title, summary, dealer_code, vin, record_id, detail "
    "FROM interactions_interaction WHERE customer_id = %s ORDER BY occurred_at DESC, id"
)
DEALERS_SQL = (
    "SELECT cd.dealer_code, d.name, cd.relation, cd.first_at, cd.last_at "
    "FROM customers_customerdealer cd LEFT JOIN dealers_dealer d ON d.code = cd.dealer_code "
    "WHERE cd.customer_id = %s ORDER BY cd.dealer_code, cd.relation"
)
HELD_SQL = (
    "SELECT id, field, current_value, proposed_value, reason, status "
    "FROM customers_heldchange WHERE customer_id = %s ORDER BY id DESC"
)


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if isinstance(value, dt.date) else value


def _records(where: str, params: list[Any]) -> dict[int, dict[str, Any]]:
    rows = _rows(RECORDS_SQL.format(where), params)
    for r in rows:
        r["data"], r["held_fields"] = _json(r["data"]), _json(r["held_fields"]) or []
    return {r["id"]: r for r in rows}


def _profile(customer: dict[str, Any], recs: dict[int, dict[str, Any]]) -> dict[str, Any]:
    lineage = _json(customer["lineage"]) or {}
    missing = [int(e["record"]) for e in lineage.values() if int(e["record"]) not in recs]
    if missing:
        marks = ", ".join(["%s"] * len(missing))
        recs = {**recs, **_records(f"r.id IN ({marks})", missing)}
    names = {code: s.name for code, s in sources().items()}
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
                "loaded_at": _iso(rec["started_at"]) if rec else None,
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


def _in(sql: str, ids: list[int]) -> list[dict[str, Any]]:
    return _rows(sql.format(", ".join(["%s"] * len(ids))), ids) if ids else []


def _vehicles(customer_id: int, repairs_wanted: bool) -> list[dict[str, Any]]:
    owned = _rows(VEHICLES_SQL, [customer_id])
    ids = [o["vehicle_id"] for o in owned]
    repairs: dict[int, list[dict[str, Any]]] = {}
    for r in _in(REPAIRS_SQL, ids if repairs_wanted else []):
        repairs.setdefault(r["vehicle_id"], []).append(r)
    owners: dict[int, list[dict[str, Any]]] = {}
    for p in _in(OWNERS_SQL, ids):
        owners.setdefault(p["vehicle_id"], []).append(p)
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


def _timeline(customer_id: int, vehicles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = [
        {"at": _iso(i["occurred_at"]), "kind": i["kind"], "source": i["source"],
         "title": i["title"], "summary": i["summary"], "dealer_code": i["dealer_code"],
         "vin": i["vin"], "record": i["record_id"], "detail": _json(i["detail"])}
        for i in _rows(TIMELINE_SQL, [customer_id])
    ]
    for v in vehicles:
        items += [
            {"at": r["date"], "kind": "repair", "source": "DMS",
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
    found = _rows(CUSTOMER_SQL, [customer_id])
    if not found:
        raise NotFound(f"客户 {customer_id} 不存在 (customer not found)")
    c = found[0]
    recs = _records("r.customer_id = %s AND r.current", [customer_id])
    vehicles = _vehicles(customer_id, repairs)
    return {
        "id": c["id"], "unified_id": c["unified_id"], "key_type": c["key_type"],
        "kind": c["kind"], "phones": _json(c["phones"]), "record_count": len(recs),
        "profile": _profile(c, recs), "candidates": _candidates(recs),
        "vehicles": vehicles, "timeline": _timeline(customer_id, vehicles),
        "dealers": [
            {"code": d["dealer_code"], "name": d["name"] or "", "relation": d["relation"],
             "first_at": _iso(d["first_at"]), "last_at": _iso(d["last_at"])}
            for d in _rows(DEALERS_SQL, [customer_id])
        ],
        "held_changes": [
            {"id": h["id"], "field": h["field"], "current": h["current_value"],
             "proposed": h["proposed_value"], "reason": h["reason"], "status": h["status"]}
            for h in (_rows(HELD_SQL, [customer_id]) if held else [])
        ],
    }

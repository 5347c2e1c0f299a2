"""Reads of customers: find by any key, and the 360° view."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q

from autocrm.core.errors import NotFound
from autocrm.customers.models import PROFILE_FIELDS, Customer, CustomerDealer, HeldChange
from autocrm.dealers.models import Dealer
from autocrm.interactions.models import Interaction
from autocrm.sources.config import sources
from autocrm.sources.models import IdentityKey, Load, SourceRecord
from autocrm.vehicles.models import Ownership, RepairOrder, Vehicle

VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
PHONE = re.compile(r"^1[3-9]\d{9}$")


def find_customers(key: str, limit: int = 20) -> list[Customer]:
    """Find customers by internal id, unified id, phone, VIN, plate or name."""
    key = key.strip().upper() if key.strip().isascii() else key.strip()
    if key.isdigit() and len(key) < 11:
        return list(Customer.objects.filter(id=int(key)))
    if PHONE.match(key):
        ids = IdentityKey.objects.filter(kind="phone", value=key).values("customer_id")
        return list(Customer.objects.filter(Q(phone=key) | Q(id__in=ids))[:limit])
    if VIN.match(key):
        owners = Ownership.objects.filter(vehicle__vin=key).values("customer_id")
        return list(Customer.objects.filter(id__in=owners)[:limit])
    exact = Customer.objects.filter(Q(unified_id=key) | Q(id_number=key))
    if exact.exists():
        return list(exact[:limit])
    plates = Ownership.objects.filter(vehicle__plate=key).values("customer_id")
    found = list(Customer.objects.filter(Q(id__in=plates) | Q(name=key))[:limit])
    return found or list(Customer.objects.filter(name__startswith=key)[:limit])


def get_customer(customer_id: int) -> Customer:
    """Return one customer or raise NotFound."""
    try:
        return Customer.objects.get(id=customer_id)
    except Customer.DoesNotExist:
        raise NotFound(f"客户 {customer_id} 不存在 (customer not found)") from None


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _records(customer_id: int) -> tuple[list[SourceRecord], dict[int, Load]]:
    recs = list(SourceRecord.objects.filter(customer_id=customer_id, current=True).order_by("id"))
    loads = Load.objects.in_bulk({r.load_id for r in recs})
    return recs, loads


def _lineage(lineage: dict[str, Any], recs: list[SourceRecord],
             loads: dict[int, Load]) -> dict[str, dict[str, Any]]:
    """Resolve {field: {source, record, rule}} to source, file, row, load and time."""
    by_id = {r.id: r for r in recs}
    missing = {int(e["record"]) for e in lineage.values()} - set(by_id)
    for r in SourceRecord.objects.filter(id__in=missing):
        by_id[r.id] = r
    loads.update(Load.objects.in_bulk({r.load_id for r in by_id.values()} - set(loads)))
    names = {code: s.name for code, s in sources().items()}
    out = {}
    for field, entry in lineage.items():
        rec = by_id.get(int(entry["record"]))
        load = loads.get(rec.load_id) if rec else None
        out[field] = {
            "source": entry["source"], "source_name": names.get(entry["source"], ""),
            "record": entry["record"], "rule": entry["rule"],
            "load": rec.load_id if rec else None, "file": load.file_name if load else None,
            "row": rec.row_no if rec else None,
            "observed": _iso(rec.event_date) if rec else None,
            "loaded_at": _iso(load.started_at) if load else None,
        }
    return out


def _profile(c: Customer, recs: list[SourceRecord], loads: dict[int, Load]) -> dict[str, Any]:
    resolved = _lineage(c.lineage, recs, loads)
    return {
        f: {"value": _iso(getattr(c, f)) or None, **resolved.get(f, {})} for f in PROFILE_FIELDS
    }


def _candidates(recs: list[SourceRecord], loads: dict[int, Load]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in recs:
        for f in PROFILE_FIELDS:
            v = r.data.get(f)
            if v in (None, ""):
                continue
            out.setdefault(f, []).append({
                "value": v, "source": r.source, "record": r.id, "load": r.load_id,
                "file": loads[r.load_id].file_name, "row": r.row_no,
                "observed": _iso(r.event_date), "held": f in (r.held_fields or []),
            })
    return out


def _vehicles(customer_id: int) -> list[dict[str, Any]]:
    owns = list(Ownership.objects.filter(customer_id=customer_id).select_related("vehicle"))
    vehicle_ids = [o.vehicle_id for o in owns]
    repairs: dict[int, list[RepairOrder]] = {}
    for r in RepairOrder.objects.filter(vehicle_id__in=vehicle_ids).order_by("-date"):
        repairs.setdefault(r.vehicle_id, []).append(r)
    periods: dict[int, list[Ownership]] = {}
    for p in Ownership.objects.filter(vehicle_id__in=vehicle_ids).order_by("start"):
        periods.setdefault(p.vehicle_id, []).append(p)
    return [_vehicle(o, repairs.get(o.vehicle_id, []), periods.get(o.vehicle_id, []))
            for o in owns]


def _vehicle(o: Ownership, repairs: list[RepairOrder], periods: list[Ownership]) -> dict[str, Any]:
    v: Vehicle = o.vehicle
    return {
        "vin": v.vin, "plate": v.plate, "model": v.model, "config": v.config,
        "purchase_date": _iso(v.purchase_date), "registration_date": _iso(v.registration_date),
        "first_service_date": _iso(v.first_service_date),
        "insurance_start": _iso(v.insurance_start), "insurance_end": _iso(v.insurance_end),
        "dealer_code": v.dealer_code, "lineage": v.lineage,
        "owned_from": _iso(o.start), "owned_until": _iso(o.end), "current": o.end is None,
        "owners": [
            {"customer_id": p.customer_id, "start": _iso(p.start), "end": _iso(p.end)}
            for p in periods
        ],
        "repairs": [
            {"order_no": r.order_no, "date": _iso(r.date), "dealer_code": r.dealer_code,
             "type": r.repair_type, "mileage": r.mileage, "items": r.items, "parts": r.parts,
             "amount": r.amount, "technician": r.technician, "advisor": r.advisor,
             "during_ownership": (o.start is None or r.date >= o.start)
             and (o.end is None or r.date < o.end)}
            for r in repairs
        ],
    }


def _timeline(customer_id: int, vehicles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = [
        {"at": _iso(i.occurred_at), "kind": i.kind, "source": i.source, "title": i.title,
         "summary": i.summary, "dealer_code": i.dealer_code, "vin": i.vin,
         "record": i.record_id, "detail": i.detail}
        for i in Interaction.objects.filter(customer_id=customer_id)
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


def customer_360(customer_id: int) -> dict[str, Any]:
    """Return everything known about one customer, with the source of every value."""
    c = get_customer(customer_id)
    recs, loads = _records(c.id)
    vehicles = _vehicles(c.id)
    links = list(CustomerDealer.objects.filter(customer=c).order_by("dealer_code", "relation"))
    dealers = Dealer.objects.in_bulk([d.dealer_code for d in links], field_name="code")
    return {
        "id": c.id, "unified_id": c.unified_id, "key_type": c.key_type, "kind": c.kind,
        "phones": c.phones, "record_count": len(recs),
        "profile": _profile(c, recs, loads), "candidates": _candidates(recs, loads),
        "vehicles": vehicles, "timeline": _timeline(c.id, vehicles),
        "dealers": [
            {"code": d.dealer_code, "name": dealers[d.dealer_code].name
             if d.dealer_code in dealers else "", "relation": d.relation,
             "first_at": _iso(d.first_at), "last_at": _iso(d.last_at)}
            for d in links
        ],
        "held_changes": [
            {"id": h.id, "field": h.field, "current": h.current_value,
             "proposed": h.proposed_value, "reason": h.reason, "status": h.status}
            for h in HeldChange.objects.filter(customer=c)
        ],
    }

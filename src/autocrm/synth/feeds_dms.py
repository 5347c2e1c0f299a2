"""DMS (dealer data centre): per dealer a customer file, a vehicle file and repair orders."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import polars as pl

from .config import TODAY, TODAY_DAYS
from .defects import Defects
from .emit import (
    FilePart,
    Output,
    World,
    masked,
    person_ids,
    phone_at,
    serial_ids,
    service_at,
    to_date,
)
from .people import person_names, profile
from .pools import lookup
from .text import FIRST_SERVICE, REPAIR_TYPE_P, REPAIR_TYPES, REPAIRS

_TITLES = {"customer": "客户档案导出", "vehicle": "车辆档案导出", "repair": "维修保养工单导出"}
_FILES = {"customer": "customers", "vehicle": "vehicles", "repair": "repairs"}


def _templates() -> pl.DataFrame:
    rows = [(t, *item) for t in REPAIR_TYPES for item in REPAIRS[t]]
    rows.append(("保养", *FIRST_SERVICE))
    return pl.DataFrame(rows, schema=["type", "items", "parts", "lo", "hi"], orient="row")


ORDER_CHUNK = 200_000  # vehicles per chunk of repair-order generation


def repair_orders(world: World) -> pl.DataFrame:
    """Every repair order (vidx, day, dealer, pidx, template, amount, mileage), sorted by
    dealer, day and vehicle; built in chunks of vehicles to bound memory."""
    n = world.vehicles.height
    parts = [_order_chunk(world, a, min(a + ORDER_CHUNK, n), k)
             for k, a in enumerate(range(0, n, ORDER_CHUNK))]
    orders = pl.concat(parts) if parts else _order_chunk(world, 0, 0, 0)
    key = (orders["dealer"].to_numpy().astype(np.int64) << 50) \
        | ((orders["day"].to_numpy().astype(np.int64) + (1 << 20)) << 25) \
        | orders["vidx"].to_numpy()
    return orders[np.argsort(key, kind="stable")]


def _order_chunk(world: World, lo: int, hi: int, k: int) -> pl.DataFrame:
    """Repair orders of vehicles lo..hi: a first service, then visits each year of age
    (fewer after warranty; about 2.5 orders per vehicle in all), until the owner stops coming
    (``loyal_years``)."""
    rng = world.rng(30, k)
    v = world.vehicles.slice(lo, hi - lo)
    purchase = v["purchase"].to_numpy().astype(np.int64)
    years = (TODAY_DAYS - purchase) // 365 + 1
    vy = np.repeat(np.arange(v.height), years)
    age = np.arange(vy.size) - np.repeat(np.cumsum(years) - years, years)
    count = np.minimum(rng.poisson(np.where(age < 3, 0.45, 0.25)), 6)
    count[age >= v["loyal_years"].to_numpy()[vy]] = 0
    ov, oage = np.repeat(vy, count), np.repeat(age, count)
    del vy, age, count
    day = purchase[ov] + oage * 365 + rng.integers(0, 365, ov.size)
    fs = v["first_service"].to_numpy()
    has_fs = np.flatnonzero(fs >= 0)
    keep = (day <= TODAY_DAYS) & (day > purchase[ov] + 30)
    local = np.concatenate([ov[keep], has_fs])
    day = np.concatenate([day[keep], fs[has_fs]]).astype(np.int64)
    first = np.concatenate([np.zeros(int(keep.sum()), bool), np.ones(has_fs.size, bool)])
    del ov, oage, keep
    dealer, pidx = service_at(world, local + lo, day)
    tmpl = _templates()
    t_type = tmpl["type"].to_numpy()
    rtype = rng.choice(len(REPAIR_TYPES), local.size, p=REPAIR_TYPE_P)
    rtype = np.where((rtype == 2) & (day - purchase[local] > 3 * 365), 1, rtype)
    starts = np.array([np.flatnonzero(t_type == t)[0] for t in REPAIR_TYPES])
    counts = np.array([(t_type[:-1] == t).sum() for t in REPAIR_TYPES])
    t_idx = np.where(first, tmpl.height - 1, starts[rtype] + (
        rng.random(local.size) * counts[rtype]).astype(np.int64))
    lo_amt, hi_amt = tmpl["lo"].to_numpy()[t_idx], tmpl["hi"].to_numpy()[t_idx]
    scale = (v["price"].to_numpy()[local] / 330_000) ** 0.3
    amount = np.round((lo_amt + (hi_amt - lo_amt) * rng.random(local.size)) * scale, 2)
    km = (day - purchase[local]) * v["daily_km"].to_numpy()[local]
    return pl.DataFrame({
        "vidx": (local + lo).astype(np.int32), "day": day.astype(np.int32),
        "dealer": dealer.astype(np.int32), "pidx": pidx.astype(np.int32),
        "tmpl": t_idx.astype(np.int16), "amount": amount,
        "mileage": np.maximum(np.round(km), 5).astype(np.int32),
    })


def _groups(major: np.ndarray, minor: np.ndarray, day: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort by (major, minor, day); return the order and the start/end positions of each
    (major, minor) group."""
    bits = max(int(minor.max(initial=0)).bit_length(), 1)
    group = (major.astype(np.int64) << bits) | minor
    order = np.lexsort((day, group))
    g = group[order]
    new = np.ones(g.size, dtype=bool)
    new[1:] = g[1:] != g[:-1]
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], g.size) - 1
    return order, starts, ends


def dms_links(world: World, orders: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(customer rows, vehicle rows): who and what each dealer has on file, from the sales
    and the repair orders of each dealer. Customer numbers count up by first contact."""
    v = world.vehicles
    cols = {c: np.concatenate([v[a].to_numpy(), orders[c].to_numpy()]).astype(np.int64)
            for c, a in (("dealer", "dealer"), ("vidx", "vidx"), ("pidx", "owner"),
                         ("day", "purchase"))}
    dealer, vidx, pidx, day = cols["dealer"], cols["vidx"], cols["pidx"], cols["day"]
    order, s, e = _groups(dealer, pidx, day)
    c_dealer, c_pidx = dealer[order][s], pidx[order][s]
    c_first, c_last = day[order][s], day[order][e]
    rank_order = np.lexsort((world.rng(31).random(s.size), c_first, c_dealer))
    rank = np.empty(s.size, dtype=np.int64)
    start_of = np.searchsorted(c_dealer[rank_order], c_dealer[rank_order], side="left")
    rank[rank_order] = np.arange(s.size) - start_of + 1
    crows = pl.DataFrame({
        "dealer": c_dealer.astype(np.int32), "pidx": c_pidx.astype(np.int32),
        "first": c_first.astype(np.int32), "last": c_last.astype(np.int32),
        "customer_no": "C" + pl.Series(rank).cast(pl.String).str.zfill(6),
    })[rank_order]
    order, s, e = _groups(dealer, vidx, day)
    v_dealer, v_pidx = dealer[order][s], pidx[order][e]
    bits = max(int(pidx.max(initial=0)).bit_length(), 1)
    ckey = (c_dealer << bits) | c_pidx  # sorted: groups come out in (dealer, pidx) order
    cust = np.searchsorted(ckey, (v_dealer << bits) | v_pidx)
    v_vidx, v_first = vidx[order][s], day[order][s]
    vrows = pl.DataFrame({
        "dealer": v_dealer.astype(np.int32), "vidx": v_vidx.astype(np.int32),
        "pidx": v_pidx.astype(np.int32), "first": v_first.astype(np.int32),
        "customer_no": crows["customer_no"].gather(np.argsort(rank_order)[cust]),
    })
    return crows, vrows[np.lexsort((v_vidx, v_first, v_dealer))]


def _customers(world: World, rows: pl.DataFrame, d: Defects, fmt: pl.Series,
               rng: np.random.Generator) -> dict[str, pl.Series]:
    pidx = rows["pidx"].to_numpy()
    p = world.people.select("name", "surname", "given", "gender", "birth_date", "id_number",
                            "prov", "city", "address")[pidx]
    geo = world.geo
    prov = p["prov"].to_numpy()
    gender = p["gender"].to_numpy()
    text = profile(world.people, pidx, world.seed, world.geo.short_city()).to_dict()
    return {
        "dealer_code": world.dealers["dealer_code"].gather(rows["dealer"].to_numpy()),
        "customer_no": rows["customer_no"],
        "name": d.name(p["name"], p["surname"], p["given"], p["gender"]),
        "gender": masked(lookup(["", "男", "女"], gender), gender > 0),
        "birth_date": d.date("birth_date", p["birth_date"], fmt, serial=True,
                             missing="missing_birth"),
        "id_number": d.id_number(p["id_number"], missing=True, sci=True),
        "phone": d.phone(phone_at(world, pidx, rows["last"].to_numpy(), rng),
                         lookup(geo.prov_area, prov), missing=True),
        "province": lookup(geo.prov_name, prov),
        "city": lookup(geo.city_name, p["city"].to_numpy()),
        "address": p["address"],
        **text,
        "event_date": d.date("event_date", to_date(rows["first"].to_numpy()), fmt, serial=True),
    }


def _vehicles(world: World, rows: pl.DataFrame, d: Defects, fmt: pl.Series,
              rng: np.random.Generator) -> dict[str, pl.Series]:
    v = world.vehicles.select("vin", "plate", "model", "config", "purchase", "registration",
                              "first_service")[rows["vidx"].to_numpy()]
    fs = v["first_service"].to_numpy()
    return {
        "dealer_code": world.dealers["dealer_code"].gather(rows["dealer"].to_numpy()),
        "customer_no": rows["customer_no"],
        "vin": d.vin(v["vin"]),
        "plate": v["plate"],
        "model": d.model(v["model"], to_date(v["purchase"].to_numpy()).dt.year()),
        "config": v["config"],
        "purchase_date": d.date("purchase_date", to_date(v["purchase"].to_numpy()), fmt,
                                serial=True),
        "registration_date": d.date("registration_date", to_date(v["registration"].to_numpy()),
                                    fmt, serial=True),
        "first_service_date": d.date("first_service_date", to_date(np.where(fs >= 0, fs, -10**6)),
                                     fmt, serial=True),
    }


def _staff(world: World) -> pl.Series:
    """12 employees per dealer: 8 technicians then 4 service advisors."""
    n = world.dealers.height * 12
    rng = world.rng(42)
    sur, giv = person_names(n, rng.random(n) < 0.7, rng, world.seed)
    return sur + giv


def _repairs(world: World, rows: pl.DataFrame, d: Defects, fmt: pl.Series,
             rng: np.random.Generator) -> dict[str, pl.Series]:
    tmpl = _templates()
    t = rows["tmpl"].to_numpy()
    dealer = rows["dealer"].to_numpy()
    staff = _staff(world)
    day = rows["day"].to_numpy()
    return {
        "dealer_code": world.dealers["dealer_code"].gather(dealer),
        "order_no": serial_ids("RO", day, 4, group=dealer),
        "vin": d.vin(world.vehicles["vin"].gather(rows["vidx"].to_numpy())),
        "event_date": d.date("event_date", to_date(day), fmt, serial=True),
        "mileage": rows["mileage"],
        "repair_type": tmpl["type"].gather(t),
        "items": tmpl["items"].gather(t),
        "parts": tmpl["parts"].gather(t).replace("", None),
        "amount": rows["amount"],
        "technician": staff.gather(dealer * 12 + rng.integers(0, 8, rows.height)),
        "advisor": staff.gather(dealer * 12 + rng.integers(8, 12, rows.height)),
    }


_BUILDERS: dict[str, Callable[..., dict[str, pl.Series]]] = {
    "customer": _customers, "vehicle": _vehicles, "repair": _repairs,
}
BATCH_ROWS = 400_000


def _batches(tables: dict[str, pl.DataFrame], n: int) -> list[tuple[int, int]]:
    """Consecutive dealer ranges holding at most about BATCH_ROWS rows."""
    sizes = sum(np.bincount(t["dealer"].to_numpy(), minlength=n) for t in tables.values())
    assert isinstance(sizes, np.ndarray)  # sum() of no arrays would be 0; tables is never empty
    out, start, acc = [], 0, 0
    for i, size in enumerate(sizes):
        if acc and acc + size > BATCH_ROWS:
            out.append((start, i))
            start, acc = i, 0
        acc += int(size)
    out.append((start, n))
    return out


def _files(world: World, feed: str, lo: int, hi: int) -> list[FilePart]:
    dealers = world.dealers.slice(lo, hi - lo)
    files = []
    for code, fmt, enc in zip(dealers["dealer_code"], dealers["fmt"], dealers["encoding"],
                              strict=True):
        xlsx = fmt == "xlsx"
        files.append(FilePart(f"DMS/{code}/{_FILES[feed]}.{fmt}", enc or "utf-8",
                              f"{_TITLES[feed]} {TODAY.isoformat()}" if xlsx else None,
                              2 if xlsx else 0))
    return files


def dms_outputs(world: World, orders: pl.DataFrame) -> Iterator[Output]:
    """Per feed and batch of dealers one :class:`Output` writing one file per dealer."""
    crows, vrows = dms_links(world, orders)
    tables = {"customer": crows, "vehicle": vrows, "repair": orders}
    dealers = world.dealers
    for lo, hi in _batches(tables, dealers.height):
        for k, (feed, table) in enumerate(tables.items()):
            dcol = table["dealer"].to_numpy()
            a, b = np.searchsorted(dcol, [lo, hi])
            rows = table.slice(int(a), int(b - a))
            dealer = rows["dealer"].to_numpy()
            xlsx = dealers["fmt"].to_numpy()[dealer] == "xlsx"
            d = Defects(world.rates, "DMS", rows.height, world.rng(40, lo, k), xlsx=xlsx)
            fmt = dealers["date_fmt"].gather(dealer)
            fields = _BUILDERS[feed](world, rows, d, fmt, world.rng(41, lo, k))
            vidx = rows["vidx"].to_numpy() if "vidx" in rows.columns else None
            yield Output("DMS", feed, _files(world, feed, lo, hi), fields,
                         person_ids(world, rows["pidx"].to_numpy()),
                         _vin_truth(world, vidx, rows.height), d, part=dealer - lo)


def _vin_truth(world: World, vidx: np.ndarray | None, n: int) -> pl.Series:
    if vidx is None:
        return pl.Series("vin", [None] * n, dtype=pl.String)
    return world.vehicles["vin"].gather(vidx)

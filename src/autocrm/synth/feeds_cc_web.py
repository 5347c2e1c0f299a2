"""CC (calls, complaints, roadside assistance) and WEB (registrations, events, posts)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from .config import CATALOGUE, CONFIGS, TODAY_DAYS, days
from .defects import Defects
from .emit import (
    FilePart,
    Output,
    World,
    person_ids,
    phone_at,
    serial_ids,
    service_at,
    to_date,
    to_datetime,
    vins,
)
from .ids import mobile_numbers, unique_redraw
from .pools import pick, pinyin
from .text import (
    CALL_NOTES,
    CALL_TYPE_P,
    CALL_TYPES,
    COMPLAINTS,
    EVENTS,
    POSTS,
    ROADSIDE,
    fill,
    grouped,
)

_HIGHWAYS = ["G4京港澳", "G15沈海", "G2京沪", "G60沪昆", "G25长深", "G70福银", "G30连霍", "G42沪蓉"]
_TS = "%Y-%m-%d %H:%M:%S"


def first_vehicle(world: World) -> np.ndarray:
    """Index of each person's first new vehicle (-1 for prospects and used-only buyers)."""
    v = world.vehicles
    order = np.argsort(v["purchase"].to_numpy(), kind="stable")
    owners = v["owner"].to_numpy()[order]
    uniq, first = np.unique(owners, return_index=True)
    out = np.full(world.people.height, -1, dtype=np.int64)
    out[uniq] = order[first]
    return out


def contact_identity(world: World, d: Defects, pidx: np.ndarray, phone: pl.Series,
              titles: np.ndarray | None = None) -> dict[str, pl.Series]:
    """Name and phone with defects; rows with pidx -1 (unknown callers) get ``titles``."""
    known = pidx >= 0
    g = world.people.select("name", "surname", "given", "gender", "prov")[np.maximum(pidx, 0)]
    name = g["name"]
    gender = g["gender"].to_numpy().copy()
    gender[~known] = 0
    if titles is not None and (~known).any():
        name = name.scatter(np.flatnonzero(~known), pl.Series(titles[~known], dtype=pl.String))
    area = pl.Series(world.geo.prov_area[g["prov"].to_numpy()])
    named = d.name(name, g["surname"], g["given"], pl.Series(gender))
    return {"name": named.replace("", None), "phone": d.phone(phone, area)}


def _slots(world: World, pidx: np.ndarray, day: np.ndarray, rng: np.random.Generator
           ) -> dict[str, np.ndarray]:
    fv = first_vehicle(world)[np.maximum(pidx, 0)]
    known = (pidx >= 0) & (fv >= 0)
    v = world.vehicles
    rand_model = np.array([m.name for m in CATALOGUE])[rng.integers(0, len(CATALOGUE), pidx.size)]
    model = np.where(known, v["model"].to_numpy()[np.maximum(fv, 0)], rand_model)
    p = world.people
    home = p["home_dealer"].to_numpy()[np.maximum(pidx, 0)]
    dealer = world.dealers["dealer_name"].str.replace("汽车销售服务有限公司", "").to_numpy()
    city = world.geo.city_name[p["city"].to_numpy()[np.maximum(pidx, 0)]]
    later = to_date(day + rng.integers(1, 10, pidx.size))
    when = pl.select(pl.format("{}月{}日", later.dt.month(), later.dt.day())).to_series()
    return {"model": model, "config": pick(CONFIGS, rng, pidx.size), "dealer": dealer[home],
            "place": _places(city, p["address"].to_numpy()[np.maximum(pidx, 0)], rng),
            "date": when.to_numpy()}


def _places(city: np.ndarray, address: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = city.size
    street = pl.Series(address).str.extract(r"^(.*?号)").fill_null("").to_numpy().astype(str)
    road = np.char.add(np.char.add(city.astype(str), street), "附近")
    km = rng.integers(1, 2500, n).astype(str)
    hw = np.char.add(np.char.add(np.char.add(pick(_HIGHWAYS, rng, n), "高速K"), km), "处")
    return np.where(rng.random(n) < 0.6, road, hw)


def calls(world: World) -> Output:
    rng = world.rng(50)
    p = world.people
    cust = np.flatnonzero(p["is_customer"].to_numpy())
    callers = cust[rng.random(cust.size) < 0.3]
    known = np.repeat(callers, rng.geometric(0.55, callers.size))
    first = world.vehicles["purchase"].to_numpy()[first_vehicle(world)[known]]
    lo = np.maximum(first - 90, days(2012))
    day_k = lo + (rng.random(known.size) * (TODAY_DAYS + 1 - lo)).astype(np.int64)
    m = int(round(known.size / 9))
    taken = np.concatenate([p[c].to_numpy() for c in ("phone1", "phone2", "phone3")])
    unknown_phone = mobile_numbers(m, rng, taken)
    pidx = np.concatenate([known, np.full(m, -1)])
    day = np.concatenate([day_k, rng.integers(days(2015), TODAY_DAYS + 1, m)])
    ts = to_datetime(day, rng)
    order = np.argsort(ts.to_numpy(), kind="stable")
    pidx, day, ts = pidx[order], day[order], ts.gather(order)
    phone = phone_at(world, np.maximum(pidx, 0), day, rng)
    unknown = np.flatnonzero(pidx < 0)
    phone = phone.scatter(unknown, pl.Series(unknown_phone[order[order >= known.size] - known.size]
                                             ).cast(pl.String))
    ctype = np.where(pidx >= 0, np.array(CALL_TYPES)[rng.choice(5, pidx.size, p=CALL_TYPE_P)],
                     np.where(rng.random(pidx.size) < 0.8, "咨询", "预约"))
    sur = pick(world.people["surname"].filter(world.people["gender"] > 0).to_numpy(), rng,
               pidx.size)
    titles = np.where(rng.random(pidx.size) < 0.5, "", np.char.add(
        sur.astype(str), np.where(rng.random(pidx.size) < 0.6, "先生", "女士")))
    d = Defects(world.rates, "CC", pidx.size, world.rng(51))
    agents = np.char.add(np.char.add(pick(["王敏", "李婷", "张丽", "刘洋", "陈静", "杨帆", "赵雪",
                                           "周娜", "吴倩", "孙悦"], rng, 40), "("),
                         np.char.add(np.arange(1001, 1041).astype(str), ")"))
    fields = {
        "call_id": serial_ids("CL", day, 5),
        "event_date": d.date("event_date", ts, _TS),
        **contact_identity(world, d, pidx, phone, titles),
        "call_type": pl.Series(ctype),
        "summary": grouped(CALL_NOTES, ctype, rng, _slots(world, pidx, day, rng)),
        "agent": pl.Series(agents[rng.integers(0, 40, pidx.size)]),
    }
    return Output("CC", "call", [FilePart("CC/calls.csv")], fields, person_ids(world, pidx),
                  pl.Series([None] * pidx.size, dtype=pl.String), d)


def _ownership_sample(world: World, share: float, stream: int) -> tuple[np.ndarray, ...]:
    """(pidx, vidx, day) of events during random ownerships, ``share`` per customer."""
    rng = world.rng(stream)
    o = world.owners
    n = int(round(share * int(world.people["is_customer"].sum())))
    rows = np.sort(rng.choice(o.height, n))
    start = o["start"].to_numpy()[rows] + 30
    end = o["end"].to_numpy()[rows]
    stop = np.where(end >= 0, end, TODAY_DAYS)
    day = start + (rng.random(n) * np.maximum(stop - start, 1)).astype(np.int64)
    day = np.minimum(day, TODAY_DAYS)
    order = np.argsort(day, kind="stable")
    return o["pidx"].to_numpy()[rows][order], o["vidx"].to_numpy()[rows][order], day[order]


def complaints(world: World) -> Output:
    pidx, vidx, day = _ownership_sample(world, 0.03, 52)
    rng = world.rng(53)
    n = pidx.size
    dealer, _ = service_at(world, vidx, day)
    cat = pick(list(COMPLAINTS), rng, n)
    recent = day > TODAY_DAYS - 20
    status = np.where(recent, pick(["待处理", "处理中", "已结案"], rng, n),
                      np.where(rng.random(n) < 0.97, "已结案", "处理中"))
    ts = to_datetime(day, rng)
    closed = ts + pl.Series(rng.integers(3600, 20 * 86400, n) * 1000).cast(pl.Duration("ms"))
    d = Defects(world.rates, "CC", n, world.rng(54))
    slots = _slots(world, pidx, day, rng)
    slots["dealer"] = world.dealers["dealer_name"].to_numpy()[dealer]
    fields = {
        "complaint_no": serial_ids("TS", day, 4),
        "event_date": d.date("event_date", ts, _TS, text=False),
        **contact_identity(world, d, pidx, phone_at(world, pidx, day, rng)),
        "vin": d.vin(vins(world, vidx)),
        "category": pl.Series(cat),
        "dealer_code": world.dealers["dealer_code"].gather(dealer),
        "summary": grouped(COMPLAINTS, cat, rng, slots),
        "status": pl.Series(status),
        "closed_at": pl.select(pl.when(pl.Series(status == "已结案")).then(closed)).to_series()
        .dt.strftime(_TS),
    }
    return Output("CC", "complaint", [FilePart("CC/complaints.json")], fields,
                  person_ids(world, pidx), vins(world, vidx), d)


def roadside(world: World) -> Output:
    pidx, vidx, day = _ownership_sample(world, 0.02, 55)
    rng = world.rng(56)
    n = pidx.size
    d = Defects(world.rates, "CC", n, world.rng(57))
    city = world.geo.city_name[world.people["city"].to_numpy()[pidx]]
    status = np.where(day > TODAY_DAYS - 2, "救援中", np.where(rng.random(n) < 0.93, "已完成",
                                                              "已取消"))
    fields = {
        "case_no": serial_ids("JY", day, 4),
        "event_date": d.date("event_date", to_datetime(day, rng, 0, 24), _TS, text=False),
        **contact_identity(world, d, pidx, phone_at(world, pidx, day, rng)),
        "vin": d.vin(vins(world, vidx)),
        "location": pl.Series(_places(city, world.people["address"].to_numpy()[pidx], rng)),
        "summary": pl.Series(pick(ROADSIDE, rng, n)),
        "status": pl.Series(status),
    }
    return Output("CC", "roadside", [FilePart("CC/roadside.json")], fields, person_ids(world, pidx),
                  vins(world, vidx), d)


def cc_outputs(world: World) -> Iterator[Output]:
    yield calls(world)
    yield complaints(world)
    yield roadside(world)


def _nicknames(world: World, pidx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    p = world.people
    sur = p["surname"].to_numpy()[pidx].astype(str)
    giv = p["given"].to_numpy()[pidx].astype(str)
    py = {s: pinyin(s) for s in np.unique(np.concatenate([sur, giv]))}
    sur_py = np.array([py[s] for s in sur], dtype=str) if pidx.size else sur
    giv_py = np.array([py[g] for g in giv], dtype=str) if pidx.size else giv
    n = pidx.size
    city = np.char.replace(world.geo.city_name[p["city"].to_numpy()[pidx]], "市", "")
    num = rng.integers(1, 9999, n).astype(str)
    model = pick([m.name.replace(" ", "") for m in CATALOGUE], rng, n)
    styles = [
        np.char.add(np.char.add(sur_py, giv_py), num),
        np.char.add(np.char.add(model, "车主"), np.char.add("老", sur)),
        np.char.add(city, pick(["老司机", "车友", "大叔", "跑者", "自驾客"], rng, n)),
        np.char.add(pick(["阿", "小"], rng, n),
                    pl.Series(giv).str.slice(-1).to_numpy().astype(str)),
        np.char.add("用户", rng.integers(10**7, 10**8, n).astype(str)),
        np.char.add(pick(["Tony_", "Leo_", "Amy_", "Kevin_", "Coco_", "Jack_"], rng, n), sur_py),
    ]
    k = rng.choice(6, n, p=[0.3, 0.15, 0.15, 0.1, 0.15, 0.15])
    return np.choose(k, styles) if n else sur


def web_outputs(world: World) -> Iterator[Output]:
    rng = world.rng(60)
    p = world.people
    cust = p["is_customer"].to_numpy()
    fv = first_vehicle(world)
    regs = np.flatnonzero(np.where(cust, rng.random(cust.size) < 0.25, True))
    first = world.vehicles["purchase"].to_numpy()[fv[regs]]
    lo = np.where(fv[regs] >= 0, np.maximum(first - 365, days(2015)), days(2018))
    day = lo + (rng.random(regs.size) * (TODAY_DAYS + 1 - lo)).astype(np.int64)
    order = np.argsort(day, kind="stable")
    regs, day = regs[order], day[order]
    nick = _nicknames(world, regs, rng)
    phone = phone_at(world, regs, day, rng)
    user = unique_redraw(rng.integers(10**8, 10**9, regs.size),
                         lambda q: rng.integers(10**8, 10**9, q.size))
    d = Defects(world.rates, "WEB", regs.size, world.rng(61))
    yield Output("WEB", "registration", [FilePart("WEB/registrations.jsonl")], {
        "user_id": pl.Series(np.char.add("U", user.astype(str))),
        "phone": d.phone(phone), "nickname": pl.Series(nick),
        "channel": pl.Series(pick(["官网", "微信", "APP", "论坛"], rng, regs.size,
                                  [0.2, 0.45, 0.25, 0.1])),
        "event_date": d.date("event_date", to_datetime(day, rng, 0, 24), _TS, text=False),
    }, person_ids(world, regs), pl.Series([None] * regs.size, dtype=pl.String), d)
    yield _events(world, rng)
    yield _posts(world, regs, day, nick, phone, rng)


def _events(world: World, rng: np.random.Generator) -> Output:
    p = world.people
    cust = p["is_customer"].to_numpy()
    who = np.flatnonzero(rng.random(cust.size) < np.where(cust, 0.1, 0.3))
    day = np.sort(rng.integers(days(2016), TODAY_DAYS + 1, who.size))
    who = who[rng.permutation(who.size)] if who.size else who
    city = world.geo.city_name[p["city"].to_numpy()[who]]
    year = day.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    model = pick([m.name for m in CATALOGUE], rng, who.size)
    d = Defects(world.rates, "WEB", who.size, world.rng(62))
    fields = {
        "signup_id": serial_ids("BM", day, 4),
        **contact_identity(world, d, who, phone_at(world, who, day, rng)),
        "event_name": fill(EVENTS, rng, who.size, {"year": year.astype(str), "model": model,
                                                   "city": np.char.replace(city, "市", "")}),
        "intended_model": pl.Series(model), "city": pl.Series(city),
        "event_date": d.date("event_date", to_datetime(day, rng, 0, 24), _TS, text=False),
    }
    return Output("WEB", "event", [FilePart("WEB/events.jsonl")], fields, person_ids(world, who),
                  pl.Series([None] * who.size, dtype=pl.String), d)


def _posts(world: World, regs: np.ndarray, reg_day: np.ndarray, nick: np.ndarray,
           phone: pl.Series, rng: np.random.Generator) -> Output:
    cust = world.people["is_customer"].to_numpy()[regs]
    posters = np.flatnonzero(cust & (rng.random(regs.size) < 0.2))
    k = rng.integers(1, 6, posters.size)
    row = np.repeat(posters, k)
    lo = reg_day[row]
    day = lo + (rng.random(row.size) * (TODAY_DAYS + 1 - lo)).astype(np.int64)
    order = np.argsort(day, kind="stable")
    row, day = row[order], day[order]
    pidx = regs[row]
    topic = rng.integers(0, len(POSTS), row.size)
    slots = _slots(world, pidx, day, rng)
    d = Defects(world.rates, "WEB", row.size, world.rng(63))
    post = unique_redraw(rng.integers(10**7, 10**8, row.size),
                         lambda q: rng.integers(10**7, 10**8, q.size))
    fields = {
        "post_id": pl.Series(post).cast(pl.String),
        "phone": d.phone(phone.gather(row)), "nickname": pl.Series(nick[row]),
        "title": fill([t for t, _ in POSTS], rng, row.size, slots, topic),
        "summary": fill([c for _, c in POSTS], rng, row.size, slots, topic),
        "event_date": d.date("event_date", to_datetime(day, rng, 0, 24), _TS, text=False),
    }
    return Output("WEB", "post", [FilePart("WEB/posts.jsonl")], fields, person_ids(world, pidx),
                  pl.Series([None] * row.size, dtype=pl.String), d)

"""SVY (satisfaction surveys and callbacks) and CLUB (members of the two existing clubs)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from .config import TODAY_DAYS
from .defects import Defects
from .emit import (
    FilePart,
    Output,
    World,
    day_chunks,
    masked,
    person_ids,
    phone_at,
    serial_ids,
    to_date,
)
from .feeds_cc_web import contact_identity, first_vehicle
from .pools import choose, lookup
from .text import SURVEY_BAD, SURVEY_GOOD, SURVEY_MID

CHUNK_ROWS = 500_000


def svy_surveys(world: World, orders: pl.DataFrame) -> Iterator[Output]:
    """Sales surveys for ~50% of purchases, service surveys for ~5% of repair orders."""
    rng = world.rng(70)
    v = world.vehicles
    sold = np.flatnonzero(rng.random(v.height) < 0.5)
    rep = np.flatnonzero(rng.random(orders.height) < 0.05)
    vidx = np.concatenate([sold, orders["vidx"].to_numpy()[rep]])
    base = np.concatenate([v["purchase"].to_numpy()[sold], orders["day"].to_numpy()[rep]])
    day = base + np.concatenate([rng.integers(3, 31, sold.size), rng.integers(1, 11, rep.size)])
    pidx = np.concatenate([v["owner"].to_numpy()[sold], orders["pidx"].to_numpy()[rep]])
    dealer = np.concatenate([v["dealer"].to_numpy()[sold], orders["dealer"].to_numpy()[rep]])
    kind = (np.arange(vidx.size) >= sold.size).astype(np.int64)
    keep = np.flatnonzero(day <= TODAY_DAYS)
    keep = keep[np.argsort(day[keep], kind="stable")]
    vidx, day, pidx, dealer, kind = vidx[keep], day[keep], pidx[keep], dealer[keep], kind[keep]
    sat_all = rng.beta(5, 1.4, keep.size)
    for k, (a, b) in enumerate(day_chunks(day, CHUNK_ROWS)):
        yield _survey_chunk(world, k, vidx[a:b], day[a:b], pidx[a:b], dealer[a:b], kind[a:b],
                            sat_all[a:b])


def _survey_chunk(world: World, k: int, vidx: np.ndarray, day: np.ndarray, pidx: np.ndarray,
                  dealer: np.ndarray, kind: np.ndarray, sat: np.ndarray) -> Output:
    rng = world.rng(72, k)
    n = vidx.size
    nps = np.clip(np.rint(sat * 10 + rng.normal(0, 1, n)), 0, 10).astype(np.int64)
    good, mid, bad = (choose(pool, rng, n) for pool in (SURVEY_GOOD, SURVEY_MID, SURVEY_BAD))
    comment = pl.select(pl.when(pl.Series(sat > 0.8)).then(good).when(pl.Series(sat > 0.55))
                        .then(mid).otherwise(bad)).to_series()
    d = Defects(world.rates, "SVY", n, world.rng(71, k))
    v = world.vehicles
    fields = {
        "survey_id": serial_ids("SV", day, 5),
        "survey_type": lookup(["新车销售满意度", "售后服务满意度"], kind),
        "event_date": d.date("event_date", to_date(day), "%Y-%m-%d", serial=True),
        **contact_identity(world, d, pidx, phone_at(world, pidx, day, rng)),
        "vin": d.vin(v["vin"].gather(vidx)),
        "dealer_code": world.dealers["dealer_code"].gather(dealer),
        "score": pl.Series(np.rint(sat * 100).astype(np.int64)),
        "nps": pl.Series(nps),
        "summary": masked(comment, rng.random(n) < 0.7),
    }
    return Output("SVY", "survey", [FilePart("SVY/surveys.csv", "gbk", append=k > 0)], fields,
                  person_ids(world, pidx), v["vin"].gather(vidx), d)


def club_members(world: World) -> Output:
    """Brand club and dealer club members (~30% of customers, some in both)."""
    rng = world.rng(80)
    p = world.people
    persons = np.flatnonzero(p["is_customer"].to_numpy() & (p["gender"].to_numpy() > 0))
    n_cust = int(p["is_customer"].sum())
    members = np.sort(rng.choice(persons, min(persons.size, int(round(0.3 * n_cust))),
                                 replace=False))
    club = rng.random(members.size) < 0.55
    both = rng.random(members.size) < 0.08
    pidx = np.concatenate([members, members[both]])
    brand = np.concatenate([club, ~club[both]])
    fv = first_vehicle(world)[pidx]
    first = world.vehicles["purchase"].to_numpy()[fv]
    day = first + (rng.random(pidx.size) * (TODAY_DAYS + 1 - first)).astype(np.int64)
    order = np.lexsort((pidx, day))
    pidx, brand, day, fv = pidx[order], brand[order], day[order], fv[order]
    n = pidx.size
    points = np.rint(rng.lognormal(8.2, 1.1, n)).astype(np.int64)
    tier = np.where(points >= 20_000, "金卡", np.where(points >= 5_000, "银卡", "普通"))
    seq = np.arange(1, n + 1)
    dealer = world.vehicles["dealer"].to_numpy()[fv]
    d = Defects(world.rates, "CLUB", n, world.rng(81), xlsx=True)
    ident = contact_identity(world, d, pidx, phone_at(world, pidx, day, rng))
    ids = p["id_number"].gather(pidx)
    fields = {
        "club": pl.Series(np.where(brand, "品牌俱乐部", "经销商俱乐部")),
        "member_no": pl.Series(np.char.add(np.where(brand, "BC", "DC"),
                                           np.char.zfill(seq.astype(str), 8))),
        **ident,
        "id_number": d.id_number(masked(ids, rng.random(n) < 0.7)),
        "event_date": d.date("event_date", to_date(day), "%Y-%m-%d", serial=True),
        "tier": pl.Series(tier), "points": pl.Series(points),
        "dealer_code": masked(world.dealers["dealer_code"].gather(dealer), ~brand),
    }
    rng.shuffle(seq)
    return Output("CLUB", "member", [FilePart("CLUB/members.xlsx")], fields,
                  person_ids(world, pidx), pl.Series([None] * n, dtype=pl.String), d)

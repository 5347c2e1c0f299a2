"""Dealers, vehicles, ownerships (resales) and the dealer servicing each vehicle over time."""

from __future__ import annotations

import numpy as np
import polars as pl

from .config import (
    CATALOGUE,
    CONFIG_FACTORS,
    CONFIG_WEIGHTS,
    CONFIGS,
    PLANTS,
    TODAY_DAYS,
    WMI,
    days,
)
from .geo import Geo
from .ids import VIN_YEAR_CODES, vin_numbers
from .pools import DEALER_WORDS, lookup

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y/%-m/%-d")
_LETTER_LIST = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
_PLATE_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)


def build_dealers(n: int, geo: Geo, seed: int) -> pl.DataFrame:
    """Dealers with code (D + province code + sequence), name, location and export profile."""
    rng = np.random.default_rng([seed, 2])
    prov = np.sort(rng.choice(geo.prov_code.size, n, p=geo.prov_weight))
    city = np.empty(n, dtype=np.int64)
    for p in np.unique(prov):
        sel = np.flatnonzero(prov == p)
        cand = np.flatnonzero(geo.city_prov == p)
        w = np.where(geo.city_letter[cand] == "A", 3.0 * cand.size, 1.0)
        city[sel] = cand[rng.choice(cand.size, sel.size, p=w / w.sum())]
    seq = np.zeros(n, dtype=np.int64)
    used: dict[int, list[str]] = {}
    names = []
    short = geo.short_city()
    for i in range(n):
        seq[i] = (prov[:i] == prov[i]).sum() + 1
        words = [w for w in DEALER_WORDS if w not in used.setdefault(int(city[i]), [])]
        word = words[int(rng.integers(len(words)))] if words else f"第{seq[i]}"
        used[int(city[i])].append(word)
        names.append(f"{short[city[i]]}{word}汽车销售服务有限公司")
    fmt = np.where(rng.random(n) < 0.25, "xlsx", "csv")
    enc = rng.choice(["utf-8", "utf-8-sig", "gbk"], n, p=[0.35, 0.2, 0.45])
    return pl.DataFrame({
        "didx": np.arange(n, dtype=np.int32),
        "dealer_code": [f"D{geo.prov_code[p]:02d}{s:03d}" for p, s in zip(prov, seq, strict=True)],
        "dealer_name": names,
        "province": geo.prov_name[prov], "city_name": geo.city_name[city],
        "prov": prov.astype(np.int16), "city": city.astype(np.int16),
        "weight": rng.lognormal(0, 0.5, n),
        "fmt": fmt, "encoding": np.where(fmt == "xlsx", "", enc),
        "date_fmt": rng.choice(DATE_FORMATS, n, p=[0.6, 0.25, 0.15]),
    })


def _purchase_days(people: pl.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """(owner, purchase day) of every new vehicle, buyers' earliest purchase at age 20."""
    cust = np.flatnonzero(people["is_customer"].to_numpy())
    birth = people["birth"].to_numpy()[cust].astype(np.int64)
    person = people["gender"].to_numpy()[cust] > 0
    lo = np.maximum(days(2012), np.where(person, birth + 7305, 0))
    hi = TODAY_DAYS - 5
    first = lo + (rng.random(cust.size) * np.maximum(hi - lo, 1)).astype(np.int64)
    count = rng.choice(3, cust.size, p=[0.66, 0.26, 0.08]) + 1
    owners, dates = [cust], [first]
    prev = first
    for k in (2, 3):
        nxt = prev + rng.integers(500, 2200, cust.size)
        keep = (count >= k) & (nxt <= hi)
        owners.append(cust[keep])
        dates.append(nxt[keep])
        prev = np.where(keep, nxt, hi + 10_000)
    owner, day = np.concatenate(owners), np.concatenate(dates)
    order = np.lexsort((owner, day))
    return owner[order], day[order]


def _models(day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    year = (day.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970)
    model = np.empty(day.size, dtype=np.int64)
    for y in np.unique(year):
        sel = np.flatnonzero(year == y)
        w = np.array([m.weight if m.first_year <= y <= m.last_year else 0.0 for m in CATALOGUE])
        model[sel] = rng.choice(len(CATALOGUE), sel.size, p=w / w.sum())
    return model


def _vins(model: np.ndarray, day: np.ndarray, rng: np.random.Generator) -> pl.Series:
    dt = day.astype("datetime64[D]")
    year = dt.astype("datetime64[Y]").astype(int) + 1970
    month = dt.astype("datetime64[M]").astype(int) % 12 + 1
    model_year = year + (month >= 9)
    prefix = np.array([WMI + m.vds for m in CATALOGUE])[model]
    codes = np.array([VIN_YEAR_CODES[int(y)] for y in range(2010, 2031)])[model_year - 2010]
    plant = np.array(list(PLANTS))[rng.choice(len(PLANTS), day.size)]
    order = np.lexsort((rng.random(day.size), model_year))
    rank = np.empty(day.size, dtype=np.int64)
    start = np.searchsorted(model_year[order], model_year[order], side="left")
    rank[order] = np.arange(day.size) - start
    offset = rng.integers(1, 300_000, 40)[model_year - 2010]
    assert (rank + offset).max() < 1_000_000, "too many vehicles per model year"
    return vin_numbers(prefix, np.char.add(codes, plant), rank + offset)


def _plate_chars(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 6) ASCII: D/F (used by new-energy plates) then 5 digits, 35% with one letter."""
    chars = rng.integers(48, 58, (n, 6)).astype(np.uint8)
    rows = np.flatnonzero(rng.random(n) < 0.35)
    chars[rows, rng.integers(1, 6, rows.size)] = _PLATE_LETTERS[
        rng.integers(0, _PLATE_LETTERS.size, rows.size)]
    chars[:, 0] = np.where(rng.random(n) < 0.8, ord("D"), ord("F"))
    return chars


def _plates(city: np.ndarray, ev: np.ndarray, geo: Geo, rng: np.random.Generator) -> pl.Series:
    """Unique plates like 京A12345 (new-energy: 京AD12345), letter by city."""
    letters = np.array(list("ABCEFGHJKLMNPQ"))
    letter = np.where((geo.city_letter[city] == "A") & (rng.random(city.size) < 0.5),
                      letters[rng.integers(0, letters.size, city.size)], geo.city_letter[city])
    head_key = city.astype(np.int64) * 64 + np.frombuffer(
        letter.astype("S1").tobytes(), dtype=np.uint8)
    chars = _plate_chars(city.size, rng)
    weights = 64 ** np.arange(6, dtype=np.int64)
    for _ in range(100):
        body = np.where(ev[:, None], chars, np.column_stack([np.zeros(city.size, np.uint8),
                                                             chars[:, 1:]]))
        key = pl.Series(head_key * 64**6 + (body.astype(np.int64) * weights).sum(axis=1))
        dup = (~key.is_first_distinct()).arg_true().to_numpy()
        if dup.size == 0:
            break
        chars[dup] = _plate_chars(dup.size, rng)
    text = pl.Series(np.where(ev[:, None], chars, np.column_stack([
        np.full(city.size, 32, np.uint8), chars[:, 1:]])).view("S6").ravel()).cast(pl.String)
    letter_idx = np.searchsorted(_LETTER_LIST, letter)
    head = lookup(geo.prov_abbr, geo.city_prov[city]) + lookup(_LETTER_LIST, letter_idx)
    return head + text.str.strip_chars_start(" ")


def build_vehicles(people: pl.DataFrame, dealers: pl.DataFrame, geo: Geo, seed: int
                   ) -> pl.DataFrame:
    """New vehicles sold to customers; row index == integer vehicle id."""
    rng = np.random.default_rng([seed, 3])
    owner, day = _purchase_days(people, rng)
    n = owner.size
    home = people["home_dealer"].to_numpy()[owner]
    dprov = dealers["prov"].to_numpy()
    r = rng.random(n)
    other = rng.choice(dprov.size, n, p=(w := dealers["weight"].to_numpy()) / w.sum())
    same_prov = _same_province_dealer(home, dprov, rng)
    dealer = np.where(r < 0.85, home, np.where(r < 0.95, same_prov, other))
    model = _models(day, rng)
    config = rng.choice(4, n, p=CONFIG_WEIGHTS)
    base = np.array([m.price for m in CATALOGUE])[model] * np.array(CONFIG_FACTORS)[config]
    price = np.round(base * rng.uniform(0.85, 0.98, n) / 100) * 100
    ev = np.array([m.ev for m in CATALOGUE])[model]
    fs = day + rng.integers(90, 271, n)
    return pl.DataFrame({
        "vidx": np.arange(n, dtype=np.int32),
        "vin": _vins(model, day, rng),
        "model_idx": model.astype(np.int8),
        "model": lookup([m.name for m in CATALOGUE], model),
        "invoice_model": lookup([m.invoice_name for m in CATALOGUE], model),
        "config": lookup(CONFIGS, config),
        "price": price,
        "plate": _plates(people["city"].to_numpy()[owner].astype(np.int64), ev, geo, rng),
        "purchase": day.astype(np.int32),
        "registration": (day + rng.integers(1, 11, n)).astype(np.int32),
        "first_service": np.where(fs <= TODAY_DAYS, fs, -1).astype(np.int32),
        "dealer": dealer.astype(np.int32),
        "owner": owner.astype(np.int32),
        "daily_km": rng.lognormal(np.log(15000 / 365), 0.35, n),
        "loyal_years": (3 + rng.geometric(0.2, n) - np.where(rng.random(n) < 0.08, 3, 0)),
    })


def _same_province_dealer(home: np.ndarray, dprov: np.ndarray, rng: np.random.Generator
                          ) -> np.ndarray:
    out = home.copy()
    prov = dprov[home]
    for p in np.unique(prov):
        sel = np.flatnonzero(prov == p)
        cand = np.flatnonzero(dprov == p)
        out[sel] = cand[rng.choice(cand.size, sel.size)]
    return out


def build_ownerships(vehicles: pl.DataFrame, people: pl.DataFrame, share: float, seed: int
                     ) -> pl.DataFrame:
    """Ownership periods (vidx, pidx, start, end); ``share`` of vehicles are resold used."""
    rng = np.random.default_rng([seed, 4])
    n = vehicles.height
    day = vehicles["purchase"].to_numpy().astype(np.int64)
    eligible = np.flatnonzero(day <= TODAY_DAYS - 730)
    k = min(eligible.size, int(round(share * n)))
    sold = np.sort(rng.choice(eligible, k, replace=False))
    span = np.minimum(2920, TODAY_DAYS - 60 - day[sold])
    resale = day[sold] + 540 + (rng.random(k) * np.maximum(span - 540, 1)).astype(np.int64)
    persons = np.flatnonzero(people["is_customer"].to_numpy()
                             & (people["kind"].to_numpy() == "person"))
    buyer = persons[rng.choice(persons.size, k)]
    first = vehicles["owner"].to_numpy()[sold]
    buyer = np.where(buyer == first, persons[(np.searchsorted(persons, buyer) + 1)
                                             % persons.size], buyer)
    end = np.full(n, -1, dtype=np.int64)
    end[sold] = resale
    return pl.concat([
        pl.DataFrame({"vidx": np.arange(n), "pidx": vehicles["owner"].to_numpy(),
                      "start": day, "end": end, "seq": 0}),
        pl.DataFrame({"vidx": sold, "pidx": buyer, "start": resale,
                      "end": np.full(k, -1), "seq": 1}),
    ], how="vertical_relaxed").sort(["vidx", "seq"])


def build_service(own: pl.DataFrame, vehicles: pl.DataFrame, people: pl.DataFrame,
                  dealers: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Periods during which one dealer services a vehicle for one owner; ~12% of owners move
    to another dealer at some date."""
    rng = np.random.default_rng([seed, 5])
    vidx, pidx = own["vidx"].to_numpy(), own["pidx"].to_numpy()
    start, end = own["start"].to_numpy(), own["end"].to_numpy()
    dealer = np.where(own["seq"].to_numpy() == 0, vehicles["dealer"].to_numpy()[vidx],
                      people["home_dealer"].to_numpy()[pidx])
    stop = np.where(end < 0, TODAY_DAYS, end)
    moves = (rng.random(vidx.size) < 0.12) & (stop - start > 400)
    at = start + 200 + (rng.random(vidx.size) * np.maximum(stop - start - 200, 1)).astype(int)
    w = dealers["weight"].to_numpy()
    new = rng.choice(w.size, vidx.size, p=w / w.sum())
    new = np.where(new == dealer, (new + 1) % w.size, new)
    m = np.flatnonzero(moves)
    return pl.DataFrame({
        "vidx": np.concatenate([vidx, vidx[m]]), "pidx": np.concatenate([pidx, pidx[m]]),
        "dealer": np.concatenate([dealer, new[m]]),
        "start": np.concatenate([start, at[m]]),
        "end": np.concatenate([np.where(moves, at, stop), stop[m]]),
    }).sort(["vidx", "start"])

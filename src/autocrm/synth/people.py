"""The true customers (persons and companies) and web-only prospects."""

from __future__ import annotations

import numpy as np
import polars as pl

from .config import TODAY_DAYS, DefectRates, days
from .geo import Geo, current_counties, pick_region_codes
from .ids import mobile_numbers, other_mobiles, ric_numbers, unique_redraw, uscc_numbers
from .pools import (
    COMPANY_KIND_WEIGHTS,
    COMPANY_KINDS,
    COMPOUND_STEMS,
    COMPOUND_SUFFIXES,
    EMPLOYER_KINDS,
    INSTITUTIONS,
    INTERESTS,
    OCCUPATIONS,
    STREET_STEMS,
    STREET_SUFFIXES,
    choose,
    company_words,
    lookup,
    name_pools,
)

_RELATIONS = ["配偶", "配偶", "父亲", "母亲", "儿子", "女儿", "兄弟", "姐妹"]


def person_names(n: int, male: np.ndarray, rng: np.random.Generator, seed: int
                 ) -> tuple[pl.Series, pl.Series]:
    """(surname, given name) per person; about 30% have a one-character given name."""
    return names_from_uniforms(rng.random((n, 3)), male, seed)


def names_from_uniforms(u: np.ndarray, male: np.ndarray, seed: int
                        ) -> tuple[pl.Series, pl.Series]:
    """Names from three uniforms per person: surname (weighted), given-name length, given."""
    pools = name_pools(seed)
    cdf = np.cumsum(pools.surname_p)
    surname = lookup(pools.surnames, np.minimum(np.searchsorted(cdf, u[:, 0] * cdf[-1]),
                                                pools.surnames.size - 1))
    idx = np.zeros(male.size, dtype=np.int64)
    offset = 0
    flat: list[str] = []
    for flag, pool in ((True, pools.male), (False, pools.female)):
        single = np.flatnonzero([len(g) == 1 for g in pool])
        double = np.flatnonzero([len(g) > 1 for g in pool])
        sel = np.flatnonzero(male == flag)
        one = u[sel, 1] < 0.3
        pick_one = single[(u[sel, 2] * single.size).astype(np.int64)]
        pick_two = double[(u[sel, 2] * double.size).astype(np.int64)]
        idx[sel] = offset + np.where(one, pick_one, pick_two)
        flat.extend(pool.tolist())
        offset += pool.size
    return surname, lookup(flat, idx)


def hash_uniforms(seed: int, stream: int, idx: np.ndarray, k: int) -> np.ndarray:
    """(len(idx), k) uniforms in [0, 1) that depend only on (seed, stream, idx): attributes
    derived this way are the same whichever subset of people is asked for (splitmix64)."""
    salt = np.uint64(((seed * 1_000_003 + stream) * 0xD1B54A32D192ED03) % (1 << 64))
    z = (np.asarray(idx, dtype=np.uint64)[:, None] * np.uint64(0x9E3779B97F4A7C15) + salt
         + np.arange(1, k + 1, dtype=np.uint64)[None, :] * np.uint64(0x8CB92BA72F3D8DD7))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _birth_days(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(birth year, days since epoch) for buyers born 1950-2004, mostly 1965-1995."""
    year = np.clip(np.rint(rng.normal(1981, 9.5, n)), 1950, 2004).astype(np.int64)
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    length = np.where((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0)), 366, 365)
    return year, start + (rng.random(n) * length).astype(np.int64)


def _ric(geo: Geo, city: np.ndarray, male: np.ndarray, rng: np.random.Generator
         ) -> tuple[np.ndarray, pl.Series]:
    """(birth days, ID number) for persons living in ``city``; 60% born in that city."""
    n = city.size
    year, birth = _birth_days(n, rng)
    elsewhere = rng.random(n) < 0.4
    origin = np.where(elsewhere, rng.choice(geo.city_name.size, n), city)
    region = pick_region_codes(geo, origin, year, rng)
    d = birth.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    ymd = ((y.astype(np.int64) + 1970) * 10000 + (m - y.astype("datetime64[M]")).astype(np.int64)
           * 100 + 100 + (d - m.astype("datetime64[D]")).astype(np.int64) + 1)

    def seqs(pos: np.ndarray) -> np.ndarray:
        return rng.integers(0, 499, pos.size) * 2 + np.where(male[pos], 1, 2)

    body = region * 10**11 + ymd * 1000 + seqs(np.arange(n))
    body = unique_redraw(body, lambda pos: body[pos] // 1000 * 1000 + seqs(pos))
    return birth, ric_numbers(body // 10**11, body // 1000 % 10**8, body % 1000)


def _company_names(city_short: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    words = np.array(company_words())
    kinds = np.array(COMPANY_KINDS)
    p = np.array(COMPANY_KIND_WEIGHTS) / sum(COMPANY_KIND_WEIGHTS)

    def draw(pos: np.ndarray) -> np.ndarray:
        w = words[rng.choice(words.size, pos.size)]
        w2 = np.where(rng.random(pos.size) < 0.15, words[rng.choice(words.size, pos.size)], "")
        k = kinds[rng.choice(kinds.size, pos.size, p=p)]
        return np.char.add(np.char.add(np.char.add(city_short[pos], w), w2), k)

    return unique_redraw(draw(np.arange(city_short.size)), draw)


def _addresses(geo: Geo, city: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """District + street + number + compound + building/room, in the person's city."""
    starts, county_idx = current_counties(geo)
    lo, hi = starts[city], starts[city + 1]
    n = city.size
    span = np.where(rng.random(n) < 0.8, np.minimum(hi - lo, 6), hi - lo)
    pos = np.minimum(lo + (rng.random(n) * np.maximum(span, 1)).astype(np.int64),
                     county_idx.size - 1)
    district = lookup(geo.county_name, county_idx[pos])
    district = pl.select(pl.when(pl.Series(hi > lo)).then(district).otherwise(pl.lit("")))\
        .to_series()
    df = pl.DataFrame({
        "d": district, "s": choose(STREET_STEMS, rng, n), "x": choose(STREET_SUFFIXES, rng, n),
        "no": rng.integers(1, 999, n), "c": choose(COMPOUND_STEMS, rng, n),
        "cs": choose(COMPOUND_SUFFIXES, rng, n), "b": rng.integers(1, 30, n),
        "r": rng.integers(1, 33, n) * 100 + rng.integers(1, 6, n),
    })
    return df.select(pl.concat_str([
        "d", "s", "x", pl.col("no").cast(pl.String), pl.lit("号"), "c", "cs",
        pl.col("b").cast(pl.String), pl.lit("栋"), pl.col("r").cast(pl.String), pl.lit("室"),
    ]).alias("address"))["address"]


def _phones(n: int, company: np.ndarray, rates: DefectRates, rng: np.random.Generator
            ) -> dict[str, np.ndarray]:
    """Primary mobile, optional second mobile, optional new mobile from ``change_day``."""
    second = (rng.random(n) < rates.second_phone) & ~company
    change = rng.random(n) < rates.phone_change
    allp = mobile_numbers(n + int(second.sum()) + int(change.sum()), rng)
    phone2 = np.zeros(n, np.int64)
    phone3 = np.zeros(n, np.int64)
    phone2[second] = allp[n:n + second.sum()]
    phone3[change] = allp[n + second.sum():]
    change_day = np.where(change, rng.integers(days(2016), TODAY_DAYS - 30, n), -1)
    return {"phone1": allp[:n], "phone2": phone2, "phone3": phone3, "change_day": change_day}


def _pool(pool: list[str], u: np.ndarray) -> pl.Series:
    return lookup(pool, np.minimum((u * len(pool)).astype(np.int64), len(pool) - 1))


def profile(people: pl.DataFrame, pidx: np.ndarray, seed: int, city_short: np.ndarray
            ) -> pl.DataFrame:
    """Occupation, employer, interests, contact person and relatives (free text) of the
    people ``pidx``; derived from hashed randomness, so identical wherever a person appears."""
    u = hash_uniforms(seed, 90, pidx, 20)
    g = people.select("gender", "surname", "city")[pidx]
    company = g["gender"].to_numpy() == 0
    male = g["gender"].to_numpy() == 1
    o_sur, o_giv = names_from_uniforms(u[:, 0:3], ~male, seed)
    c_sur, c_giv = names_from_uniforms(u[:, 3:6], u[:, 6] < 0.5, seed)
    df = pl.DataFrame({
        "company": company, "city": lookup(city_short, g["city"].to_numpy()),
        "sur": g["surname"], "o_sur": o_sur, "o_giv": o_giv, "c_name": c_sur + c_giv,
        "u1": u[:, 7], "u2": u[:, 8], "u3": u[:, 9], "u4": u[:, 10], "u5": u[:, 11],
        "word": _pool(company_words(), u[:, 12]), "kind": _pool(EMPLOYER_KINDS, u[:, 13]),
        "inst": _pool(INSTITUTIONS, u[:, 14]), "k": (u[:, 15] * 3).astype(np.int64) + 1,
        "i1": _pool(INTERESTS, u[:, 16]), "i2": _pool(INTERESTS, u[:, 17]),
        "i3": _pool(INTERESTS, u[:, 18]), "rel": _pool(_RELATIONS, u[:, 19]),
        "rp": pl.Series(other_mobiles(u[:, 1], u[:, 2])).cast(pl.String),
        "cp": pl.Series(other_mobiles(u[:, 4], u[:, 5])).cast(pl.String),
        "occ": _pool(OCCUPATIONS, u[:, 6]),
    })
    col = pl.col
    other = pl.when(col("u1") < 0.6).then(col("sur")).otherwise(col("o_sur")) + col("o_giv")
    relatives = pl.concat_str([col("rel"), pl.lit(":"), other])
    relatives = pl.when(col("u2") < 0.5).then(relatives + " " + col("rp")).otherwise(relatives)
    interests = pl.when((col("k") == 1) | (col("i2") == col("i1"))).then(col("i1")) \
        .otherwise(col("i1") + "、" + col("i2"))
    interests = pl.when((col("k") == 3) & (col("i3") != col("i1")) & (col("i3") != col("i2"))) \
        .then(interests + "、" + col("i3")).otherwise(interests)
    employer = pl.when(col("u3") < 0.55).then(col("city") + col("word") + col("kind")) \
        .when(col("u3") < 0.7).then(col("city") + col("inst"))
    person = ~col("company")
    return df.select(
        pl.when(person).then(col("occ")).alias("occupation"),
        pl.when(person).then(employer).alias("employer"),
        pl.when(person).then(interests).alias("interests"),
        pl.when(col("company") | (col("u4") < 0.4)).then(col("c_name") + " " + col("cp"))
        .alias("contact_person"),
        pl.when(person & (col("u5") >= 0.45)).then(relatives).alias("relatives"),
    )


def build_people(n_customers: int, n_prospects: int, home_dealer: np.ndarray, dealer_city:
                 np.ndarray, geo: Geo, rates: DefectRates, seed: int) -> pl.DataFrame:
    """One row per true person or company; row index == integer person id."""
    rng = np.random.default_rng([seed, 1])
    n = n_customers + n_prospects
    company = np.zeros(n, bool)
    company[rng.choice(n_customers, int(round(n_customers * 0.05)), replace=False)] = True
    city = dealer_city[home_dealer]
    moved = rng.random(n) < 0.15
    city = np.where(moved, _nearby_city(geo, city, rng), city)
    male = rng.random(n) < 0.62
    birth, ric = _ric(geo, city, male, rng)
    surname, given = person_names(n, male, rng, seed)
    short = geo.short_city()
    cidx = np.flatnonzero(company)
    starts, county_idx = current_counties(geo)
    county = county_idx[np.minimum(starts[city[cidx]], county_idx.size - 1)]
    name = (surname + given).scatter(cidx, pl.Series(_company_names(short[city[cidx]], rng)))
    id_number = ric.scatter(cidx, uscc_numbers(geo.county_code[county], rng))
    df = pl.DataFrame({
        "pid": np.arange(n, dtype=np.int32),
        "person_id": pl.int_range(1, n + 1, eager=True).cast(pl.String).str.zfill(7),
        "kind": company, "is_customer": np.arange(n) < n_customers,
        "name": name, "surname": surname, "given": given,
        "gender": np.where(company, 0, np.where(male, 1, 2)).astype(np.int8),
        "birth": np.where(company, -1, birth).astype(np.int32),
        "id_number": id_number, "prov": geo.city_prov[city].astype(np.int16),
        "city": city.astype(np.int16), "address": _addresses(geo, city, rng),
        "home_dealer": home_dealer.astype(np.int32),
        **_phones(n, company, rates, rng),
    })
    return df.with_columns(
        ("P" + pl.col("person_id")).alias("person_id"),
        pl.when(pl.col("kind")).then(pl.lit("company")).otherwise(pl.lit("person"))
        .alias("kind"),
        pl.when(pl.col("kind")).then(pl.lit("")).otherwise(pl.col("surname")).alias("surname"),
        pl.when(pl.col("kind")).then(pl.lit("")).otherwise(pl.col("given")).alias("given"),
        pl.when(pl.col("gender") > 0).then(pl.col("birth")).cast(pl.Date).alias("birth_date"),
    )


def _nearby_city(geo: Geo, city: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Another city of the same province (weighted towards the capital)."""
    prov = geo.city_prov[city]
    out = city.copy()
    for p in np.unique(prov):
        sel = np.flatnonzero(prov == p)
        cand = np.flatnonzero(geo.city_prov == p)
        w = geo.city_weight[cand] / geo.city_weight[cand].sum()
        out[sel] = cand[rng.choice(cand.size, sel.size, p=w)]
    return out

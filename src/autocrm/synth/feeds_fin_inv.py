"""FIN (loan and insurance contracts) and INV (vehicle sales invoices)."""

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
    add_months,
    day_chunks,
    masked,
    owner_at,
    person_ids,
    phone_at,
    serial_ids,
    to_date,
)
from .ids import unique_redraw
from .pools import INSURER_CODES, INSURERS, lookup


def _contracts(world: World, rng: np.random.Generator) -> pl.DataFrame:
    """Initial contracts at purchase (loan and/or insurance) plus yearly insurance renewals."""
    v = world.vehicles
    n = v.height
    company = world.people["gender"].to_numpy()[v["owner"].to_numpy()] == 0
    loan = rng.random(n) < np.where(company, 0.3, 0.46)
    insured = rng.random(n) < 0.85
    first = np.flatnonzero(loan | insured)
    purchase = v["purchase"].to_numpy().astype(np.int64)
    years = (TODAY_DAYS + 30 - purchase) // 365
    renew = np.where(insured, np.minimum(rng.geometric(0.7, n) - 1, years), 0)
    rv = np.repeat(np.arange(n), renew)
    ry = np.arange(rv.size) - np.repeat(np.cumsum(renew) - renew, renew) + 1
    vidx = np.concatenate([first, rv])
    start = np.concatenate([purchase[first], add_months(purchase[rv], 12 * ry)])
    sign = np.concatenate([purchase[first], start[first.size:] - rng.integers(0, 25, rv.size)])
    return pl.DataFrame({
        "vidx": vidx, "start": start, "sign": sign,
        "loan": np.concatenate([loan[first], np.zeros(rv.size, bool)]),
        "insured": np.concatenate([insured[first], np.ones(rv.size, bool)]),
    }).sort(["sign", "vidx"])


def _loan_fields(c: pl.DataFrame, price: np.ndarray, rng: np.random.Generator
                 ) -> dict[str, pl.Series]:
    n = c.height
    loan = c["loan"].to_numpy()
    amount = np.round(price * rng.uniform(0.3, 0.7, n), -3)
    terms = rng.choice([12, 24, 36, 48, 60], n, p=[0.1, 0.25, 0.35, 0.1, 0.2])
    annual = np.where((terms <= 24) & (rng.random(n) < 0.5), 0.0, rng.choice([0.0399, 0.0499,
                                                                              0.0599], n))
    r = annual / 12
    with np.errstate(divide="ignore", invalid="ignore"):
        pay = np.where(r > 0, amount * r / (1 - (1 + r) ** -terms), amount / terms)
    first_pay = add_months(c["start"].to_numpy(), 1)
    return {
        "loan_amount": masked(amount, loan),
        "loan_terms": masked(terms, loan),
        "monthly_payment": masked(np.round(pay, 2), loan),
        "first_payment_date": to_date(np.where(loan, first_pay, -10**6)),
    }


def _insurance_fields(c: pl.DataFrame, num: np.ndarray, rng: np.random.Generator, d: Defects,
                      fmt: str) -> dict[str, pl.Series]:
    n = c.height
    ins = c["insured"].to_numpy()
    k = rng.integers(0, len(INSURERS), n)
    start = c["start"].to_numpy()
    year = (start.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970)
    policy = pl.select(pl.concat_str([lookup(INSURER_CODES, k), pl.Series(year).cast(pl.String),
                                      pl.Series(num).cast(pl.String)])).to_series()
    end = add_months(start, 12) - 1
    return {
        "insurer": masked(lookup(INSURERS, k), ins),
        "policy_no": masked(policy, ins),
        "insurance_start": d.date("insurance_start", to_date(np.where(ins, start, -10**6)), fmt),
        "insurance_end": d.date("insurance_end", to_date(np.where(ins, end, -10**6)), fmt),
    }


def _identity(world: World, d: Defects, pidx: np.ndarray, day: np.ndarray,
              rng: np.random.Generator) -> dict[str, pl.Series]:
    p = world.people
    g = p.select("name", "surname", "given", "gender", "id_number")[pidx]
    return {
        "name": d.name(g["name"], g["surname"], g["given"], g["gender"]),
        "id_number": d.id_number(g["id_number"]),
        "phone": d.phone(phone_at(world, pidx, day, rng),
                         lookup(world.geo.prov_area, p["prov"].to_numpy()[pidx])),
    }


CHUNK_ROWS = 500_000


def fin_contracts(world: World) -> Iterator[Output]:
    """Contracts sorted by signing date, written in chunks of whole days."""
    rng = world.rng(10)
    c = _contracts(world, rng)
    vidx_all = c["vidx"].to_numpy()
    sign_all = c["sign"].to_numpy()
    pidx_all = owner_at(world, vidx_all, sign_all)
    policy = unique_redraw(rng.integers(10**13, 10**14, c.height),
                           lambda p: rng.integers(10**13, 10**14, p.size))
    v = world.vehicles
    for k, (a, b) in enumerate(day_chunks(sign_all, CHUNK_ROWS)):
        crng = world.rng(12, k)
        vidx, sign, pidx = vidx_all[a:b], sign_all[a:b], pidx_all[a:b]
        part = c.slice(a, b - a)
        d = Defects(world.rates, "FIN", b - a, world.rng(11, k))
        loan = _loan_fields(part, v["price"].to_numpy()[vidx], crng)
        fields = {
            "contract_no": serial_ids("HT", sign, 5),
            **_identity(world, d, pidx, sign, crng),
            "id_type": lookup(["统一社会信用代码", "居民身份证"],
                              (world.people["gender"].to_numpy()[pidx] > 0).astype(np.int64)),
            "vin": d.vin(v["vin"].gather(vidx)),
            "model": v["model"].gather(vidx),
            **loan,
            **_insurance_fields(part, policy[a:b], crng, d, "%Y-%m-%d"),
            "event_date": d.date("event_date", to_date(sign), "%Y-%m-%d"),
            "first_payment_date": d.date("first_payment_date", loan["first_payment_date"],
                                         "%Y-%m-%d"),
        }
        yield Output("FIN", "contract", [FilePart("FIN/fin_contracts.csv", "gb18030",
                                                  append=k > 0)],
                     fields, person_ids(world, pidx), v["vin"].gather(vidx), d)


def inv_invoices(world: World) -> Iterator[Output]:
    """One invoice per new vehicle, sorted by date, in chunks of whole days."""
    rng = world.rng(20)
    v_all = world.vehicles.sort(["purchase", "vidx"])
    number = unique_redraw(rng.integers(10**7, 10**8, v_all.height),
                           lambda p: rng.integers(10**7, 10**8, p.size))
    for k, (a, b) in enumerate(day_chunks(v_all["purchase"].to_numpy(), CHUNK_ROWS)):
        v = v_all.slice(a, b - a)
        day = v["purchase"].to_numpy()
        pidx = v["owner"].to_numpy()
        d = Defects(world.rates, "INV", v.height, world.rng(21, k))
        fields = {
            "invoice_no": pl.Series(number[a:b]).cast(pl.String).str.zfill(8),
            "event_date": d.date("event_date", to_date(day), "%Y-%m-%d"),
            **_identity(world, d, pidx, day, world.rng(22, k)),
            "vin": d.vin(v["vin"]),
            "model": v["invoice_model"],
            "amount": v["price"],
            "dealer_code": world.dealers["dealer_code"].gather(v["dealer"].to_numpy()),
        }
        yield Output("INV", "invoice", [FilePart("INV/invoices.csv", "utf-8-sig", append=k > 0)],
                     fields, person_ids(world, pidx), v["vin"], d)

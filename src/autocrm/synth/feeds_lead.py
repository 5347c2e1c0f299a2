"""Prospect lists as dealers and HQ receive them (LEAD): an auto-show XLSX with a title row and
a bought list in GBK. A sixth of the rows are people the brand already knows (owners, web
sign-ups); the rest are new people, whose truth is kept beside the world's persons. Some rows
carry a title for a name (王先生), some a relative's mobile, and some people are on both lists."""

from __future__ import annotations

import numpy as np
import polars as pl

from .config import CATALOGUE, TODAY, TODAY_DAYS
from .defects import Defects
from .emit import FilePart, Output, World, phone_at, to_date
from .people import person_names
from .pools import pick

TIMEFRAMES = ["已当场下订", "7天内购车", "15天内购车", "30天内购车", "90天内购车", "暂无计划", ""]
TIMEFRAME_P = [0.03, 0.12, 0.15, 0.2, 0.2, 0.1, 0.2]
BUDGETS = ["预算已确认", "有大致预算", "预算未知", ""]
DRIVES = ["已试驾", "想试驾", "不试驾", ""]
KNOWN_SHARE = 1 / 6
RELATIVE_SHARE = 0.02  # a new person giving a known person's mobile
BOTH_LISTS_SHARE = 0.05  # bought-list rows about a person met at the auto show
TITLE_FACTOR = 5  # lists know only the surname (王先生) five times as often as other sources
SHOW_SHARE = 0.6


def list_rows(world: World) -> int:
    """Rows of this month's lists: a tenth of the customers, at least 50."""
    return max(50, int(world.people["is_customer"].sum()) // 10)


def new_people(world: World) -> pl.DataFrame:
    """The people only the lists know, with their truth (person_id L0000001 …)."""
    n = list_rows(world) - int(round(list_rows(world) * KNOWN_SHARE))
    rng = world.rng(90)
    male = rng.random(n) < 0.6
    surname, given = person_names(n, male, rng, world.seed)
    phone = 13 * 10**9 + rng.integers(0, 7 * 10**9, n)  # 13x … 19x
    city = rng.choice(world.dealers["city"].to_numpy(), n)
    return pl.DataFrame({
        "person_id": pl.int_range(1, n + 1, eager=True).cast(pl.String).str.zfill(7),
        "surname": surname, "given": given,
        "gender": np.where(male, 1, 2).astype(np.int8), "phone": phone.astype(np.int64),
        "city": city.astype(np.int16),
    }).with_columns(("L" + pl.col("person_id")).alias("person_id"),
                    (pl.col("surname") + pl.col("given")).alias("name"))


def lead_truth(world: World) -> pl.DataFrame:
    """The list-only people in the columns of truth/persons.parquet."""
    new, geo = new_people(world), world.geo
    city = new["city"].to_numpy()
    return new.select(
        "person_id", pl.lit("person").alias("kind"), "name",
        pl.lit(None, pl.String).alias("id_number"),
        pl.col("gender").replace_strict({1: "男", 2: "女"}, return_dtype=pl.String),
        pl.lit(None, pl.Date).alias("birth_date"),
        pl.concat_list(pl.col("phone").cast(pl.String)).alias("phones"),
        pl.Series("province", geo.prov_name[geo.city_prov[city]]),
        pl.Series("city", geo.city_name[city]),
        pl.lit(None, pl.String).alias("address"), pl.lit(False).alias("is_customer"),
    )


def lead_outputs(world: World) -> Output:
    """Both lists as one output: rows of the auto show first, then the bought list."""
    rng = world.rng(91)
    p, new = world.people, new_people(world)
    n = list_rows(world)
    persons = np.flatnonzero((p["kind"] == "person").to_numpy() & (p["phone1"] > 0).to_numpy())
    known = rng.choice(persons, n - new.height, replace=False)
    day = TODAY_DAYS - rng.integers(0, 90, n)
    n_known = known.size
    person_id = pl.concat([p["person_id"].gather(known), new["person_id"]])
    surname = pl.concat([p["surname"].gather(known), new["surname"]])
    given = pl.concat([p["given"].gather(known), new["given"]])
    gender = np.concatenate([p["gender"].to_numpy()[known], new["gender"].to_numpy()])
    city = np.concatenate([p["city"].to_numpy()[known], new["city"].to_numpy()])
    phone = pl.concat([phone_at(world, known, day[:n_known], rng), new["phone"].cast(pl.String)])
    relative = np.flatnonzero(rng.random(n) < RELATIVE_SHARE)
    relative = relative[relative >= n_known]
    if relative.size:
        phone = phone.scatter(relative, p["phone1"].gather(rng.choice(persons, relative.size))
                              .cast(pl.String))
    show = rng.random(n) < SHOW_SHARE
    order = np.argsort(~show, kind="stable")  # auto-show rows first
    again = order[: int(show.sum())][rng.random(int(show.sum())) < BOTH_LISTS_SHARE]
    order = np.concatenate([order, again])  # met at the show, bought in a list as well
    part = np.concatenate([(~show[order[: n]]).astype(np.int64), np.ones(again.size, np.int64)])
    m = order.size
    d = Defects(world.rates, "LEAD", m, world.rng(92))
    names = d.name((surname + given).gather(order), surname.gather(order),
                   given.gather(order), pl.Series(gender[order]))
    title = np.flatnonzero(rng.random(m) < TITLE_FACTOR * world.rates.rate("name_title", "LEAD"))
    if title.size:
        mr = np.where(gender[order][title] == 1, "先生", "女士")
        names = names.scatter(title, surname.gather(order[title]) + pl.Series(mr))
        d.mark(title, "name_title")
    fields = {
        "name": names, "phone": d.phone(phone.gather(order)),
        "intended_model": pl.Series(pick([c.name for c in CATALOGUE], rng, m)),
        "lead_source": pl.Series(np.where(part == 0, "auto_show", "bought_list")),
        "event_date": to_date(day[order]).dt.strftime("%Y-%m-%d"),
        "city": pl.Series(world.geo.short_city()[city[order]]),
        "timeframe": pl.Series(pick(TIMEFRAMES, rng, m, TIMEFRAME_P)),
        "budget": pl.Series(pick(BUDGETS, rng, m)),
        "test_drive": pl.Series(pick(DRIVES, rng, m)),
    }
    files = [FilePart("LEAD/auto_show.xlsx", title=f"{TODAY.year} 车展潜客名单"),
             FilePart("LEAD/bought_list.csv", encoding="gbk")]
    return Output("LEAD", "list", files, fields, person_id.gather(order),
                  pl.Series([None] * m, dtype=pl.String), d, part)

"""A day's incremental load for benchmarks: a sample of every feed, as the sources would send it.

Every source file gives a seeded random `share` of its rows, and each kind of feed sends them
the way its system does on an ordinary day:

- events (repair orders, calls, complaints, roadside cases, surveys, web sign-ups and posts,
  finance contracts) are new: a new key and the day's date, for an existing customer or car
  (a service visit, a call, an insurance renewal);
- master data (DMS customers, club members) comes again under the same key, half of it with a
  new mobile number, each one different (a customer who changed phone), half unchanged (a
  dealer's export sends rows nobody edited);
- the other masters (DMS vehicles, invoices, web registrations) come again unchanged.

So the day reaches customers and cars spread over the whole store, in the proportions the
store holds them. (The delta measured before 2026-12 took the head of every dealer's customer
file and gave all 200 dealers the same 278 new phones: 55,000 rows sharing 278 numbers, which
no day brings and which made one blocking key pair 200 strangers per phone.)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import polars as pl

from autocrm.sources.config import get_source
from autocrm.sources.mapping import choose_feed
from autocrm.sources.reader import read_table
from autocrm.sources.table import ROW

EVENT_FEEDS = {"repair", "call", "complaint", "roadside", "survey", "event", "post", "contract"}
NEW_PHONE_FEEDS = {"customer", "member"}
CONTRACT_DATES = {"签约日期": 0, "保险起期": 0, "保险止期": 364}


def _headers(feed_columns: dict[str, str], field: str) -> list[str]:
    return [h for h, f in feed_columns.items() if f == field]


def _phones(rng: np.random.Generator, count: int) -> pl.Series:
    """Distinct mobile numbers, 139 followed by eight random digits."""
    picks = rng.choice(10**8, size=count, replace=False)
    return pl.Series([f"139{p:08d}" for p in picks], dtype=pl.Utf8)


def _day_rows(frame: pl.DataFrame, kind: str, columns: dict[str, str], day: dt.date,
              tag: str, rng: np.random.Generator) -> pl.DataFrame:
    """Turn sampled rows into what the feed sends on `day`."""
    present = set(frame.columns)
    if kind in EVENT_FEEDS:
        keys = [h for h in _headers(columns, _key_field(kind)) if h in present]
        frame = frame.with_columns(pl.format(f"{tag}{{}}", pl.col(h)).alias(h) for h in keys)
        dates = {h: 0 for h in _headers(columns, "event_date")}
        if kind == "contract":
            dates |= CONTRACT_DATES
        frame = frame.with_columns(
            pl.lit((day + dt.timedelta(days=offset)).isoformat()).alias(h)
            for h, offset in dates.items() if h in present
        )
    elif kind in NEW_PHONE_FEEDS:
        changed = pl.Series(rng.random(frame.height) < 0.5)
        phones = _phones(rng, frame.height)
        frame = frame.with_columns(
            pl.when(changed).then(phones).otherwise(pl.col(h)).alias(h)
            for h in _headers(columns, "phone") if h in present
        )
    return frame


KEY_FIELDS = {"repair": "order_no", "call": "call_id", "complaint": "complaint_no",
              "roadside": "case_no", "survey": "survey_id", "event": "signup_id",
              "post": "post_id", "contract": "contract_no"}


def _key_field(kind: str) -> str:
    return KEY_FIELDS[kind]


def _write(frame: pl.DataFrame, out: Path, suffix: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        out.with_suffix(".json").write_text(json.dumps(frame.to_dicts(), ensure_ascii=False),
                                            encoding="utf-8")
    elif suffix == ".jsonl":
        frame.write_ndjson(out.with_suffix(".jsonl"))
    else:  # CSV for CSV and XLSX alike: dealers send either
        frame.write_csv(out.with_suffix(".csv"))


def make_day(data: Path, share: float = 0.01, seed: int = 7,
             day: dt.date | None = None) -> Path:
    """Write the day's files beside `data` (once per data set, share and seed); return them."""
    out_dir = data.parent / f"{data.name}-day{seed}-{share:g}"
    if (out_dir / "done").exists():
        return out_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    import django

    django.setup()
    from autocrm.cli.demo import source_files  # needs the settings

    day = day or dt.date.today() - dt.timedelta(days=1)
    rng = np.random.default_rng(seed)
    tag = f"D{day:%Y%m%d}-"
    for code, path in source_files(data):
        source = get_source(code)
        known = {h for f in source.feeds.values() for h in f.header_names()}
        table = read_table(path, known)
        feed = choose_feed(source, table.header, path)
        frame = table.frame.drop(ROW)
        count = round(frame.height * share)
        if not count:
            continue
        picked = frame[np.sort(rng.choice(frame.height, size=count, replace=False))]
        rows = _day_rows(picked, feed.kind, feed.columns | feed.renamed, day, tag, rng)
        _write(rows, out_dir / path.relative_to(data).parent / f"{path.stem}_day",
               path.suffix.lower())
    (out_dir / "done").write_text("")
    return out_dir

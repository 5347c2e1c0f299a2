"""Read stored source records back into frames shaped like a batch."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import polars as pl

from autocrm.core import bulk

META = ["record_id", "customer_id", "load_id", "source", "feed", "event_day", "vin",
        "dealer_code", "held_fields", "data"]
DATE_COLS = {"birth_date", "purchase_date", "registration_date", "first_service_date",
             "insurance_start", "insurance_end"}


def _day(value: object) -> dt.date | None:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value if isinstance(value, dt.date) else None


def fetch(column: str, values: Sequence[object], exclude: set[int] | None = None) -> pl.DataFrame:
    """Return the current records whose `column` is in `values`, payload decoded."""
    if not values:
        return pl.DataFrame()
    rows = bulk.select_in(
        "SELECT id, customer_id, load_id, source, feed, event_date, vin, dealer_code, "
        f"held_fields, data FROM sources_sourcerecord WHERE current AND {column} IN ({{}})",
        values,
    )
    if exclude:
        rows = [r for r in rows if r[0] not in exclude]
    if not rows:
        return pl.DataFrame()
    payload = [json.loads(r[9]) if isinstance(r[9], str) else r[9] for r in rows]
    held = [json.loads(r[8]) if isinstance(r[8], str) else r[8] for r in rows]
    meta = pl.DataFrame(
        [(*r[:5], _day(r[5]), *r[6:8], h) for r, h in zip(rows, held, strict=True)],
        schema={"record_id": pl.Int64, "customer_id": pl.Int64, "load_id": pl.Int64,
                "source": pl.Utf8, "feed": pl.Utf8, "event_day": pl.Date, "vin": pl.Utf8,
                "dealer_code": pl.Utf8, "held_fields": pl.List(pl.Utf8)},
        orient="row",
    )
    body = pl.DataFrame(payload, infer_schema_length=None).drop(
        ["vin", "dealer_code", "customer_id"], strict=False
    )
    frame = meta.hstack(body)
    casts = [
        pl.col(c).cast(pl.Utf8).str.slice(0, 10).str.to_date(strict=False)
        for c in DATE_COLS if c in frame.columns
    ]
    return frame.with_columns(casts)

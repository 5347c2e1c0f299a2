"""Build golden customers from their source records; hold doubtful changes (D6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from pypinyin import Style, lazy_pinyin

from autocrm.core import bulk
from autocrm.customers.models import PROFILE_FIELDS
from autocrm.customers.survivorship import golden_values, priorities

HOLD_REASON = {
    "name": "同一证件号出现不同姓名",
    "id_number": "已确认客户出现新的证件号码",
    "birth_date": "已确认客户出现新的出生日期",
    "gender": "已确认客户出现新的性别",
}


@dataclass
class Golden:
    """Golden rows ready to write, and the changes held back."""

    rows: pl.DataFrame  # customer_id + profile fields + phones + lineage + kind + record_count
    held: pl.DataFrame  # customer_id, field, current_value, proposed_value, record_id, load_id
    doubtful: pl.DataFrame  # record_id, field: every new candidate held back


def candidates(records: pl.DataFrame) -> pl.DataFrame:
    """Return long candidates (entity_id, record_id, load_id, source, observed, field, value)."""
    fields = [f for f in PROFILE_FIELDS if f in records.columns]
    long = records.select(
        pl.col("customer_id").cast(pl.Utf8).alias("entity_id"),
        "record_id", "load_id", "source",
        pl.col("event_day").alias("observed"),
        *[pl.col(f).cast(pl.Utf8) for f in fields],
    ).unpivot(index=["entity_id", "record_id", "load_id", "source", "observed"],
              variable_name="field", value_name="value")
    long = long.filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
    if "held_fields" in records.columns:
        held = records.select("record_id", pl.col("held_fields").alias("field")).explode("field")
        long = long.join(held.drop_nulls(), on=["record_id", "field"], how="anti")
    return long


def _ric_derived(ric: str | None) -> tuple[str | None, str | None]:
    """Return the birth date and gender a resident ID number encodes."""
    if not ric or len(ric) != 18:
        return None, None
    gender = "M" if int(ric[16]) % 2 else "F"
    return f"{ric[6:10]}-{ric[10:12]}-{ric[12:14]}", gender


def _hold(winners: pl.DataFrame, old: pl.DataFrame, new_ids: set[int]) -> pl.DataFrame:
    """Return the winners that change an established trusted value using a new record."""
    hold_fields = list(priorities().hold_on_change)
    old_long = old.unpivot(index="entity_id", on=hold_fields, variable_name="field",
                           value_name="current_value").filter(
        pl.col("current_value").is_not_null() & (pl.col("current_value") != "")
    )
    return winners.join(old_long, on=["entity_id", "field"]).filter(
        (pl.col("value") != pl.col("current_value")) & pl.col("record_id").is_in(list(new_ids))
    )


def build(records: pl.DataFrame, old: pl.DataFrame, new_ids: set[int]) -> Golden:
    """Compute golden rows for the customers of `records`; `old` holds established values."""
    cands = candidates(records)
    winners = golden_values(cands)
    held = _hold(winners, old, new_ids) if old.height else winners.clear().with_columns(
        pl.lit(None, pl.Utf8).alias("current_value")
    )
    doubtful = pl.DataFrame(schema={"record_id": pl.Int64, "field": pl.Utf8})
    if held.height:
        proposed = held.select("entity_id", "field", pl.col("current_value"))
        doubtful = cands.join(proposed, on=["entity_id", "field"]).filter(
            (pl.col("value") != pl.col("current_value")) & pl.col("record_id").is_in(list(new_ids))
        )
        doubtful = doubtful.select("record_id", "field")
        winners = golden_values(cands.join(doubtful, on=["record_id", "field"], how="anti"))
    held_out = held.select(
        pl.col("entity_id").cast(pl.Int64).alias("customer_id"), "field",
        pl.col("current_value"),
        pl.col("value").alias("proposed_value"), "record_id", "load_id",
    )
    return Golden(_wide(winners, cands), held_out, doubtful)


def _wide(winners: pl.DataFrame, cands: pl.DataFrame) -> pl.DataFrame:
    values = winners.pivot(on="field", index="entity_id", values="value")
    lineage = winners.with_columns(
        pl.struct(
            pl.col("value"), pl.col("source"), pl.col("record_id").alias("record"),
            pl.col("load_id").alias("load"), pl.col("rule"),
            pl.col("observed").cast(pl.Utf8),
        ).alias("entry")
    ).group_by("entity_id").agg(pl.col("field"), pl.col("entry"))
    phones = (
        cands.filter(pl.col("field") == "phone")
        .sort("observed", descending=True, nulls_last=True)
        .group_by("entity_id").agg(pl.col("value").unique(maintain_order=True).alias("phones"))
    )
    counts = cands.group_by("entity_id").agg(pl.col("record_id").n_unique().alias("record_count"))
    out = values.join(lineage, on="entity_id", how="left").join(phones, on="entity_id", how="left")
    return out.join(counts, on="entity_id", how="left")


def golden_rows(g: pl.DataFrame, now: dt.datetime) -> list[tuple]:
    """Return Customer table rows (id first) from the wide golden frame."""
    cols = ["id", "unified_id", "key_type", "kind", "name_pinyin", *PROFILE_FIELDS, "phones",
            "lineage", "record_count", "created_at", "updated_at"]
    out = []
    for r in g.iter_rows(named=True):
        cid = int(r["entity_id"])
        lineage = {f: e for f, e in zip(r["field"] or [], r["entry"] or [], strict=True)}
        ric = r.get("id_number")
        key_type = "internal"
        if ric:
            key_type = "ric" if len(ric) == 18 and ric[:17].isdigit() else "uscc"
        profile = {f: r.get(f) or "" for f in PROFILE_FIELDS}
        if key_type == "ric":
            birth, gender = _ric_derived(ric)
            if not profile["birth_date"] and birth:
                profile["birth_date"] = birth
                lineage["birth_date"] = {**lineage["id_number"], "rule": "derived", "value": birth}
            if not profile["gender"] and gender:
                profile["gender"] = gender
                lineage["gender"] = {**lineage["id_number"], "rule": "derived", "value": gender}
        kind = "company" if key_type == "uscc" else "person"
        unified = ric if key_type != "internal" else f"AC{cid:010d}"
        pinyin = "".join(lazy_pinyin(profile["name"], style=Style.FIRST_LETTER)).lower()
        row = {"id": cid, "unified_id": unified, "key_type": key_type, "kind": kind,
               "name_pinyin": pinyin, **profile, "birth_date": profile["birth_date"] or None,
               "phones": r.get("phones") or [], "lineage": lineage,
               "record_count": r.get("record_count") or 0, "created_at": now, "updated_at": now}
        out.append(tuple(row[c] for c in cols))
    return out


def write(rows: list[tuple], existing: set[int]) -> None:
    """Insert new golden rows and update existing ones (keeping their creation time)."""
    cols = ["id", "unified_id", "key_type", "kind", "name_pinyin", *PROFILE_FIELDS, "phones",
            "lineage", "record_count", "created_at", "updated_at"]
    fresh = [r for r in rows if r[0] not in existing]
    bulk.insert_rows("customers_customer", cols, fresh)
    changed = [r[:-2] + (r[-1],) for r in rows if r[0] in existing]
    bulk.update_rows("customers_customer", "id", [*cols[1:-2], "updated_at"], changed)


def write_held(held: pl.DataFrame, now: object) -> None:
    """Record each held change for a steward."""
    rows = [
        (r["customer_id"], r["field"], r["current_value"] or "", r["proposed_value"],
         r["record_id"], r["load_id"], HOLD_REASON.get(r["field"], "可疑变更"), "pending", now)
        for r in held.iter_rows(named=True)
    ]
    bulk.insert_rows(
        "customers_heldchange",
        ["customer_id", "field", "current_value", "proposed_value", "record_id", "load_id",
         "reason", "status", "created_at"],
        rows,
    )

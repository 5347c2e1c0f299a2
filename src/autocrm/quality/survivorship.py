"""Choose each golden value by source priority, then recency (D4), and say why it won."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

CONFIG = Path(__file__).with_name("survivorship.toml")
LONG_SCHEMA = {
    "entity_id": pl.Utf8,  # a VIN for vehicles; customers keep their Int64 id
    "record_id": pl.Int64,
    "load_id": pl.Int64,
    "source": pl.Utf8,
    "observed": pl.Date,
    "field": pl.Utf8,
    "value": pl.Utf8,
}


@dataclass(frozen=True)
class Priorities:
    """Source order per field, field groups, and the fields whose change is held."""

    default: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]
    groups: dict[str, tuple[str, ...]]
    group_priority: dict[str, tuple[str, ...]]
    vehicle: dict[str, tuple[str, ...]]
    hold_on_change: tuple[str, ...]

    def rank_frame(self, fields: dict[str, tuple[str, ...]]) -> pl.DataFrame:
        """Return (field, source, rank) for every listed and default source."""
        rows = []
        for name, order in fields.items():
            full = list(order) + [s for s in self.default if s not in order]
            rows += [(name, src, i) for i, src in enumerate(full)]
        return pl.DataFrame(rows, schema=["field", "source", "rank"], orient="row")


@cache
def priorities() -> Priorities:
    """Read the survivorship configuration."""
    raw = tomllib.loads(CONFIG.read_text(encoding="utf-8"))

    def tup(d: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {k: tuple(v) for k, v in d.items()}

    return Priorities(
        default=tuple(raw["default"]),
        fields=tup(raw["fields"]),
        groups=tup(raw["groups"]),
        group_priority=tup(raw["groups_priority"]),
        vehicle=tup(raw["vehicle"]),
        hold_on_change=tuple(raw["hold_on_change"]),
    )


def unpivot_present(frame: pl.DataFrame, index: list[Any], fields: list[str]) -> pl.DataFrame:
    """Unpivot `fields` to (field, value) text rows beside `index`, keeping present values only.

    One field at a time: most cells are empty, and unpivoting all before filtering would hold
    rows x fields rows at once.
    """
    parts = []
    for name in fields:  # select before filtering: a filter of the whole frame copies it
        value = pl.col(name).cast(pl.Utf8)
        parts.append(
            frame.select(*index, pl.lit(name).alias("field"), value.alias("value"))
            .filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
        )
    schema = frame.select(index).schema
    empty = pl.DataFrame(schema={**schema, "field": pl.Utf8, "value": pl.Utf8})
    return pl.concat([empty, *parts], how="vertical_relaxed")


# A candidate's place in its group as one integer, smallest first: source rank, then the latest
# observation (none last), then the newest record. Sorting on it and two more integer columns is
# several times faster than on the five columns, one of them text, it stands for.
_RECORD_BITS = 38  # record ids below 2.7e11
_RECENCY_BITS = 17
_NO_DATE = (1 << _RECENCY_BITS) - 1
_LAST_DAY = 60_000  # days after 1970 (the year 2134), from which recency counts up


def _place() -> pl.Expr:
    days = pl.col("observed").cast(pl.Int64).clip(_LAST_DAY - _NO_DATE + 1, _LAST_DAY)
    recency = (_LAST_DAY - days).fill_null(_NO_DATE)
    newest = (1 << _RECORD_BITS) - 1 - pl.col("record_id")
    rank = pl.col("rank").cast(pl.Int64)
    return rank * (1 << (_RECENCY_BITS + _RECORD_BITS)) + recency * (1 << _RECORD_BITS) + newest


def survive(cands: pl.DataFrame, ranks: pl.DataFrame, default_rank: int = 99) -> pl.DataFrame:
    """Pick one winner per (entity_id, field) from long candidates; add the winning rule and
    the value's origin.

    The winner is the first of its group in place order. The rule says why: "sole" when every
    candidate agrees with it, "priority" when it outranks every different value, else "recency".
    The origin is the record that first brought the winning value from the winning source (the
    earliest observed, then the oldest): the lineage names it, so a later record repeating a
    value (a renewed contract, a dealer's unchanged row) leaves the lineage as it was.
    """
    field_no = pl.col("field").cast(pl.Categorical).to_physical().alias("field_no")
    ranked = (
        cands.filter(
            pl.col("entity_id").is_not_null() & pl.col("value").is_not_null()
            & (pl.col("value") != "")
        )
        .join(ranks, on=["field", "source"], how="left")
        .with_columns(pl.col("rank").fill_null(default_rank))
        .with_columns(_place().alias("place"), field_no)
        .sort("entity_id", "field_no", "place")
    )
    first = (pl.col("entity_id") != pl.col("entity_id").shift(1)) | (
        pl.col("field_no") != pl.col("field_no").shift(1)
    )
    ranked = ranked.with_columns(first.fill_null(True).alias("first"))
    won = pl.when(pl.col("first")).then(pl.col("value")).forward_fill()
    top = pl.when(pl.col("first")).then(pl.col("rank")).forward_fill()
    rivals = ranked.select(
        pl.col("first").cum_sum().set_sorted().alias("group"),
        pl.when(pl.col("value") != won).then(pl.col("rank")).alias("rival"),
        # the same value from the same source, later in place order = observed earlier
        pl.when((pl.col("value") == won) & (pl.col("rank") == top)).then(pl.col("record_id"))
        .alias("origin"),
    ).group_by("group", maintain_order=True).agg(pl.col("rival").min(),
                                                  pl.col("origin").drop_nulls().last())
    winners = ranked.filter(pl.col("first")).select(
        "entity_id", "field", pl.exclude("entity_id", "field", "place", "field_no", "first")
    )
    return winners.with_columns(  # one row per group, in group order on both sides
        pl.when(rivals["rival"].is_null())
        .then(pl.lit("sole"))
        .when(pl.col("rank") < rivals["rival"])
        .then(pl.lit("priority"))
        .otherwise(pl.lit("recency"))
        .alias("rule"),
        rivals["origin"].alias("origin"),
    )


def survive_group(
    cands: pl.DataFrame, name: str, members: tuple[str, ...], order: tuple[str, ...]
) -> pl.DataFrame:
    """Pick one record per entity for a field group and return all its members' values.

    A record's value is the group's values it holds, together: two records agree when they
    carry the same address, field for field.
    """
    group = cands.filter(pl.col("field").is_in(members))
    together = pl.concat_str(pl.col("field"), pl.lit("="), pl.col("value")).sort()
    per_record = group.group_by(
        ["entity_id", "record_id", "load_id", "source", "observed"]
    ).agg(together.str.join("\x1f").alias("value"))
    choice = per_record.with_columns(pl.lit(name).alias("field"))
    ranks = pl.DataFrame(
        {"field": [name] * len(order), "source": list(order), "rank": list(range(len(order)))}
    )
    won = survive(choice.select(list(LONG_SCHEMA)), ranks)
    picked = won.select("entity_id", "record_id", "rule", "origin")
    return group.join(picked, on=["entity_id", "record_id"]).with_columns(
        pl.lit(0).alias("rank")
    )


def golden_values(cands: pl.DataFrame, vehicle: bool = False) -> pl.DataFrame:
    """Return the winners of every field and group: entity_id, field, value, lineage columns."""
    prio = priorities()
    if vehicle:
        return survive(cands, prio.rank_frame(prio.vehicle))
    grouped = {m for members in prio.groups.values() for m in members}
    single = survive(cands.filter(~pl.col("field").is_in(grouped)), prio.rank_frame(prio.fields))
    parts = [single]
    for name, members in prio.groups.items():
        order = prio.group_priority.get(name, prio.default)
        parts.append(survive_group(cands, name, members, order).select(single.columns))
    return pl.concat(parts, how="vertical_relaxed")


def lineage_json(winners: pl.DataFrame) -> pl.DataFrame:
    """Return entity_id and a JSON object {field: {source, record, rule}} of its winners; the
    record is the value's origin (see `survive`)."""
    entry = pl.struct(pl.col("source"), pl.col("origin").alias("record"), pl.col("rule"))
    # rechunk: Polars 1.40 can panic ("i < self.len()") encoding a struct of string views
    # gathered from several chunks (seen on a steward's merge of two leads' customers)
    return winners.rechunk().select(
        "entity_id", pl.format('"{}":{}', pl.col("field"), entry.struct.json_encode()).alias("e")
    ).group_by("entity_id").agg(
        pl.concat_str([pl.lit("{"), pl.col("e").str.join(","), pl.lit("}")]).alias("lineage")
    )

"""The match stage: assign every new record to a customer, incrementally against the store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from autocrm.identity import trained
from autocrm.identity.config import MatchConfig, load_config
from autocrm.identity.engine import match
from autocrm.pipeline.records import IDENTITY_FIELDS, PERSON_FIELDS, identity_frame
from autocrm.sources import key_store, record_store
from autocrm.sources.config import identity_feeds

CONFIG = Path(__file__).resolve().parents[1] / "identity" / "config" / "customers.toml"
KEY_KINDS = {"id_number": "id", "phone": "phone", "vin": "vin"}


@dataclass
class Identified:
    """Which customer each record belongs to, and why."""

    customers: pl.DataFrame  # record_id, customer_id
    new_customers: list[int]
    evidence: pl.DataFrame
    merges: pl.DataFrame
    stored: pl.DataFrame  # current identity records of the stored customers the batch reached


@cache
def customer_config() -> MatchConfig:
    """Return the customer pipeline's matching configuration."""
    return load_config(CONFIG)


def identity_keys(idf: pl.DataFrame) -> pl.DataFrame:
    """Return (record_id, kind, value) for the strong keys of identity records."""
    parts = [
        idf.select(
            pl.col("record_id"),
            pl.lit(kind).alias("kind"),
            pl.col(col).cast(pl.Utf8).alias("value"),
        ).filter(pl.col("value").is_not_null())
        for col, kind in KEY_KINDS.items()
    ]
    return pl.concat(parts)


def existing_candidates(
    idf: pl.DataFrame, previous: set[int]
) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """Return stored identity records sharing a strong key with the batch, with cluster_id,
    and every current identity record of their customers (the merge stage reads those too).

    `previous` are the stored versions the batch replaces: they are candidates too, so a new
    version of a row finds the customer of its old version through their shared keys.
    """
    schema = {"record_id": pl.Int64, "customer_id": pl.Int64}
    hits = pl.DataFrame(schema=schema)
    if key_store.any_stored():
        hits = key_store.holders(identity_keys(idf))
    # One read serves matching and merging: a customer's records come once, not twice.
    stored = record_store.fetch("customer_id", hits["customer_id"].unique().sort().to_list(),
                                feeds=identity_feeds(), fields=PERSON_FIELDS)
    parts = [stored.join(hits, on="record_id", how="semi")] if stored.height else []
    hit_ids = set(hits["record_id"].to_list())
    replaced = record_store.fetch("id", sorted(previous - hit_ids), fields=IDENTITY_FIELDS,
                           current=False)
    if replaced.height:
        parts.append(replaced.filter(pl.col("customer_id").is_not_null()))
    wide = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()
    if wide.is_empty():
        return None, stored
    for name in IDENTITY_FIELDS:
        if name not in wide.columns:
            dtype = pl.Date if name == "birth_date" else pl.Utf8
            wide = wide.with_columns(pl.lit(None, dtype=dtype).alias(name))
    candidates = wide.select(
        ["record_id", "source", *IDENTITY_FIELDS, pl.col("customer_id").alias("cluster_id")]
    ).cast({c: t for c, t in idf.schema.items() if c in wide.columns})
    return candidates, stored


def _continuity(clusters: pl.DataFrame, records: pl.DataFrame, old: pl.DataFrame,
                known: set[int]) -> pl.DataFrame:
    """Give a new cluster the customer of the replaced version of one of its rows."""
    if old.is_empty():
        return clusters
    prior = records.select("record_id", "source", "feed", "record_key").join(
        old.select("source", "feed", "record_key", pl.col("customer_id").alias("_prior")),
        on=["source", "feed", "record_key"],
    ).drop_nulls("_prior")
    fresh = clusters.filter(~pl.col("cluster_id").is_in(list(known)))
    keep = fresh.join(prior, on="record_id").group_by("cluster_id").agg(
        pl.col("_prior").min()
    )
    return clusters.join(keep, on="cluster_id", how="left").select(
        "record_id", pl.coalesce("_prior", "cluster_id").alias("cluster_id")
    )


def identify(
    records: pl.DataFrame, old: pl.DataFrame, first_customer: int, *, train: bool = False
) -> Identified:
    """Match identity records, number new customers from `first_customer`.

    `old` holds the stored versions (id, customer_id, source, feed, record_key) this batch
    replaces. The probabilistic model is trained (and kept) when `train` is set or none is
    stored yet; otherwise the stored one scores the batch.
    """
    idf = identity_frame(records).filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in ("name", "id_number", "phone"))
    )
    if idf.is_empty():
        empty = pl.DataFrame(schema={"record_id": pl.Int64, "customer_id": pl.Int64})
        return Identified(empty, [], pl.DataFrame(), pl.DataFrame(), pl.DataFrame())
    existing, stored = existing_candidates(idf, set(old["id"].to_list()))
    config = customer_config()
    result = match(idf, config, existing=existing, model=None if train else trained.latest(config))
    if result.model is not None:
        first_load = records["load_id"].min()
        trained.keep(config, result.model, idf.height,
                     first_load if isinstance(first_load, int) else None)
    known = set(existing["cluster_id"].to_list()) if existing is not None else set()
    known |= set(old["customer_id"].drop_nulls().to_list())
    clusters = _continuity(
        result.clusters.select("record_id", "cluster_id").join(
            idf.select("record_id"), on="record_id", how="semi"
        ),
        records, old, known,
    )
    fresh = sorted(set(clusters["cluster_id"].to_list()) - known)
    renumber = pl.DataFrame(
        {"cluster_id": fresh, "new_id": list(range(first_customer, first_customer + len(fresh)))},
        schema={"cluster_id": pl.Int64, "new_id": pl.Int64},
    )
    assigned = clusters.join(renumber, on="cluster_id", how="left").select(
        "record_id", pl.coalesce("new_id", "cluster_id").alias("customer_id")
    )
    new_ids = renumber["new_id"].to_list()
    evidence = result.evidence.join(
        assigned.rename({"record_id": "left_id"}), on="left_id", how="inner"
    ) if result.evidence.height else result.evidence
    return Identified(assigned, new_ids, evidence, result.merges, stored)

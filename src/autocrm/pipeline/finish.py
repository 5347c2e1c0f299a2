"""The finish stage: issues, notices, match evidence, merge proposals and the loads' counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from autocrm.identity import evidence as match_evidence
from autocrm.identity import proposals
from autocrm.pipeline.extract import Extracted
from autocrm.quality import issues as quality_issues
from autocrm.sources import loads

if TYPE_CHECKING:
    from autocrm.pipeline.identify import Identified


def _issues(ex: Extracted, load_id: int) -> pl.DataFrame:
    return ex.issues.select(
        pl.lit(load_id, pl.Int64).alias("load_id"), pl.lit(ex.source.code).alias("source"),
        pl.lit(ex.feed.kind).alias("feed"), pl.lit(ex.dealer_code).alias("dealer_code"),
        pl.lit(ex.path.name).alias("file_name"), pl.col("_row").alias("row_no"),
        pl.col("_key").fill_null("").alias("record_key"), "field",
        pl.col("value").fill_null(""), "rule", "severity",
    )


def finish_loads(
    pairs: list[tuple[Extracted, int]], records: pl.DataFrame, unchanged: dict[int, int]
) -> dict[int, dict[str, int]]:
    """Write issues and notices, resolve fixed issues, close each load; return its counts.

    `unchanged` counts per load the rows that came again as stored (not in `records`)."""
    counts: dict[int, dict[str, int]] = {}
    loaded = records.get_column("load_id").value_counts()  # a group_by of the frame copies it
    per_load = dict(loaded.iter_rows())
    all_issues = []
    for ex, load_id in pairs:
        issues = _issues(ex, load_id)
        all_issues.append(issues.select(quality_issues.COLUMNS))
        loads.notice(load_id, ex.source.code, ex.feed.kind, ex.path.name, ex.diff)
        counts[load_id] = {
            "rows_loaded": per_load.get(load_id, 0),
            "rows_rejected": issues.filter(pl.col("severity") == "row")["row_no"].n_unique(),
            "rows_with_issues": issues["row_no"].n_unique(),
            "rows_duplicate": ex.duplicates,
            "rows_unchanged": unchanged.get(load_id, 0),
        }
        loads.finish(load_id, **counts[load_id])
    quality_issues.write(pl.concat(all_issues, how="vertical_relaxed"),
                         records.select("load_id", "source", "feed", "record_key"),
                         min(lid for _, lid in pairs))
    return counts


def write_evidence(ident: Identified, records: pl.DataFrame) -> None:
    """Store the evidence of every link, and let the batch forget it.

    Written as soon as the records have their customers: a full load's links held to the
    end of the load would sit under every later stage's peak.
    """
    ev, ident.evidence = ident.evidence, ident.evidence.clear()
    match_evidence.write(ev, records.select("record_id", "load_id"))


def propose_merges(ident: Identified, records: pl.DataFrame) -> None:
    """Propose to a steward the merges of stored customers the batch's links suggest."""
    if ident.merges.height:
        first_load = records["load_id"].min()
        assert isinstance(first_load, int)  # load ids are Int64 and records is not empty
        proposals.propose(
            ident.merges.select("cluster_a", "cluster_b", "rule", "score").iter_rows(),
            first_load)

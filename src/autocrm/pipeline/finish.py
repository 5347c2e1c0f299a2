"""Stage 5 (end): issues, notices, match evidence and the loads' counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from django.utils import timezone

from autocrm.core import bulk
from autocrm.identity import proposals
from autocrm.pipeline.extract import Extracted
from autocrm.quality.models import Issue
from autocrm.sources.models import InterfaceNotice, Load

if TYPE_CHECKING:
    from autocrm.pipeline.batch import FileReport
    from autocrm.pipeline.identify import Identified

ISSUE_COLS = ["load_id", "source", "feed", "dealer_code", "file_name", "row_no", "record_key",
              "field", "value", "rule", "severity"]


def record_failure(batch: str, rep: FileReport) -> None:
    """Keep a failed file's load and, for a missing column, its interface notice."""
    now = timezone.now()
    load = Load.objects.create(
        batch=batch, source=rep.source, feed=rep.feed, file_name=rep.path.rsplit("/", 1)[-1],
        sha256="", status=Load.Status.FAILED, error=rep.error, started_at=now, finished_at=now,
    )
    rep.load_id = load.id


def _notice(ex: Extracted, load_id: int) -> None:
    if ex.diff:
        InterfaceNotice.objects.create(
            load_id=load_id, source=ex.source.code, feed=ex.feed.kind, file_name=ex.path.name,
            added=ex.diff.added, missing=ex.diff.missing, renamed=ex.diff.renamed,
        )


def _issues(ex: Extracted, load_id: int) -> pl.DataFrame:
    dealer = ex.dealer_code
    return ex.issues.select(
        pl.lit(load_id, pl.Int64).alias("load_id"), pl.lit(ex.source.code).alias("source"),
        pl.lit(ex.feed.kind).alias("feed"), pl.lit(dealer).alias("dealer_code"),
        pl.lit(ex.path.name).alias("file_name"), pl.col("_row").alias("row_no"),
        pl.col("_key").fill_null("").alias("record_key"), "field",
        pl.col("value").fill_null(""), "rule", "severity",
    )


def open_issue_feeds(before_load: int) -> set[tuple[str, str]]:
    """Return the (source, feed) pairs that have unresolved issues from earlier loads."""
    rows = Issue.objects.filter(resolved_by__isnull=True, load_id__lt=before_load)
    return set(rows.values_list("source", "feed").distinct())


def _resolved(issues: pl.DataFrame, keyed: pl.DataFrame,
              open_feeds: set[tuple[str, str]]) -> list[tuple[int, int]]:
    """Return (issue, load) for the earlier issues whose row came again without the problem.

    `keyed` holds load_id, source, feed, record_key of the batch's records, `issues` the
    batch's own issues (load_id, record_key, field, rule): one lookup for the whole batch.
    """
    wanted = [f"{source}/{feed}" for source, feed in sorted(open_feeds)]
    again = keyed.filter(pl.concat_str(["source", "feed"], separator="/").is_in(wanted))
    prior = bulk.select_join_frame(
        "SELECT i.id, k.load_id, i.source, i.feed, i.record_key, i.field, i.rule "
        "FROM {} k JOIN quality_issue i ON i.source = k.source AND i.feed = k.feed "
        "AND i.record_key = k.record_key WHERE i.resolved_by_id IS NULL AND i.load_id < k.load_id",
        again, {"id": pl.Int64, "load_id": pl.Int64, "source": pl.Utf8, "feed": pl.Utf8,
                "record_key": pl.Utf8, "field": pl.Utf8, "rule": pl.Utf8},
    )
    still = issues.select("load_id", "record_key", "field", "rule")
    fixed = prior.join(still, on=["load_id", "record_key", "field", "rule"], how="anti")
    return list(fixed.select("id", "load_id").iter_rows())


def finish_loads(
    pairs: list[tuple[Extracted, int]], records: pl.DataFrame, unchanged: dict[int, int]
) -> dict[int, dict[str, int]]:
    """Write issues and notices, resolve fixed issues, close each load; return its counts.

    `unchanged` counts per load the rows that came again as stored (not in `records`)."""
    counts: dict[int, dict[str, int]] = {}
    loaded = records.get_column("load_id").value_counts()  # a group_by of the frame copies it
    per_load = dict(loaded.iter_rows())
    now = timezone.now()
    open_feeds = open_issue_feeds(min(lid for _, lid in pairs))
    all_issues = []
    for ex, load_id in pairs:
        issues = _issues(ex, load_id)
        all_issues.append(issues.select(ISSUE_COLS))
        _notice(ex, load_id)
        rejected = issues.filter(pl.col("severity") == "row")["row_no"].n_unique()
        counts[load_id] = {
            "rows_loaded": per_load.get(load_id, 0),
            "rows_rejected": rejected,
            "rows_with_issues": issues["row_no"].n_unique(),
            "rows_duplicate": ex.duplicates,
            "rows_unchanged": unchanged.get(load_id, 0),
        }
        Load.objects.filter(id=load_id).update(finished_at=now, **counts[load_id])
    issues = pl.concat(all_issues, how="vertical_relaxed")
    if open_feeds:  # one lookup and one UPDATE for the batch, not one per file
        resolved = _resolved(issues, records.select("load_id", "source", "feed", "record_key"),
                             open_feeds)
        bulk.update_rows("quality_issue", "id", ["resolved_by_id"], resolved)
    bulk.insert_frame("quality_issue", issues)
    return counts


def write_evidence(ident: Identified, records: pl.DataFrame) -> None:
    """Store the evidence of every link, and let the batch forget it.

    Written as soon as the records have their customers: a full load's 5M links held to the
    end of the load sat under every later stage's peak.
    """
    loads = records.select(pl.col("record_id"), pl.col("load_id"))
    ev, ident.evidence = ident.evidence, ident.evidence.clear()
    if ev.height:
        ev = ev.join(loads.rename({"record_id": "right_id"}), on="right_id", how="left").join(
            loads.rename({"record_id": "left_id", "load_id": "left_load"}), on="left_id",
            how="left",
        ).with_columns(pl.coalesce("load_id", "left_load").alias("load_id"))
        bulk.insert_frame(
            "identity_matchevidence",
            ev.filter(pl.col("load_id").is_not_null()).select(
                "customer_id", pl.col("left_id").alias("left_record"),
                pl.col("right_id").alias("right_record"), "rule", "score",
                pl.col("detail").fill_null(""), "load_id",
            ),
        )


def propose_merges(ident: Identified, records: pl.DataFrame) -> None:
    """Propose to a steward the merges of stored customers the batch's links suggest."""
    if ident.merges.height:
        first_load = records["load_id"].min()
        assert isinstance(first_load, int)  # load ids are Int64 and records is not empty
        proposals.propose(
            ident.merges.select("cluster_a", "cluster_b", "rule", "score").iter_rows(),
            first_load)

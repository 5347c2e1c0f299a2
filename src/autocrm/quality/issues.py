"""The issues of a batch's rows: written in bulk, earlier ones resolved when a row comes fixed."""

from __future__ import annotations

import polars as pl

from autocrm.core import bulk
from autocrm.quality.models import Issue

TABLE = Issue._meta.db_table
COLUMNS = ["load_id", "source", "feed", "dealer_code", "file_name", "row_no", "record_key",
           "field", "value", "rule", "severity"]


def open_feeds(before_load: int) -> set[tuple[str, str]]:
    """Return the (source, feed) pairs that have unresolved issues from earlier loads."""
    rows = Issue.objects.filter(resolved_by__isnull=True, load_id__lt=before_load)
    return set(rows.values_list("source", "feed").distinct())


def fixed(issues: pl.DataFrame, keyed: pl.DataFrame,
          feeds: set[tuple[str, str]]) -> list[tuple[int, int]]:
    """Return (issue, load) for the earlier issues whose row came again without the problem.

    `keyed` holds load_id, source, feed, record_key of the batch's records, `issues` the
    batch's own issues (load_id, record_key, field, rule), `feeds` those with open issues:
    one lookup for the whole batch.
    """
    wanted = [f"{source}/{feed}" for source, feed in sorted(feeds)]
    again = keyed.filter(pl.concat_str(["source", "feed"], separator="/").is_in(wanted))
    prior = bulk.select_join_frame(
        "SELECT i.id, k.load_id, i.source, i.feed, i.record_key, i.field, i.rule "
        f"FROM {{}} k JOIN {TABLE} i ON i.source = k.source AND i.feed = k.feed "
        "AND i.record_key = k.record_key WHERE i.resolved_by_id IS NULL AND i.load_id < k.load_id",
        again, {"id": pl.Int64, "load_id": pl.Int64, "source": pl.Utf8, "feed": pl.Utf8,
                "record_key": pl.Utf8, "field": pl.Utf8, "rule": pl.Utf8},
    )
    still = issues.select("load_id", "record_key", "field", "rule")
    gone = prior.join(still, on=["load_id", "record_key", "field", "rule"], how="anti")
    return list(gone.select("id", "load_id").iter_rows())


SAME = ["source", "feed", "record_key", "field", "rule", "value"]


def still_open(issues: pl.DataFrame, feeds: set[tuple[str, str]]) -> pl.DataFrame:
    """Return the batch's issues that an earlier load's unresolved issue already reports (the
    same row, field, rule and value): a bad row sent again re-confirms its issue."""
    wanted = [f"{source}/{feed}" for source, feed in sorted(feeds)]
    keyed = issues.filter(pl.col("record_key") != "").filter(
        pl.concat_str(["source", "feed"], separator="/").is_in(wanted))
    found = bulk.select_join_frame(
        "SELECT DISTINCT i.source, i.feed, i.record_key, i.field, i.rule, i.value "
        f"FROM {{}} k JOIN {TABLE} i ON i.source = k.source AND i.feed = k.feed "
        "AND i.record_key = k.record_key AND i.field = k.field AND i.rule = k.rule "
        "AND i.value = k.value WHERE i.resolved_by_id IS NULL AND i.load_id < k.load_id",
        keyed.select("load_id", *SAME), dict.fromkeys(SAME, pl.Utf8),
    )
    return found


def write(issues: pl.DataFrame, records: pl.DataFrame, first_load: int) -> None:
    """Insert a batch's issues (COLUMNS), and resolve the earlier ones its `records`
    (load_id, source, feed, record_key) bring without the problem. An issue an earlier
    load's open issue already reports is not written again."""
    feeds = open_feeds(first_load)
    if feeds:  # one lookup and one UPDATE for the batch, not one per file
        resolved = fixed(issues, records, feeds)
        bulk.update_rows(TABLE, "id", ["resolved_by_id"], resolved)
        issues = issues.join(still_open(issues, feeds), on=SAME, how="anti", nulls_equal=True)
    bulk.insert_frame(TABLE, issues.select(COLUMNS))

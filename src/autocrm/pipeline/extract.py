"""The read and clean stages: a file (or rows) with its source's mapping, then the quality rules."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from autocrm.core.errors import InputError
from autocrm.quality.clean import clean
from autocrm.sources.config import Feed, Source, sources
from autocrm.sources.mapping import HeaderDiff, check_required, choose_feed, diff_header, to_frame
from autocrm.sources.reader import RawTable, objects_to_table, read_table

DEALER_DIR = re.compile(r"^D\d{3,}$")
ISSUE_SCHEMA = {
    "_row": pl.Int64,
    "field": pl.Utf8,
    "value": pl.Utf8,
    "rule": pl.Utf8,
    "severity": pl.Utf8,
}


@dataclass
class Extracted:
    """One file read and cleaned, ready to be matched and published."""

    path: Path
    source: Source
    feed: Feed
    sha256: str
    encoding: str
    diff: HeaderDiff
    rows_read: int
    frame: pl.DataFrame
    issues: pl.DataFrame
    dealer_code: str = ""
    duplicates: int = 0


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def dealer_from_path(path: Path) -> str:
    """Return the dealer code of a file in a dealer's folder (DMS/D11001/...), or ""."""
    return path.parent.name if DEALER_DIR.match(path.parent.name) else ""


def _structural_issues(problems: list[tuple[int, str, str, str]]) -> pl.DataFrame:
    rows = [(r, f, v, rule, "row") for r, f, v, rule in problems]
    return pl.DataFrame(rows, schema=ISSUE_SCHEMA, orient="row")


def _drop_duplicates(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first of identical rows; report the others as DUPLICATE_ROW."""
    cols = [c for c in frame.columns if c != "_row"]
    dup = frame.select(pl.struct(cols).is_first_distinct().not_().alias("d"))["d"]
    issues = frame.filter(dup).select(
        pl.col("_row"),
        pl.lit("*").alias("field"),
        pl.lit("").alias("value"),
        pl.lit("DUPLICATE_ROW").alias("rule"),
        pl.lit("row").alias("severity"),
    )
    return frame.filter(~dup), issues


def record_key(feed: Feed, raw: pl.DataFrame) -> pl.Expr:
    """Return the natural key of each row (raw text joined by |), or its row number."""
    fallback = pl.concat_str([pl.lit("row"), pl.col("_row").cast(pl.Utf8)])
    parts = [
        pl.col(c).str.strip_chars().fill_null("") if c in raw.columns else pl.lit("")
        for c in feed.key
    ]
    if not parts:
        return fallback
    key = pl.concat_str(parts, separator="|")
    return pl.when(key.str.replace_all(r"\|", "") == "").then(fallback).otherwise(key)


def read_mapped(source: Source, path: Path) -> Extracted:
    """Read and map one file (not yet cleaned); raise InputError when it cannot load at all."""
    if not path.is_file():
        raise InputError(_("%(file)s: file not found") % {"file": path}, code="file_not_found")
    known = {h for s in sources().values() for f in s.feeds.values() for h in f.header_names()}
    table = read_table(path, known)
    feed = choose_feed(source, table.header, path)
    return _mapped(source, feed, table, path, file_digest(path), dealer_from_path(path))


def from_rows(source: Source, feed: Feed, rows: Sequence[dict[str, object]], name: str,
              sha256: str) -> Extracted:
    """Map rows a service sends, keyed by the feed's headers or by its field names, as a file
    named `name` of that feed would be."""
    header_of = {f: h for h, f in feed.columns.items()}
    objs = [(n, {header_of.get(k, k): v for k, v in row.items()})
            for n, row in enumerate(rows, start=1)]
    table = objects_to_table(objs, "json")
    dealers = {str(r["dealer_code"]) for r in rows if r.get("dealer_code")}
    return _mapped(source, feed, table, Path(name), sha256,
                   dealers.pop() if len(dealers) == 1 else "", partial=True)


def _mapped(source: Source, feed: Feed, table: RawTable, path: Path, sha256: str,
            dealer: str, *, partial: bool = False) -> Extracted:
    """Map a table read for `feed`; raise InputError when a required column is missing.

    `partial` rows (a service's) name only the fields they have: an optional one they leave
    out is no interface change.
    """
    diff = diff_header(feed, table.header)
    if partial:
        required = set(feed.required_headers())
        diff = HeaderDiff(diff.added, [m for m in diff.missing if m in required], diff.renamed)
    check_required(feed, diff, path)
    raw = to_frame(feed, table)
    if "dealer_code" in raw.columns and dealer:
        raw = raw.with_columns(pl.col("dealer_code").fill_null(dealer))
    elif source.per_dealer and dealer:
        raw = raw.with_columns(pl.lit(dealer).alias("dealer_code"))
    raw = raw.with_columns(record_key(feed, raw).alias("_key"))
    unique, dup_issues = _drop_duplicates(raw.drop("_key"))
    issues = pl.concat([_structural_issues(table.problems), dup_issues], how="vertical_relaxed")
    rows_read = table.frame.height + len(table.problems)
    return Extracted(
        path, source, feed, sha256, table.encoding, diff, rows_read,
        raw.join(unique.select("_row"), on="_row", how="semi"), issues, dealer,
        duplicates=dup_issues.height,
    )


CLEAN_ROWS = 1_000_000  # rows cleaned at once


def clean_all(files: list[Extracted], today: date) -> None:
    """Clean the mapped rows of many files, one pass per feed, in place.

    The files of a feed are cleaned as one frame and keep their rows as slices of it, in file
    order: a copy per file held a second copy of every feed at once.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for i, ex in enumerate(files):
        groups.setdefault((ex.source.code, ex.feed.kind), []).append(i)
    for members in groups.values():
        raw = pl.concat(
            [files[i].frame.with_columns(pl.lit(i).alias("_file")) for i in members],
            how="diagonal_relaxed",
        ).with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("_seq"))
        keys = {i: files[i].frame.select("_row", "_key") for i in members}
        for i in members:
            files[i].frame = files[i].frame.clear()  # its rows live on in `raw`
        where = raw.select("_seq", "_file", "_row", "_key")
        rows = raw.drop("_row", "_key", "_file").rename({"_seq": "_row"})
        del raw
        # The rules work row by row: a slice at a time, their scratch columns stay small.
        results = [clean(rows.slice(at, CLEAN_ROWS), files[members[0]].feed.required, today)
                   for at in range(0, max(rows.height, 1), CLEAN_ROWS)]
        del rows
        back = where.rename({"_seq": "_at"})
        issues = pl.concat(
            [r.issues.select(list(ISSUE_SCHEMA)) for r in results], how="vertical_relaxed"
        ).rename({"_row": "_at"}).join(back, on="_at").drop("_at")
        # Rows keep their order (`_seq`, so file by file) through the cleaning and this join.
        frame = pl.concat([r.frame for r in results], how="vertical_relaxed").rename(
            {"_row": "_at"}
        ).join(back, on="_at", maintain_order="left").drop("_at").rechunk()
        del results
        sizes = dict(frame.group_by("_file").len().iter_rows())
        frame = frame.drop("_file")
        at = 0
        for i in members:
            ex = files[i]
            own = issues.filter(pl.col("_file") == i).drop("_file")
            ex.issues = pl.concat(
                [ex.issues.join(keys[i], on="_row", how="left"), own], how="diagonal_relaxed"
            )
            ex.frame = frame.slice(at, sizes.get(i, 0))
            at += ex.frame.height


def extract(source: Source, path: Path, today: date) -> Extracted:
    """Read, map and clean one file."""
    ex = read_mapped(source, path)
    clean_all([ex], today)
    return ex

"""Stage 1–2: read a file with its source's mapping, then clean it (quality rules)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from autocrm.core.errors import InputError
from autocrm.quality.clean import clean
from autocrm.sources.config import Feed, Source, sources
from autocrm.sources.mapping import HeaderDiff, check_required, choose_feed, diff_header, to_frame
from autocrm.sources.reader import read_table

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
    notes: list[str] = field(default_factory=list)


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _dealer_from_path(path: Path) -> str:
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


def extract(source: Source, path: Path, today: dt.date) -> Extracted:
    """Read, map and clean one file; raise InputError when the file as a whole cannot load."""
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在 (file not found)", code="file_not_found")
    known = {h for s in sources().values() for f in s.feeds.values() for h in f.header_names()}
    table = read_table(path, known)
    feed = choose_feed(source, table.header, path)
    diff = diff_header(feed, table.header)
    check_required(feed, diff, path)
    raw = to_frame(feed, table)
    dealer = _dealer_from_path(path)
    if "dealer_code" in raw.columns and dealer:
        raw = raw.with_columns(pl.col("dealer_code").fill_null(dealer))
    elif source.per_dealer and dealer:
        raw = raw.with_columns(pl.lit(dealer).alias("dealer_code"))
    keys = raw.select("_row", record_key(feed, raw).alias("_key"))
    unique, dup_issues = _drop_duplicates(raw)
    result = clean(unique, feed.required, today)
    issues = pl.concat(
        [_structural_issues(table.problems), dup_issues, result.issues.select(list(ISSUE_SCHEMA))],
        how="vertical_relaxed",
    ).join(keys, on="_row", how="left")
    frame = result.frame.drop("_key", strict=False).join(keys, on="_row", how="left")
    rows_read = len(table.rows) + len(table.problems)
    return Extracted(
        path, source, feed, file_digest(path), table.encoding, diff, rows_read,
        frame, issues, dealer, duplicates=dup_issues.height,
    )

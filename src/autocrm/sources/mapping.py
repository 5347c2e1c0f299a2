"""Match a file's header to a feed of its source; name added, missing and renamed columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from autocrm.core.errors import InputError
from autocrm.sources.config import Feed, Source, sources
from autocrm.sources.table import ROW, RawTable


@dataclass
class HeaderDiff:
    """How a file's header differs from its feed's mapping (D10)."""

    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.missing or self.renamed)


def _score(feed: Feed, header: list[str]) -> float:
    """Return the share of the file's named columns the feed recognises."""
    named = [h for h in header if h]
    if not named:
        return 0.0
    return sum(1 for h in named if h in feed.header_names()) / len(named)


def choose_feed(source: Source, header: list[str], path: Path) -> Feed:
    """Return the feed of `source` this header belongs to, or say which source it looks like."""
    scored = sorted(((_score(f, header), f.kind) for f in source.feeds.values()), reverse=True)
    best_score, best_kind = scored[0]
    if best_score >= 0.5:
        return source.feeds[best_kind]
    others = [
        (_score(f, header), s.code, f.label)
        for s in sources().values()
        if s.code != source.code
        for f in s.feeds.values()
    ]
    other_score, other_code, other_label = max(others)
    hint = ""
    if other_score >= 0.5:
        hint = _("; it looks like a %(source)s file of %(feed)s") % {"source": other_code,
                                                                   "feed": other_label}
    raise InputError(
        _("%(file)s: the header fits no feed of the source system %(source)s%(hint)s")
        % {"file": path.name, "source": source.code, "hint": hint},
        code="wrong_source",
    )


def diff_header(feed: Feed, header: list[str]) -> HeaderDiff:
    """Compare a header with the feed's mapping."""
    present = set(header)
    diff = HeaderDiff()
    diff.renamed = {h: _current_name(feed, h) for h in header if h in feed.renamed}
    mapped_fields = {feed.columns.get(h) or feed.renamed.get(h) for h in header}
    diff.added = [h for h in header if h and h not in feed.header_names()]
    diff.missing = [
        h for h, f in feed.columns.items() if h not in present and f not in mapped_fields
    ]
    return diff


def _current_name(feed: Feed, old: str) -> str:
    canonical = feed.renamed[old]
    return next(h for h, f in feed.columns.items() if f == canonical)


def check_required(feed: Feed, diff: HeaderDiff, path: Path) -> None:
    """Stop the file's load if a required column is missing."""
    required = set(feed.required_headers())
    lost = [h for h in diff.missing if h in required]
    if lost:
        raise InputError(
            _("%(file)s: required columns missing: %(columns)s; the file was not loaded")
            % {"file": path.name, "columns": ", ".join(lost)},
            code="missing_column",
        )


def to_frame(feed: Feed, table: RawTable) -> pl.DataFrame:
    """Return the rows as a frame of canonical Utf8 columns plus `_row`."""
    index: dict[str, int] = {}
    for i, h in enumerate(table.header):
        canonical = feed.columns.get(h) or feed.renamed.get(h)
        if canonical and canonical not in index:
            index[canonical] = i
    columns = table.frame.columns
    return table.frame.select(
        *(pl.col(columns[i]).alias(name) for name, i in index.items()), pl.col(ROW)
    )

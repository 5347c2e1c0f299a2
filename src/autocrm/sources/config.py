"""Source systems and their column mappings, read from the TOML files in config/."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from autocrm.core.errors import InputError

CONFIG_DIR = Path(__file__).parent / "config"


@dataclass(frozen=True)
class Feed:
    """One kind of file a source system sends, and how its columns map to canonical fields."""

    source: str
    kind: str
    label: str
    label_en: str
    entity: str
    identity: bool
    columns: dict[str, str]
    renamed: dict[str, str]
    required: tuple[str, ...]
    key: tuple[str, ...]
    # What the batch derives from this feed's records, declared per feed (never by its name):
    dealer_relation: str = ""  # the relation of a customer to the row's dealer ("bought")
    owns_vehicle: bool = False  # a row names its car's owner (vehicles and ownership)
    event_is_purchase: bool = False  # a row's event date is its car's purchase date
    owner_feed: str = ""  # the feed of this source whose key (dealer, customer_no) names the owner
    registers_nickname: bool = False  # a row's nickname is its customer's key
    linked_by_nickname: bool = False  # a row without identity finds its customer by nickname

    @property
    def display_label(self) -> str:
        """Return the label in the active language (configured in Chinese and English)."""
        return self.label_en if get_language() == "en" else self.label

    def header_names(self) -> set[str]:
        """Return every header this feed recognises, current or renamed."""
        return set(self.columns) | set(self.renamed)

    def required_headers(self) -> list[str]:
        """Return the current header name of every required field."""
        by_field = {v: k for k, v in self.columns.items()}
        return [by_field[f] for f in self.required]


@dataclass(frozen=True)
class Source:
    """One source system."""

    code: str
    name: str
    name_en: str
    per_dealer: bool
    feeds: dict[str, Feed] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        """Return the name in the active language (configured in Chinese and English)."""
        return self.name_en if get_language() == "en" else self.name


def _parse(path: Path) -> Source:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    code = raw["code"]
    feeds = {
        kind: Feed(
            source=code,
            kind=kind,
            label=spec["label"],
            label_en=spec.get("label_en", spec["label"]),
            entity=spec["entity"],
            identity=bool(spec.get("identity", False)),
            columns=dict(spec["columns"]),
            renamed=dict(spec.get("renamed", {})),
            required=tuple(spec.get("required", [])),
            key=tuple(spec.get("key", [])),
            dealer_relation=spec.get("dealer_relation", ""),
            owns_vehicle=bool(spec.get("owns_vehicle", False)),
            event_is_purchase=bool(spec.get("event_is_purchase", False)),
            owner_feed=spec.get("owner_feed", ""),
            registers_nickname=bool(spec.get("registers_nickname", False)),
            linked_by_nickname=bool(spec.get("linked_by_nickname", False)),
        )
        for kind, spec in raw["feeds"].items()
    }
    return Source(code, raw["name"], raw["name_en"], bool(raw.get("per_dealer")), feeds)


def read_all(directory: Path) -> dict[str, Source]:
    """Read every source file of a directory; refuse two files of one source code."""
    found: dict[str, Source] = {}
    origin: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        source = _parse(path)
        if source.code in found:
            raise InputError(
                _("%(file)s: the source system %(source)s is already defined in %(other)s")
                % {"file": path.name, "source": source.code, "other": origin[source.code]},
                code="duplicate_source")
        found[source.code], origin[source.code] = source, path.name
    return found


@cache
def sources() -> dict[str, Source]:
    """Return every configured source system by code."""
    return read_all(CONFIG_DIR)


FeedId = tuple[str, str]  # (source code, feed kind): a feed's name is unique only in its source


def feeds_where(test: Callable[[Feed], bool]) -> tuple[FeedId, ...]:
    """Return (source, feed) of every configured feed that passes `test`, sorted."""
    return tuple(sorted((s.code, kind) for s in sources().values()
                        for kind, feed in s.feeds.items() if test(feed)))


def identity_feeds() -> tuple[FeedId, ...]:
    """Return the feeds whose records name a person: the only ones with profile fields."""
    return feeds_where(lambda f: f.identity)


def entity_feeds(entity: str) -> tuple[FeedId, ...]:
    """Return the feeds whose records are of `entity` (e.g. "repair": DMS's repair orders)."""
    return feeds_where(lambda f: f.entity == entity)


def dealer_relations() -> dict[FeedId, str]:
    """Return the relation to its dealer that each dealer-relation feed's row gives."""
    return {(s.code, kind): f.dealer_relation for s in sources().values()
            for kind, f in s.feeds.items() if f.dealer_relation}


def is_feed(ids: Iterable[FeedId]) -> pl.Expr:
    """Return whether a row of a frame with `source` and `feed` columns is of one of `ids`.

    Compared column by column: joining the two into one text per row first cost a string
    for every row of a batch at each call.
    """
    terms = [(pl.col("source") == s) & (pl.col("feed") == f) for s, f in ids]
    return pl.any_horizontal(terms).fill_null(False) if terms else pl.lit(False)


def feed_sql(ids: Iterable[FeedId], prefix: str = "") -> str:
    """Return SQL true for a row of one of `ids` (names come from configuration, not input)."""
    terms = [f"({prefix}source = '{s}' AND {prefix}feed = '{f}')" for s, f in ids
             if s.isidentifier() and f.isidentifier()]
    return "(" + " OR ".join(terms) + ")" if terms else "(1 = 0)"


def get_source(code: str) -> Source:
    """Return one source system, or a clear error listing the known ones."""
    try:
        return sources()[code.upper()]
    except KeyError:
        known = ", ".join(sorted(sources()))
        message = _("unknown source system %(code)r (known: %(known)s)") % {"code": code,
                                                                           "known": known}
        raise InputError(message, code="unknown_source") from None

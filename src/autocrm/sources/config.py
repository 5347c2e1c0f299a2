"""Source systems and their column mappings, read from the TOML files in config/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autocrm.core.errors import InputError

CONFIG_DIR = Path(__file__).parent / "config"


@dataclass(frozen=True)
class Feed:
    """One kind of file a source system sends, and how its columns map to canonical fields."""

    source: str
    kind: str
    label: str
    entity: str
    identity: bool
    columns: dict[str, str]
    renamed: dict[str, str]
    required: tuple[str, ...]
    key: tuple[str, ...]

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


def _parse(path: Path) -> Source:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    code = raw["code"]
    feeds = {
        kind: Feed(
            source=code,
            kind=kind,
            label=spec["label"],
            entity=spec["entity"],
            identity=bool(spec.get("identity", False)),
            columns=dict(spec["columns"]),
            renamed=dict(spec.get("renamed", {})),
            required=tuple(spec.get("required", [])),
            key=tuple(spec.get("key", [])),
        )
        for kind, spec in raw["feeds"].items()
    }
    return Source(code, raw["name"], raw["name_en"], bool(raw.get("per_dealer")), feeds)


@cache
def sources() -> dict[str, Source]:
    """Return every configured source system by code."""
    found = (_parse(p) for p in sorted(CONFIG_DIR.glob("*.toml")))
    return {s.code: s for s in found}


def get_source(code: str) -> Source:
    """Return one source system, or a clear error listing the known ones."""
    try:
        return sources()[code.upper()]
    except KeyError:
        known = ", ".join(sorted(sources()))
        message = f"未知的来源系统 {code!r}（可选: {known}）"
        raise InputError(message, code="unknown_source") from None

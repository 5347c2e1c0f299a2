"""Declarative matching configuration: TOML parsed into frozen dataclasses."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autocrm.core.errors import InputError

COMPARISONS = ("exact", "name", "name_zh", "phone", "date", "text_fuzzy", "numeric")
PINYIN_SUFFIX = "__pinyin"  # toneless pinyin of a name_zh field
FORMAL_SUFFIX = "__formal"  # the name_zh field, null where it is a title (张总, 王先生, 小李)
INITIAL_SUFFIX = "__initial"  # the first character of any field, for tighter blocks at scale
CONFIG_DIR = Path(__file__).parent / "config"


class ConfigError(InputError, ValueError):
    """A match configuration is malformed; the message names the offending entry."""

    code = "bad_match_config"


@dataclass(frozen=True)
class FieldSpec:
    """A column compared by the probabilistic stage."""

    name: str
    comparison: str
    tf: bool = False  # term-frequency adjustment on the exact level (common names weigh less)
    format: str | None = None  # date fields: strptime format of the input text (dedupe)


@dataclass(frozen=True)
class KeySpec:
    """A strong key: records equal on all columns (none null) are linked."""

    name: str
    columns: tuple[str, ...]
    distinct: tuple[str, ...] = ()  # this key does not link records that differ here


@dataclass(frozen=True)
class BlockSpec:
    """A blocking rule: only pairs equal on all columns are scored."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class NormaliseSpec:
    """Light, generic normalisation applied by `dedupe_file` to text columns."""

    strip: bool = False
    lowercase: bool = False
    halfwidth: bool = False
    null_values: tuple[str, ...] = ()  # cells equal to one of these (after the above) are empty


@dataclass(frozen=True)
class ProbabilisticSpec:
    """Tuning of the Splink stage; the customer config sets its own values."""

    recall: float = 0.8  # assumed recall of the deterministic keys, used for the prior
    u_max_pairs: int = 1_000_000
    seed: int = 42
    min_records: int = 200  # fewer profiles: deterministic only, with a warning (dedupe: 2)
    em_max_iterations: int = 25
    em_blocking: tuple[BlockSpec, ...] = ()  # empty: train on the blocking rules
    prior: float | None = None  # fixed match prior instead of the estimate


@dataclass(frozen=True)
class MatchConfig:
    """Everything `match` needs to know about a table."""

    id_column: str
    threshold: float
    fields: tuple[FieldSpec, ...]
    deterministic: tuple[KeySpec, ...] = ()
    blocking: tuple[BlockSpec, ...] = ()
    distinct: tuple[str, ...] = ()
    normalise: NormaliseSpec = field(default_factory=NormaliseSpec)
    probabilistic: ProbabilisticSpec = field(default_factory=ProbabilisticSpec)
    link_only: str | None = None  # source column: records of one source are never compared

    def derived_columns(self) -> dict[str, str]:
        """Map each derivable column to its source: `<name_zh field>__pinyin` and `__formal`,
        and `<column>__initial` (its first character) where a key or block names it."""
        names = [f.name for f in self.fields if f.comparison == "name_zh"]
        derived = {n + suffix: n for n in names for suffix in (PINYIN_SUFFIX, FORMAL_SUFFIX)}
        for name in self._key_and_block_columns():
            if name.endswith(INITIAL_SUFFIX):
                derived[name] = name.removesuffix(INITIAL_SUFFIX)
        return derived

    def _key_and_block_columns(self) -> list[str]:
        names: list[str] = []
        for key in self.deterministic:
            names.extend((*key.columns, *key.distinct))
        for block in (*self.blocking, *self.probabilistic.em_blocking):
            names.extend(block.columns)
        return names

    def used_columns(self) -> list[str]:
        """List the input columns the config reads, in a stable order, without derived ones."""
        derived = self.derived_columns()
        names: list[str] = [*(f.name for f in self.fields), *self._key_and_block_columns()]
        names.extend(self.distinct)
        if self.link_only:
            names.append(self.link_only)
        resolved = [derived.get(n, n) for n in names]
        return [n for i, n in enumerate(resolved) if n not in resolved[:i]]


def load_config(path: Path | str) -> MatchConfig:
    """Read and validate a match configuration file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read match config: {exc}") from exc
    return parse_config(data, source=str(path))


def customers_config() -> MatchConfig:
    """Return the customer pipeline's own configuration."""
    return load_config(CONFIG_DIR / "customers.toml")


def parse_config(data: dict[str, Any], source: str = "<config>") -> MatchConfig:
    """Validate a decoded TOML document and build a `MatchConfig`."""
    _check_keys(data, {"id_column", "threshold", "fields", "deterministic", "blocking",
                       "constraints", "normalise", "probabilistic", "link_only"}, source)
    id_column = _string(data.get("id_column"), f"{source}: id_column")
    threshold = _number(data.get("threshold", 0.9), f"{source}: threshold")
    if not 0.0 < threshold < 1.0:
        raise ConfigError(f"{source}: threshold must be between 0 and 1, got {threshold}")
    fields = tuple(_field(f, i, source) for i, f in enumerate(_tables(data, "fields", source)))
    _unique([f.name for f in fields], "field", source)
    keys = tuple(_key(k, i, source) for i, k in enumerate(_tables(data, "deterministic", source)))
    _unique([k.name for k in keys], "deterministic key", source)
    blocks = _tables(data, "blocking", source)
    blocking = tuple(_block(b, f"{source}: blocking[{i}]") for i, b in enumerate(blocks))
    constraints = _table(data, "constraints", source)
    _check_keys(constraints, {"distinct"}, f"{source}: constraints")
    distinct = _columns(constraints.get("distinct", []), f"{source}: constraints.distinct", True)
    config = MatchConfig(
        id_column=id_column,
        threshold=threshold,
        fields=fields,
        deterministic=keys,
        blocking=blocking,
        distinct=distinct,
        normalise=_normalise(_table(data, "normalise", source), source),
        probabilistic=_probabilistic(_table(data, "probabilistic", source), source),
        link_only=_string(data["link_only"], f"{source}: link_only") if "link_only" in data
        else None,
    )
    if id_column in config.used_columns():
        raise ConfigError(f"{source}: id_column '{id_column}' cannot also be matched on")
    return config


def _field(raw: Any, index: int, source: str) -> FieldSpec:
    where = f"{source}: fields[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    _check_keys(raw, {"name", "comparison", "tf", "format"}, where)
    name = _string(raw.get("name"), f"{where}.name")
    comparison = _string(raw.get("comparison"), f"{source}: field '{name}': comparison")
    if comparison not in COMPARISONS:
        raise ConfigError(
            f"{source}: field '{name}': unknown comparison '{comparison}' "
            f"(expected one of: {', '.join(COMPARISONS)})"
        )
    tf = raw.get("tf", False)
    if not isinstance(tf, bool):
        raise ConfigError(f"{source}: field '{name}': tf must be true or false")
    form = raw.get("format")
    if form is not None:
        if comparison != "date":
            raise ConfigError(f"{source}: field '{name}': format applies to date fields only")
        form = _string(form, f"{source}: field '{name}': format")
    return FieldSpec(name=name, comparison=comparison, tf=tf, format=form)


def _key(raw: Any, index: int, source: str) -> KeySpec:
    where = f"{source}: deterministic[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    _check_keys(raw, {"name", "columns", "distinct"}, where)
    name = _string(raw.get("name"), f"{where}.name")
    where = f"{source}: key '{name}'"
    columns = _columns(raw.get("columns"), where)
    distinct = _columns(raw.get("distinct", []), f"{where} distinct", allow_empty=True)
    if set(columns) & set(distinct):
        raise ConfigError(f"{where}: a column cannot be both key and distinct")
    return KeySpec(name=name, columns=columns, distinct=distinct)


def _block(raw: Any, where: str) -> BlockSpec:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    _check_keys(raw, {"columns"}, where)
    return BlockSpec(columns=_columns(raw.get("columns"), where))


def _normalise(raw: dict[str, Any], source: str) -> NormaliseSpec:
    where = f"{source}: normalise"
    _check_keys(raw, {"strip", "lowercase", "halfwidth", "null_values"}, where)
    flags = {k: v for k, v in raw.items() if k != "null_values"}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise ConfigError(f"{where}.{key} must be true or false")
    nulls = raw.get("null_values", [])
    if not isinstance(nulls, list) or not all(isinstance(v, str) for v in nulls):
        raise ConfigError(f'{where}.null_values must be a list of strings, e.g. ["NA", "-"]')
    return NormaliseSpec(null_values=tuple(nulls), **flags)


def _probabilistic(raw: dict[str, Any], source: str) -> ProbabilisticSpec:
    where = f"{source}: probabilistic"
    _check_keys(raw, {"recall", "u_max_pairs", "seed", "min_records", "em_max_iterations",
                      "em_blocking", "prior"}, where)
    recall = _number(raw.get("recall", 0.8), f"{where}.recall")
    if not 0.0 < recall <= 1.0:
        raise ConfigError(f"{where}.recall must be in (0, 1], got {recall}")
    ints = {}
    for key in ("u_max_pairs", "seed", "min_records", "em_max_iterations"):
        value = raw.get(key, getattr(ProbabilisticSpec, key))
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}.{key} must be a non-negative integer")
        ints[key] = value
    rules = raw.get("em_blocking", [])
    if not isinstance(rules, list):
        raise ConfigError(f"{where}.em_blocking must be an array of tables")
    em = tuple(_block(r, f"{where}.em_blocking[{i}]") for i, r in enumerate(rules))
    prior = None
    if "prior" in raw:
        prior = _number(raw["prior"], f"{where}.prior")
        if not 0.0 < prior < 1.0:
            raise ConfigError(f"{where}.prior must be between 0 and 1, got {prior}")
    return ProbabilisticSpec(recall=recall, em_blocking=em, prior=prior, **ints)


def _tables(data: dict[str, Any], key: str, source: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{source}: '{key}' must be an array of tables ([[{key}]])")
    return value


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: '{key}' must be a table ([{key}])")
    return value


def _columns(value: Any, where: str, allow_empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: columns must be a list of column names")
    if not value and not allow_empty:
        raise ConfigError(f"{where}: columns must not be empty")
    return tuple(value)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be a non-empty string")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where} must be a number")
    return float(value)


def _unique(names: list[str], what: str, source: str) -> None:
    seen = {n for n in names if names.count(n) > 1}
    if seen:
        raise ConfigError(f"{source}: duplicate {what} name(s): {', '.join(sorted(seen))}")


def _check_keys(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )

"""Deduplicate any CSV file with a match configuration (`autocrm dedupe`)."""

from __future__ import annotations

import io
import logging
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from autocrm.core.errors import InputError
from autocrm.identity.comparisons import level_labels
from autocrm.identity.config import MatchConfig, NormaliseSpec, load_config
from autocrm.identity.dates import parse_dates
from autocrm.identity.engine import MatchResult, match
from autocrm.identity.prior import Prior

ENCODINGS = ("utf-8-sig", "gb18030")
SMALLEST = 2  # dedupe's default `probabilistic.min_records`
QUIET = ("You are using the default value for `max_pairs`",)  # the config sets it


class DedupeError(InputError, ValueError):
    """The input file cannot be read or does not fit the config; the message says where."""

    code = "bad_dedupe_input"


@dataclass
class DedupeReport:
    """What a run did, for the summary the command prints."""

    records: int
    clusters: int
    threshold: float
    links: dict[str, int]  # records joined to another, by rule (det:<key>, splink)
    sizes: dict[int, int]  # cluster size -> number of clusters
    compared: int | None = None  # candidate pairs the probabilistic stage scored
    prior: Prior | None = None
    warnings: list[str] = field(default_factory=list)


def dedupe_file(
    input_csv: Path,
    config_path: Path,
    out_csv: Path,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Cluster the rows of `input_csv`; write `record_id,cluster_id`; return the cluster count."""
    return run(input_csv, config_path, out_csv, progress).clusters


def run(
    input_csv: Path,
    config_path: Path,
    out_csv: Path,
    progress: Callable[[str], None] | None = None,
    pairs_csv: Path | None = None,
    link_only: str | None = None,
) -> DedupeReport:
    """Cluster the rows of `input_csv`; write `record_id,cluster_id`; report what was done.

    With `pairs_csv` every pair the probabilistic stage scored is written with its match
    weight and the level of each field; `link_only` (a source column) overrides the config's.
    """
    say = progress or (lambda _message: None)
    config = _small_tables_scored(load_config(config_path), Path(config_path))
    if link_only:
        config = replace(config, link_only=link_only)
    say(f"reading {input_csv}")
    raw = read_csv(Path(input_csv))
    check_columns(raw, config, Path(input_csv), Path(config_path))
    warnings: list[str] = []
    frame = normalise(raw, config, warnings)
    with _splink_warnings(warnings):
        result = match(frame, config, progress=say, count_pairs=True,
                       keep_pairs_above=0.0 if pairs_csv else None)
    out = result.clusters.select(pl.col(config.id_column).alias("record_id"), "cluster_id")
    out.write_csv(out_csv)
    if pairs_csv and result.pairs is not None:
        pairs_table(result.pairs, config).write_csv(pairs_csv)
    return _report(out, result, config, warnings + result.warnings)


def _small_tables_scored(config: MatchConfig, path: Path) -> MatchConfig:
    """Unless the file says otherwise, score tables of any size (with starting m and u where
    EM has too few pairs) rather than leave a 150-row list unmatched."""
    if "min_records" in tomllib.loads(path.read_text(encoding="utf-8")).get("probabilistic", {}):
        return config
    return replace(config, probabilistic=replace(config.probabilistic, min_records=SMALLEST))


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split()).removeprefix("WARNING: ")
        if text and not text.startswith(QUIET) and "splink: " + text not in self.into:
            self.into.append("splink: " + text)


@contextmanager
def _splink_warnings(into: list[str]) -> Iterator[None]:
    """Collect Splink's own warnings (a level EM never saw...) with the run's warnings."""
    logger = logging.getLogger("splink")
    handler, propagate = _Collect(into), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _report(
    out: pl.DataFrame, result: MatchResult, config: MatchConfig, warnings: list[str]
) -> DedupeReport:
    sizes = out.group_by("cluster_id").len().group_by("len").len(name="n").sort("len")
    links = result.evidence.group_by("rule").len().sort("rule")
    return DedupeReport(
        records=out.height,
        clusters=int(out["cluster_id"].n_unique()),
        threshold=config.threshold,
        links=dict(zip(links["rule"].to_list(), links["len"].to_list(), strict=True)),
        sizes=dict(zip(sizes["len"].to_list(), sizes["n"].to_list(), strict=True)),
        compared=result.compared,
        prior=result.prior,
        warnings=warnings,
    )


def pairs_table(pairs: pl.DataFrame, config: MatchConfig) -> pl.DataFrame:
    """Both ids, weight, probability, above the threshold or not, each field's level and values."""
    names = [spec.name for spec in config.fields]
    side = pl.Struct({"l": pl.Utf8, "r": pl.Utf8, "gamma": pl.Int64})
    decoded = pairs.sort(["weight", "left_id"], descending=[True, False]).with_columns(
        pl.col("detail").str.json_decode(pl.Struct({n: side for n in names}))
    ).unnest("detail")
    columns = []
    for spec in config.fields:
        part = pl.col(spec.name).struct
        labels = level_labels(spec)
        columns += [
            part.field("gamma").replace_strict(list(labels), list(labels.values()),
                                               return_dtype=pl.Utf8).alias(f"{spec.name}_level"),
            part.field("l").alias(f"{spec.name}_l"),
            part.field("r").alias(f"{spec.name}_r"),
        ]
    return decoded.select(
        pl.col("left_id").alias("id_l"), pl.col("right_id").alias("id_r"),
        pl.col("weight").round(3).alias("match_weight"),
        pl.col("score").round(6).alias("match_probability"),
        (pl.col("score") >= config.threshold).alias("above_threshold"),
        *columns,
    )


def read_csv(path: Path) -> pl.DataFrame:
    """Read a CSV as text columns, decoding UTF-8 (with or without BOM) or else GB18030."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DedupeError(f"{path}: cannot read: {exc.strerror or exc}") from None
    text = _decode(raw, path)
    try:
        return pl.read_csv(io.StringIO(text), infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DedupeError(f"{path}: not a readable CSV file: {first}") from None


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DedupeError(f"{path}: neither UTF-8 nor GB18030 text")


def check_columns(frame: pl.DataFrame, config: MatchConfig, path: Path, config_path: Path) -> None:
    """Every column the config names must be in the file; say which key names a missing one."""
    derived = config.derived_columns()
    for key, column in _named_columns(config):
        column = derived.get(column, column)
        if column not in frame.columns:
            shown = ", ".join(frame.columns[:12]) + (", …" if frame.width > 12 else "")
            raise DedupeError(
                f"{path}: no column '{column}' ({key} in {config_path}); "
                f"the file has: {shown}"
            )


def _named_columns(config: MatchConfig) -> list[tuple[str, str]]:
    named = [("id_column", config.id_column)]
    named += [(f"fields[{i}].name", f.name) for i, f in enumerate(config.fields)]
    for key in config.deterministic:
        named += [(f"deterministic '{key.name}'", c) for c in (*key.columns, *key.distinct)]
    for i, block in enumerate(config.blocking):
        named += [(f"blocking[{i}]", c) for c in block.columns]
    named += [("constraints.distinct", c) for c in config.distinct]
    if config.link_only:
        named.append(("link_only", config.link_only))
    return named


def normalise(
    frame: pl.DataFrame, config: MatchConfig, warnings: list[str] | None = None
) -> pl.DataFrame:
    """Apply the config's light normalisation, null tokens and date formats to used columns."""
    spec: NormaliseSpec = config.normalise
    columns = [c for c in config.used_columns() if c in frame.columns
               and frame.schema[c] == pl.Utf8]
    expressions = []
    for column in columns:
        expr = pl.col(column)
        if spec.halfwidth:
            expr = expr.str.normalize("NFKC")
        if spec.strip:
            expr = expr.str.strip_chars()
        empty = expr.str.strip_chars().is_in(["", *spec.null_values])  # before lowercasing
        if spec.lowercase:
            expr = expr.str.to_lowercase()
        expressions.append(pl.when(empty).then(None).otherwise(expr).alias(column))
    frame = frame.with_columns(expressions) if expressions else frame
    dates = [f for f in config.fields if f.comparison == "date" and f.name in columns]
    return parse_dates(frame, dates, warnings if warnings is not None else [])

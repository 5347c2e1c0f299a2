"""Deduplicate any CSV file with a match configuration (`autocrm dedupe`)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import polars as pl

from autocrm.identity.config import MatchConfig, NormaliseSpec, load_config
from autocrm.identity.engine import match

ENCODINGS = ("utf-8-sig", "gb18030")


def dedupe_file(
    input_csv: Path,
    config_path: Path,
    out_csv: Path,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Cluster the rows of `input_csv`; write `record_id,cluster_id`; return the cluster count."""
    config = load_config(config_path)
    frame = normalise(read_csv(Path(input_csv)), config)
    result = match(frame, config, progress=progress)
    for warning in result.warnings:
        if progress:
            progress(f"warning: {warning}")
    out = result.clusters.select(
        pl.col(config.id_column).alias("record_id"), "cluster_id"
    )
    out.write_csv(out_csv)
    return int(out["cluster_id"].n_unique())


def read_csv(path: Path) -> pl.DataFrame:
    """Read a CSV as text columns, decoding UTF-8 (with or without BOM) or else GB18030."""
    raw = path.read_bytes()
    text = _decode(raw, path)
    return pl.read_csv(io.StringIO(text), infer_schema=False)


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor GB18030 text")


def normalise(frame: pl.DataFrame, config: MatchConfig) -> pl.DataFrame:
    """Apply the config's light normalisation to the text columns it matches on."""
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
        if spec.lowercase:
            expr = expr.str.to_lowercase()
        expressions.append(expr)
    return frame.with_columns(expressions) if expressions else frame

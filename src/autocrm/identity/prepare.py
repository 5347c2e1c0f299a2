"""Turn input frames into the engine's working frame and initial clustering state."""

from __future__ import annotations

import numpy as np
import polars as pl
from pypinyin import lazy_pinyin

from autocrm.core.errors import InputError
from autocrm.identity.config import INITIAL_SUFFIX, PINYIN_SUFFIX, MatchConfig
from autocrm.identity.linking import LinkState

CLUSTER = "cluster_id"
TITLE_PATTERN = (
    r"^.{1,2}(总|工|董|经理|老师|师傅|先生|女士|小姐|太太|老板|主任|律师|医生)$"
    r"|^.(哥|姐)$|^[小老阿].$"
)


class MatchError(InputError, ValueError):
    """The records cannot be matched as given (missing columns, duplicate ids...)."""

    code = "bad_match_input"


def working_frame(
    records: pl.DataFrame, config: MatchConfig, existing: pl.DataFrame | None
) -> pl.DataFrame:
    """Stack existing and new records with `_m_rid` (row index), `_m_new` and `_m_ex`."""
    columns = [config.id_column, *config.used_columns()]
    _require(records, columns, "records")
    parts = []
    if existing is not None:
        _require(existing, [*columns, CLUSTER], "existing")
        if existing[CLUSTER].null_count() or (existing[CLUSTER].cast(pl.Int64) < 0).any():
            raise MatchError("existing: cluster_id must be a non-negative integer on every row")
        parts.append(existing.select(columns).with_columns(
            _m_new=pl.lit(False), _m_ex=existing[CLUSTER].cast(pl.Int64)
        ))
    parts.append(records.select(columns).with_columns(
        _m_new=pl.lit(True), _m_ex=pl.lit(None, dtype=pl.Int64)
    ))
    frame = pl.concat(parts, how="vertical_relaxed")
    frame = frame.with_row_index("_m_rid").with_columns(pl.col("_m_rid").cast(pl.Int64))
    _check_unique_ids(frame, config.id_column)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)).alias(c)
        for c in config.used_columns() if frame.schema[c] == pl.Utf8
    )
    return _with_derived(frame, config)


def _require(frame: pl.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MatchError(f"{what}: missing column(s) required by the config: {', '.join(missing)}")


def _check_unique_ids(frame: pl.DataFrame, id_column: str) -> None:
    if frame[id_column].null_count():
        raise MatchError(f"id column '{id_column}' has empty values")
    if frame[id_column].n_unique() == frame.height:
        return
    dupes = frame[id_column].filter(frame[id_column].is_duplicated()).unique().sort()
    if dupes.len():
        shown = ", ".join(str(v) for v in dupes.head(5).to_list())
        raise MatchError(f"id column '{id_column}' has duplicate values: {shown}")


def _with_derived(frame: pl.DataFrame, config: MatchConfig) -> pl.DataFrame:
    columns = []
    for name, source in config.derived_columns().items():
        values = frame[source].cast(pl.Utf8)
        if name.endswith(PINYIN_SUFFIX):
            columns.append(pinyin(values).alias(name))
        elif name.endswith(INITIAL_SUFFIX):
            columns.append(values.str.slice(0, 1).alias(name))
        else:
            columns.append(formal(values).alias(name))
    return frame.with_columns(columns)


def formal(names: pl.Series) -> pl.Series:
    """The names that are not titles or nicknames (张总, 李经理, 王先生, 小李 become null)."""
    title = names.str.contains(TITLE_PATTERN)
    return pl.select(pl.when(~title).then(names)).to_series()


def pinyin(names: pl.Series) -> pl.Series:
    """Toneless pinyin of every value, mapped character by character (张玮 -> zhangwei)."""
    distinct = names.drop_nulls().unique()
    chars = distinct.str.split("").explode().drop_nulls().unique().to_list()
    table = {c: "".join(lazy_pinyin(c)).lower() for c in chars}
    spelled = distinct.str.split("").list.eval(
        pl.element().replace_strict(table, return_dtype=pl.Utf8)
    ).list.join("")
    return names.replace_strict(distinct, spelled, default=None, return_dtype=pl.Utf8)


def initial_state(frame: pl.DataFrame, config: MatchConfig) -> LinkState:
    """Start with existing clusters as nodes and every new record on its own."""
    rid = frame["_m_rid"].to_numpy()
    incremental = bool((~frame["_m_new"]).any())
    node = rid.copy()
    if incremental:
        first = pl.col("_m_rid").min().over("_m_ex")
        heads = frame.select(pl.when(pl.col("_m_ex").is_not_null()).then(first)
                             .otherwise(pl.col("_m_rid")))
        node = heads.to_series().to_numpy().astype(np.int64)
    codes = [_codes(frame, column, incremental) for column in config.distinct]
    if incremental:
        codes.append(frame["_m_ex"].fill_null(-1).to_numpy())
    values = np.full((len(codes), frame.height), -1, dtype=np.int64)
    for row, code in enumerate(codes):
        np.maximum.at(values[row], node, code)
    return LinkState(node=node, values=values, ex_row=len(codes) - 1 if incremental else None)


def _codes(frame: pl.DataFrame, column: str, incremental: bool) -> np.ndarray:
    """Integer code per value (-1 for none); values one existing customer holds share a code.

    A customer whose steward merged two ID numbers keeps both; mapping both to one code lets a
    new record carrying either join it without tripping the distinct constraint.
    """
    value = pl.col(column).cast(pl.Utf8)
    code = pl.when(value.is_not_null()).then((value.hash(seed=11) // 2).cast(pl.Int64))
    coded = frame.select("_m_ex", code.alias("code"))
    if incremental:
        canonical = (
            coded.drop_nulls()
            .with_columns(canon=pl.col("code").min().over("_m_ex"))
            .group_by("code")
            .agg(pl.col("canon").min())
        )
        coded = coded.join(canonical, on="code", how="left", maintain_order="left")
        coded = coded.with_columns(code=pl.coalesce("canon", "code"))
    return coded["code"].fill_null(-1).to_numpy()

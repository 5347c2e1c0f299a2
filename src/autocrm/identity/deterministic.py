"""Deterministic stage: strong keys in order, each one a level of constrained linking."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from autocrm.identity.config import KeySpec, MatchConfig
from autocrm.identity.linking import LinkState, link_groups, members_of
from autocrm.identity.members import Members

EVIDENCE_SCHEMA = {"left": pl.Int64, "right": pl.Int64, "rule": pl.Utf8, "score": pl.Float64,
                   "detail": pl.Utf8}
RULE_MERGE_SCHEMA = {"ex_a": pl.Int64, "ex_b": pl.Int64, "rule": pl.Utf8, "score": pl.Float64}


def run_keys(
    frame: pl.DataFrame,
    state: LinkState,
    config: MatchConfig,
    progress: Callable[[str], None],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Link records equal on each key in turn; return (evidence, merges) by record index."""
    evidence = [pl.DataFrame(schema=EVIDENCE_SCHEMA)]
    merges = [pl.DataFrame(schema=RULE_MERGE_SCHEMA)]
    for key in config.deterministic:
        members = key_members(frame, state, key, config.link_only)
        extra = node_codes(frame, state, key.distinct) if key.distinct else None
        outcome = link_groups(state, members, resolve_all=False, extra=extra)
        rule = f"det:{key.name}"
        evidence.append(_key_evidence(frame, outcome.edges, key, rule))
        merges.append(outcome.merges.select(
            "ex_a", "ex_b", pl.lit(rule).alias("rule"), pl.col("strength").alias("score")
        ))
        progress(f"deterministic: {rule} linked {outcome.edges.height} records")
    return pl.concat(evidence), pl.concat(merges)


def key_members(
    frame: pl.DataFrame, state: LinkState, key: KeySpec, link_only: str | None = None
) -> Members:
    """Memberships of nodes in key groups: records equal on every key column.

    With `link_only` (a source column) a group holding records of one source only is dropped.
    """
    columns = list(key.columns)
    hashed = pl.col(columns[0]) if len(columns) == 1 else pl.struct(columns)
    keyed = frame.select(  # select before filtering: the frame is wide
        "_m_rid", "_m_new", hashed.hash(seed=3).alias("s"),
        pl.all_horizontal(pl.col(c).is_not_null() for c in columns).alias("keyed"),
        *([config_source(link_only)] if link_only else []),
    ).filter("keyed")
    if link_only:  # only groups across sources: their closure is that of the cross pairs
        keyed = keyed.filter(pl.col("_m_src").n_unique().over("s") > 1)
    rid = keyed["_m_rid"].to_numpy()
    return members_of(
        keyed["s"].to_numpy(), state.node[rid], rid, keyed["_m_new"].to_numpy(),
        np.ones(rid.size),
    )


def config_source(column: str) -> pl.Expr:
    """The source column of link-only mode, as `_m_src`."""
    return pl.col(column).cast(pl.Utf8).alias("_m_src")


def node_codes(frame: pl.DataFrame, state: LinkState, columns: tuple[str, ...]) -> np.ndarray:
    """Per node, a code of its value in each column (any one value when it holds several)."""
    codes = np.full((len(columns), state.size), -1, dtype=np.int64)
    for row, column in enumerate(columns):
        value = pl.col(column).cast(pl.Utf8)
        code = pl.when(value.is_not_null()).then((value.hash(seed=13) // 2).cast(pl.Int64))
        record_codes = frame.select(code.fill_null(-1)).to_series().to_numpy()
        np.maximum.at(codes[row], state.node[frame["_m_rid"].to_numpy()], record_codes)
    return codes


def _key_evidence(
    frame: pl.DataFrame, edges: pl.DataFrame, key: KeySpec, rule: str
) -> pl.DataFrame:
    """Evidence rows for one key: the shared key values as JSON."""
    if edges.is_empty():
        return pl.DataFrame(schema=EVIDENCE_SCHEMA)
    shared = frame.select(key.columns)[edges["left"].to_numpy()]
    detail = shared.select(
        pl.struct([pl.col(c).cast(pl.Utf8) for c in key.columns]).struct.json_encode()
    ).to_series()
    return pl.DataFrame({
        "left": edges["left"], "right": edges["right"], "rule": rule,
        "score": 1.0, "detail": detail,
    }, schema=EVIDENCE_SCHEMA)

"""The matching engine: deterministic keys first, then Splink on what they left undecided."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from autocrm.identity.config import MatchConfig
from autocrm.identity.deterministic import EVIDENCE_SCHEMA, RULE_MERGE_SCHEMA, run_keys
from autocrm.identity.linking import LinkState, link_groups, members_of
from autocrm.identity.prepare import CLUSTER, MatchError, initial_state, working_frame
from autocrm.identity.prior import Prior
from autocrm.identity.probabilistic import score_pairs

__all__ = ["MatchError", "MatchResult", "match"]

MERGES_SCHEMA = {"cluster_a": pl.Int64, "cluster_b": pl.Int64, "rule": pl.Utf8,
                 "score": pl.Float64}


@dataclass
class MatchResult:
    """Clusters for every input record, the links that made them, and proposed merges."""

    clusters: pl.DataFrame  # <id_column>, cluster_id (Int64)
    evidence: pl.DataFrame  # left_id, right_id, rule, score, detail (JSON)
    merges: pl.DataFrame  # cluster_a, cluster_b, rule, score: for steward review, not applied
    warnings: list[str] = field(default_factory=list)
    model: dict[str, Any] | None = None  # the probabilistic model this run trained, if any
    prior: Prior | None = None  # the match prior the probabilistic stage used, if it ran
    compared: int | None = None  # candidate pairs the probabilistic stage scored, if counted
    pairs: pl.DataFrame | None = None  # scored pairs kept on request: left_id, right_id, ...


def match(
    records: pl.DataFrame,
    config: MatchConfig,
    existing: pl.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    model: dict[str, Any] | None = None,
    keep_pairs_above: float | None = None,
    count_pairs: bool = False,
) -> MatchResult:
    """Cluster `records`, optionally against `existing` records that carry a cluster_id.

    New records joining an existing cluster get its id; new clusters get ids above the
    largest existing one. Existing clusters are never joined: links between them are
    reported in `merges` and the new record goes with the best-supported one. With `model`
    the probabilistic stage scores with it instead of training. With `keep_pairs_above` the
    scored pairs at least that likely are returned in `pairs`; `count_pairs` counts the
    candidate pairs scored.
    """
    say = progress or (lambda _message: None)
    frame = working_frame(records, config, existing)
    state = initial_state(frame, config)
    say(f"matching {records.height} records against {frame.height - records.height} existing")
    det_evidence, det_merges = run_keys(frame, state, config, say)
    scored = score_pairs(frame, state, config, say, model, keep_pairs_above, count_pairs)
    above = scored.pairs.filter(pl.col("score") >= config.threshold)
    splink_evidence, splink_merges = _link_scored(state, above)
    # Keys once more: a nameless call whose phone showed two spellings of one name (张伟 and
    # 张玮) was ambiguous before the probabilistic stage joined the spellings; now it is not.
    evidence, merges = [det_evidence, splink_evidence], [det_merges, splink_merges]
    if splink_evidence.height:
        again_evidence, again_merges = run_keys(frame, state, config, say)
        evidence.append(again_evidence)
        merges.append(again_merges)
    return MatchResult(
        clusters=_cluster_ids(frame, state, config.id_column),
        evidence=_evidence_with_ids(frame, pl.concat(evidence), config.id_column),
        merges=_merges_table(pl.concat(merges)),
        warnings=scored.warnings,
        model=scored.model,
        prior=scored.prior,
        compared=scored.compared,
        pairs=None if keep_pairs_above is None else _pairs_with_ids(frame, scored.pairs,
                                                                     config.id_column),
    )


def _link_scored(state: LinkState, pairs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Link node pairs above the threshold, the best-scoring pair per pair of nodes."""
    if pairs.is_empty():
        return pl.DataFrame(schema=EVIDENCE_SCHEMA), pl.DataFrame(schema=RULE_MERGE_SCHEMA)
    best = (
        pairs.with_columns(
            a=pl.Series(state.node[pairs["left"].to_numpy()]),
            b=pl.Series(state.node[pairs["right"].to_numpy()]),
        )
        .with_columns(lo=pl.min_horizontal("a", "b"), hi=pl.max_horizontal("a", "b"))
        .sort(["score", "left", "right"], descending=[True, False, False])
        .unique(["lo", "hi"], keep="first", maintain_order=True)
        .with_row_index("s")
    )
    pair = best["s"].cast(pl.Int64).to_numpy()
    members = members_of(
        key=np.concatenate([pair, pair]),
        node=np.concatenate([best["a"].to_numpy(), best["b"].to_numpy()]),
        rid=np.concatenate([best["left"].to_numpy(), best["right"].to_numpy()]),
        new=np.ones(2 * pair.size, dtype=bool),
        strength=np.concatenate([best["score"].to_numpy()] * 2),
    )
    outcome = link_groups(state, members, resolve_all=True)
    details = best.select(pl.col("s").cast(pl.Int64).alias("group"), "score", "detail")
    evidence = outcome.edges.join(details, on="group", maintain_order="left").select(
        "left", "right", pl.lit("splink").alias("rule"), "score", "detail"
    )
    merges = outcome.merges.select("ex_a", "ex_b", pl.lit("splink").alias("rule"),
                                   pl.col("strength").alias("score"))
    return evidence.cast(EVIDENCE_SCHEMA), merges  # type: ignore[arg-type]


def _cluster_ids(frame: pl.DataFrame, state: LinkState, id_column: str) -> pl.DataFrame:
    """Existing id for clusters holding an existing customer, fresh ids above it otherwise."""
    roots = state.node
    new_rows = frame["_m_new"].to_numpy()
    new_roots = roots[new_rows]
    if state.ex_row is None:
        known = np.full(new_roots.shape, -1, dtype=np.int64)
        start = 1
    else:
        known = state.values[state.ex_row][new_roots]
        start = int(frame["_m_ex"].max()) + 1  # type: ignore[arg-type]
    fresh_roots = np.unique(new_roots[known < 0])
    fresh = start + np.searchsorted(fresh_roots, new_roots)
    cluster = np.where(known >= 0, known, fresh)
    return pl.DataFrame({
        id_column: frame[id_column].filter(frame["_m_new"]),
        CLUSTER: pl.Series(cluster, dtype=pl.Int64),
    })


def _evidence_with_ids(frame: pl.DataFrame, evidence: pl.DataFrame, id_column: str) -> pl.DataFrame:
    ids = frame[id_column]
    return evidence.select(
        ids.gather(evidence["left"]).alias("left_id"),
        ids.gather(evidence["right"]).alias("right_id"),
        "rule",
        "score",
        "detail",
    )


def _pairs_with_ids(frame: pl.DataFrame, pairs: pl.DataFrame, id_column: str) -> pl.DataFrame:
    ids = frame[id_column]
    return pairs.select(
        ids.gather(pairs["left"]).alias("left_id"),
        ids.gather(pairs["right"]).alias("right_id"),
        "score", "weight", "detail",
    )


def _merges_table(merges: pl.DataFrame) -> pl.DataFrame:
    """One row per pair of existing clusters, keeping the first (strongest) rule."""
    return (
        merges.unique(["ex_a", "ex_b"], keep="first", maintain_order=True)
        .select(pl.col("ex_a").alias("cluster_a"), pl.col("ex_b").alias("cluster_b"),
                "rule", "score")
        .cast(MERGES_SCHEMA)  # type: ignore[arg-type]
    )

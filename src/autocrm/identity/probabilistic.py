"""Probabilistic stage: Splink 4 on DuckDB over the profiles the deterministic stage left.

Input rows are *profiles*: distinct combinations of the compared columns within one node
(deterministic cluster), so a customer seen ten times with the same values is scored once.
Prediction pairs are restricted in SQL to different nodes whose `distinct` values do not
clash (and, incrementally, to pairs that involve a new record), so Splink only scores what
the deterministic stage could not decide. Training sees every profile: pairs inside a node
are genuine matches, which is what EM needs to learn m.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker

from autocrm.identity import prior as priors
from autocrm.identity.comparisons import compared_columns, comparison, register_functions
from autocrm.identity.config import INITIAL_SUFFIX, BlockSpec, MatchConfig
from autocrm.identity.linking import LinkState

log = logging.getLogger(__name__)
REP = "_m_rep"
MIN_EM_PAIRS = 50
PAIR_SCHEMA = {"left": pl.Int64, "right": pl.Int64, "score": pl.Float64, "weight": pl.Float64,
               "detail": pl.Utf8}


@dataclass
class ScoredPairs:
    """Pairs of record indexes above the threshold, or why there are none."""

    pairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PAIR_SCHEMA))
    warnings: list[str] = field(default_factory=list)
    model: dict[str, Any] | None = None  # the model trained by this run, None when reused
    prior: priors.Prior | None = None  # the prior the pairs were scored with
    compared: int | None = None  # candidate pairs scored, when counted


def trained_parts(model: dict[str, Any]) -> dict[str, Any]:
    """Keep what a run learned (m and u per comparison level, the match prior) from a model."""
    return {key: model[key] for key in ("comparisons", "probability_two_random_records_match")}


MEMORY_LIMIT = "1GB"


def score_pairs(
    frame: pl.DataFrame,
    state: LinkState,
    config: MatchConfig,
    progress: Callable[[str], None],
    model: dict[str, Any] | None = None,
    keep_below: float | None = None,
    count_pairs: bool = False,
) -> ScoredPairs:
    """Score candidate pairs between nodes with Splink; return those above the threshold.

    With `model` (from `trained_parts` of an earlier run with the same config) the run skips
    training, which is most of its time on a small incremental batch. With `keep_below` the
    pairs scoring at least that are returned too (the caller links only those above the
    threshold); with `count_pairs` the number of candidate pairs scored is counted.
    """
    if not config.fields or not config.blocking:
        return ScoredPairs(warnings=["probabilistic stage skipped: no fields or blocking"])
    profiles = build_profiles(frame, state, config)
    spec = config.probabilistic
    if profiles.height < max(spec.min_records, 2):
        return ScoredPairs(warnings=[
            f"probabilistic stage skipped: {profiles.height} profiles, fewer than "
            f"{spec.min_records}; deterministic links only"
        ])
    progress(f"probabilistic: {profiles.height} profiles")
    with tempfile.TemporaryDirectory(prefix="autocrm-match-") as tmp:
        # DuckDB may take 80% of the machine by default; bounded, it spills to `tmp` instead
        # of adding to the peak of a load that holds its whole batch in memory.
        con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": tmp})
        try:
            return _run_splink(con, Path(tmp), profiles, state, config, progress, model,
                               keep_below, count_pairs)
        except Exception as exc:  # a matching run must not die in the optional stage
            log.exception("probabilistic stage failed")
            return ScoredPairs(warnings=[
                f"probabilistic stage failed ({type(exc).__name__}: {exc}); "
                "deterministic links only"
            ])
        finally:
            con.close()


def build_profiles(frame: pl.DataFrame, state: LinkState, config: MatchConfig) -> pl.DataFrame:
    """Distinct compared values per node, with node constraint codes, one row per profile."""
    columns = _profile_columns(config)
    nodes = state.node[frame["_m_rid"].to_numpy()]
    rows = frame.select("_m_rid", "_m_new", *columns).with_columns(_m_node=pl.Series(nodes))
    profile = pl.struct("_m_node", *columns).hash(seed=5)  # rows are in record order, so
    first = profile.is_first_distinct()  # the first row of a profile has its smallest record
    if state.ex_row is not None:  # incremental: does the profile include a new record?
        rows = rows.with_columns(pl.col("_m_new").any().over(profile))
    profiles = rows.filter(first).rename({"_m_rid": REP})
    node_ids = profiles["_m_node"].to_numpy()
    codes = [pl.Series(f"_m_v{c}", state.values[c][node_ids])
             for c in range(state.values.shape[0])]
    return profiles.with_columns(codes)


def _profile_columns(config: MatchConfig) -> list[str]:
    names: list[str] = []
    for spec in config.fields:
        names.extend(compared_columns(spec))
    for block in (*config.blocking, *config.probabilistic.em_blocking):
        names.extend(block.columns)
        names.extend(c.removesuffix(INITIAL_SUFFIX) for c in block.columns)
    if config.link_only:  # a profile is also per source, so each source keeps its records
        names.append(config.link_only)
    return list(dict.fromkeys(names))


def _run_splink(
    con: duckdb.DuckDBPyConnection,
    tmp: Path,
    profiles: pl.DataFrame,
    state: LinkState,
    config: MatchConfig,
    progress: Callable[[str], None],
    model: dict[str, Any] | None,
    keep_below: float | None,
    count_pairs: bool,
) -> ScoredPairs:
    register_functions(con)
    profiles.write_parquet(tmp / "profiles.parquet")
    con.execute(f"CREATE TABLE profiles AS SELECT * FROM read_parquet('{tmp}/profiles.parquet')")
    warnings: list[str] = []
    spec = config.probabilistic
    within = priors.within_pairs(profiles)
    keys = priors.from_keys(within, profiles.height, spec.recall)
    if model is None:
        start = spec.prior or keys or min(0.5, 1.0 / profiles.height)
        linker = _train(con, _settings(config, state, start), config, profiles.height,
                        warnings, progress)
        trained: dict[str, Any] | None = trained_parts(linker.misc.save_model_to_json())
    else:  # the stored model brings its prior: no estimate (nor its warning) from this batch
        progress("probabilistic: using the stored model")
        start = model["probability_two_random_records_match"]
        settings = _settings(config, state, start)
        linker, trained = _linker(con, {**settings, "comparisons": model["comparisons"]}), None
    floor = config.threshold if keep_below is None else min(keep_below, config.threshold)
    estimate = model is None and spec.prior is None
    progress("probabilistic: scoring candidate pairs")
    table = _predict(linker, start, floor, estimate, keep_below is not None)
    if estimate:
        weights = con.execute(f"SELECT match_weight FROM {table}").fetchnumpy()["match_weight"]
        em = priors.from_pairs(weights, start, within, profiles.height)
        said: list[str] = []  # the prior's warnings come first, as the prior comes first
        used = priors.choose(keys, em, profiles.height, said)
        warnings[:0] = said
    else:
        used = priors.Prior(used=start, source="model" if model else "config")
    if trained is not None:
        trained["probability_two_random_records_match"] = used.used
    progress(f"probabilistic: prior {used.used:.3g} ({used.source})")
    shift = priors.log2_odds(used.used) - priors.log2_odds(start)
    pairs = _read_pairs(con, tmp, table, config, floor, shift)
    above = int((pairs["score"] >= config.threshold).sum())
    progress(f"probabilistic: {above} pairs above {config.threshold}")
    compared = _compared_pairs(con, config, state) if count_pairs else None
    return ScoredPairs(pairs=pairs, warnings=warnings, model=trained, prior=used,
                       compared=compared)


def _predict(linker: Linker, start: float, floor: float, estimate: bool, every: bool) -> str:
    """Score candidate pairs; return the table of those kept.

    To estimate the prior every pair with a Bayes factor of at least 1 is kept (the others
    add at most the prior each to the expected number of matches); otherwise those at least
    `floor` likely, or every pair when `every`.
    """
    if every or floor <= 0:
        predictions = linker.inference.predict()
    elif estimate:
        predictions = linker.inference.predict(threshold_match_weight=priors.log2_odds(start))
    else:
        predictions = linker.inference.predict(threshold_match_probability=floor)
    return str(predictions.physical_name)


def _settings(config: MatchConfig, state: LinkState, prior: float) -> dict[str, object]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": REP,
        "probability_two_random_records_match": prior,
        "comparisons": [comparison(spec) for spec in config.fields],
        "blocking_rules_to_generate_predictions": [
            _prediction_rule(block, state, config) for block in config.blocking
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "max_iterations": config.probabilistic.em_max_iterations,
        "em_convergence": 0.0001,
    }


def _equality(block: BlockSpec) -> str:
    """Equality on every column; an initial is written on its source column, so that an EM
    session on it holds that field's comparison fixed as Splink does for blocked columns."""
    return " AND ".join(_equal(c) for c in block.columns)


def _equal(column: str) -> str:
    if column.endswith(INITIAL_SUFFIX):
        source = column.removesuffix(INITIAL_SUFFIX)
        return f'substr(l."{source}", 1, 1) = substr(r."{source}", 1, 1)'
    return f'l."{column}" = r."{column}"'


def _prediction_rule(block: BlockSpec, state: LinkState, config: MatchConfig) -> str:
    """Blocking SQL that also skips pairs the constraints or earlier links already decide.

    In link-only mode records of one source are never compared.
    """
    parts = [_equality(block), "l._m_node <> r._m_node"]
    if config.link_only:
        parts.append(f'l."{config.link_only}" <> r."{config.link_only}"')
    for c in range(state.values.shape[0]):
        if c == state.ex_row:
            parts.append("(l._m_new OR r._m_new)")
        else:
            v = f"_m_v{c}"
            parts.append(f"(l.{v} < 0 OR r.{v} < 0 OR l.{v} = r.{v})")
    return " AND ".join(parts)


def _linker(con: duckdb.DuckDBPyConnection, settings: dict[str, object]) -> Linker:
    return Linker("profiles", settings, db_api=DuckDBAPI(con), set_up_basic_logging=False)


def _train(
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, object],
    config: MatchConfig,
    size: int,
    warnings: list[str],
    progress: Callable[[str], None],
) -> Linker:
    """Estimate u by random sampling and m by EM; keep the starting values where EM cannot run.

    A failed EM session can leave Splink's model half-edited, so each one starts from a saved
    copy and the copy is restored when it fails.
    """
    spec = config.probabilistic
    linker = _linker(con, settings)
    progress("probabilistic: estimating u by random sampling")
    max_pairs = min(float(spec.u_max_pairs), size * (size - 1) / 2)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=spec.seed)
    for block in spec.em_blocking or config.blocking:
        name = "+".join(block.columns)
        pairs = _pair_count(con, block)
        if pairs < MIN_EM_PAIRS:
            warnings.append(f"EM on {name} skipped: {pairs} pairs; starting m kept")
            continue
        progress(f"probabilistic: EM on {name} ({pairs} pairs)")
        saved = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                _equality(block), estimate_without_term_frequencies=True
            )
        except Exception as exc:  # Splink raises plain errors on degenerate blocks
            warnings.append(f"EM on {name} failed ({exc}); starting m kept")
            linker = _linker(con, saved)
    return linker


def _compared_pairs(con: duckdb.DuckDBPyConnection, config: MatchConfig, state: LinkState) -> int:
    """Candidate pairs the prediction rules bring, each pair once (as Splink scores them)."""
    rules = [_prediction_rule(block, state, config) for block in config.blocking]
    total = 0
    for i, rule in enumerate(rules):
        earlier = " OR ".join(f"coalesce(({r}), false)" for r in rules[:i]) or "false"
        row = con.execute(
            f"SELECT count(*) FROM profiles l JOIN profiles r ON l.{REP} < r.{REP} "
            f"AND ({rule}) WHERE NOT ({earlier})"
        ).fetchone()
        total += int(row[0]) if row else 0
    return total


def _pair_count(con: duckdb.DuckDBPyConnection, block: BlockSpec) -> int:
    """Pairs a blocking rule yields over the profiles."""
    columns = ", ".join(f'"{c}"' for c in block.columns)
    present = " AND ".join(f'"{c}" IS NOT NULL' for c in block.columns)
    row = con.execute(
        f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM "
        f"(SELECT count(*) AS n FROM profiles WHERE {present} GROUP BY {columns})"
    ).fetchone()
    return int(row[0]) if row else 0


def _read_pairs(
    con: duckdb.DuckDBPyConnection, tmp: Path, table: str, config: MatchConfig, floor: float,
    shift: float,
) -> pl.DataFrame:
    """Fetch pairs at least `floor` likely with a JSON detail of compared values and levels.

    `shift` moves the match weights from the prior Splink scored with to the one chosen.
    """
    fields = [spec.name for spec in config.fields]
    weight = f"(match_weight + {shift!r})" if shift else "match_weight"
    score = f"1.0 / (1.0 + pow(2.0, -{weight}))" if shift else "match_probability"
    select = ", ".join(
        [f"{REP}_l AS left, {REP}_r AS right, {score} AS score, {weight} AS weight"]
        + [f'CAST("{f}_l" AS VARCHAR) AS "{f}_l", CAST("{f}_r" AS VARCHAR) AS "{f}_r", '
           f'gamma_{f} AS "{f}_g"' for f in fields]
    )
    out = tmp / "pairs.parquet"
    con.execute(f"COPY (SELECT {select} FROM {table} WHERE {score} >= {floor!r}) "
                f"TO '{out}' (FORMAT parquet)")
    raw = pl.read_parquet(out)
    detail = pl.struct(
        [pl.struct(l=pl.col(f"{f}_l"), r=pl.col(f"{f}_r"), gamma=pl.col(f"{f}_g")).alias(f)
         for f in fields]
    ).struct.json_encode()
    return raw.select("left", "right", "score", "weight", detail.alias("detail")).cast(
        PAIR_SCHEMA  # type: ignore[arg-type]
    )

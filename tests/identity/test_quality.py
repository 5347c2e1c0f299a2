"""Match quality on realistic synthetic customers with known truth (Splink engaged)."""

from __future__ import annotations

import polars as pl
import pytest

from autocrm.identity.config import customers_config
from autocrm.identity.engine import MatchResult, match
from autocrm.identity.evaluate import pairwise_scores
from tests.identity.synth_people import records


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    frame = records(900, seed=7)
    assert frame.height == 2066
    return frame


@pytest.fixture(scope="module")
def full_run(people: pl.DataFrame) -> MatchResult:
    return match(people.drop("pid"), customers_config())


def _truth(people: pl.DataFrame) -> pl.DataFrame:
    return people.select("record_id", pl.col("pid").alias("cluster_id"))


def test_two_thousand_records_reach_f1_095(people: pl.DataFrame, full_run: MatchResult) -> None:
    scores = pairwise_scores(full_run.clusters, _truth(people), "record_id")

    assert full_run.warnings == []
    assert full_run.clusters.height == people.height
    assert scores.f1 >= 0.95
    assert scores.precision >= 0.99
    rules = set(full_run.evidence["rule"].to_list())
    assert rules == {"det:id_number", "det:phone", "det:vin_name", "splink"}
    splink = full_run.evidence.filter(pl.col("rule") == "splink")
    assert splink["score"].min() >= 0.9  # type: ignore[operator]


def test_splink_links_typos_that_keys_miss(full_run: MatchResult) -> None:
    splink = full_run.evidence.filter(pl.col("rule") == "splink")
    names = splink["detail"].str.json_decode().struct.field("name")
    pairs = set(zip(names.struct.field("l").to_list(), names.struct.field("r").to_list(),
                    strict=True))

    assert any(left != right for left, right in pairs if left and right)


def test_incremental_run_places_new_records_like_a_full_run(
    people: pl.DataFrame, full_run: MatchResult
) -> None:
    old_ids = people["record_id"].filter(people["record_id"] <= 1700)
    existing = people.drop("pid").join(full_run.clusters, on="record_id").filter(
        pl.col("record_id").is_in(old_ids.implode())
    )
    new = people.drop("pid").filter(~pl.col("record_id").is_in(old_ids.implode()))

    result = match(new, customers_config(), existing=existing)

    placed = pl.concat([existing.select("record_id", "cluster_id"), result.clusters])
    scores = pairwise_scores(placed, _truth(people), "record_id")
    assert result.clusters.height == new.height
    assert scores.f1 >= 0.95
    assert result.merges.columns == ["cluster_a", "cluster_b", "rule", "score"]


def test_a_stored_model_scores_exactly_like_the_run_that_trained_it(
    people: pl.DataFrame, full_run: MatchResult
) -> None:
    assert full_run.model is not None
    assert set(full_run.model) == {"comparisons", "probability_two_random_records_match"}

    again = match(people.drop("pid"), customers_config(), model=full_run.model)

    assert again.model is None  # nothing trained
    assert again.clusters.equals(full_run.clusters)
    assert again.evidence.equals(full_run.evidence)


def test_incremental_run_with_the_full_runs_model_places_records_like_a_full_run(
    people: pl.DataFrame, full_run: MatchResult
) -> None:
    old = people.filter(pl.col("record_id") <= 1700).drop("pid")
    existing = old.join(full_run.clusters, on="record_id")
    new = people.drop("pid").filter(pl.col("record_id") > 1700)

    result = match(new, customers_config(), existing=existing, model=full_run.model)

    placed = pl.concat([existing.select("record_id", "cluster_id"), result.clusters])
    assert result.model is None
    assert pairwise_scores(placed, _truth(people), "record_id").f1 >= 0.95

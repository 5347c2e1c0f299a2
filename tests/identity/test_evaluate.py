"""Pairwise scores from cluster sizes."""

from __future__ import annotations

import polars as pl
import pytest

from autocrm.identity.evaluate import Scores, pairwise_scores


def _clusters(labels: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"rid": list(range(1, len(labels) + 1)), "cluster_id": labels})


def test_hand_computed_example() -> None:
    # pred {1,2,3,4} {5} {6}: 6 pairs; truth {1,2} {3,4,5} {6}: 4 pairs; together: 1-2, 3-4
    scores = pairwise_scores(_clusters([1, 1, 1, 1, 2, 3]), _clusters([1, 1, 2, 2, 2, 3]), "rid")

    assert scores == Scores(precision=pytest.approx(1 / 3), recall=0.5, f1=pytest.approx(0.4),
                            tp=2, fp=4, fn=2)


def test_singletons_everywhere_score_perfectly() -> None:
    scores = pairwise_scores(_clusters([1, 2, 3]), _clusters([7, 8, 9]), "rid")

    assert scores == Scores(precision=1.0, recall=1.0, f1=1.0, tp=0, fp=0, fn=0)


def test_column_names_are_configurable_and_ids_must_match() -> None:
    truth = _clusters([5, 5, 6]).rename({"cluster_id": "person"})

    scores = pairwise_scores(_clusters([1, 1, 1]), truth, "rid", truth_column="person")

    assert (scores.tp, scores.fp, scores.fn) == (1, 2, 0)
    with pytest.raises(ValueError, match="same ids"):
        pairwise_scores(_clusters([1, 1]), _clusters([1, 1, 1]), "rid")

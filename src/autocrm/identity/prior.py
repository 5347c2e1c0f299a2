"""The match prior (probability that two random records match), estimated two ways.

From the keys: pairs the deterministic stage put together, divided by the assumed recall of
the keys (Splink's `estimate_probability_two_random_records_match`). It collapses when the
keys are strict: a full name + birth date key on a table where most duplicates differ in one
field sees only the exact copies, and the prior comes out ten or a hundred times too low.

From the candidate pairs by EM: with m and u trained, the prior alone is re-estimated as the
expected share of matches over all pairs (pairs the keys joined count as matches, pairs no
blocking rule brings as non-matches). It needs no key. Reversing the blocking of Splink's
EM sessions (`populate_probability_two_random_records_match_from_trained_values`) was tried
first: on strong identifiers (phone, name + birth date) u by random sampling is inflated by
the true matches it draws, and the estimate came out a hundred times too high.

The larger of the two is used, and a disagreement beyond a factor of ten is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

DISAGREE = 10.0  # estimates further apart than this factor are reported
MAX_STEPS = 200


@dataclass(frozen=True)
class Prior:
    """The prior a run used, where it came from, and the estimates it was chosen from."""

    used: float
    source: str  # "keys", "em", "config", "model" or "fallback"
    keys: float | None = None
    em: float | None = None


def from_keys(within: float, size: int, recall: float) -> float | None:
    """Pairs inside deterministic nodes over all pairs, scaled by the keys' recall.

    Counting transitive node pairs (not just pairs one rule finds directly) keeps the
    estimate up when the keys are strict, but not enough when they catch few matches.
    """
    if within == 0:
        return None
    return min(0.5, within / recall / _total(size))


def within_pairs(profiles: pl.DataFrame) -> float:
    """Pairs of profiles that share a deterministic node."""
    sizes = profiles["_m_node"].value_counts()["count"].to_numpy().astype(np.float64)
    return float((sizes * (sizes - 1) / 2).sum())


def from_pairs(weights: np.ndarray, start: float, within: float, size: int) -> float | None:
    """EM on the prior alone, m and u fixed: the expected share of matches over all pairs.

    `weights` are the match weights Splink gave the candidate pairs under the prior `start`;
    pairs inside deterministic nodes (`within`) count as matches, pairs never scored as
    non-matches. Each step sets the prior to the expected number of matches over all pairs.
    None when there is nothing to learn from; never below one match in all pairs.
    """
    if not weights.size and not within:
        return None
    total = _total(size)
    log_bf = np.asarray(weights, dtype=np.float64) - log2_odds(start)
    bf = np.exp2(np.clip(log_bf, -200.0, 200.0))
    lam = min(0.5, max(start, (within + 1.0) / total))
    for _ in range(MAX_STEPS):
        odds = lam / (1 - lam)
        expected = within + float((odds * bf / (odds * bf + 1.0)).sum())
        new = min(0.5, max(expected, 1.0) / total)
        if abs(new - lam) <= 1e-6 * lam:
            return new
        lam = new
    return lam


def log2_odds(p: float) -> float:
    """Match weight of a probability."""
    return math.log2(p / (1 - p))


def choose(keys: float | None, em: float | None, size: int, warnings: list[str]) -> Prior:
    """Take the larger estimate; say when they disagree widely or there is none."""
    if em is None:  # no candidate pairs to learn from
        if keys is not None:
            return Prior(used=keys, source="keys", keys=keys)
        warnings.append("no deterministic matches to estimate the prior; assuming 1 per record")
        return Prior(used=min(0.5, 1.0 / size), source="one per record")
    if keys is None:
        warnings.append(f"no deterministic matches to estimate the prior; using {em:.3g} "
                        "from EM over the candidate pairs")
        return Prior(used=em, source="em", keys=None, em=em)
    if max(keys, em) > DISAGREE * min(keys, em):
        warnings.append(
            f"prior estimates disagree: {keys:.3g} from the deterministic keys (recall "
            f"assumed), {em:.3g} from EM over the candidate pairs; using {max(keys, em):.3g}"
        )
    return Prior(used=max(keys, em), source="keys" if keys >= em else "em", keys=keys, em=em)


def _total(size: int) -> float:
    return max(size * (size - 1) / 2, 1.0)

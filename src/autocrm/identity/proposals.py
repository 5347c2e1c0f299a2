"""Merge proposals: one per pair of customers, never again for a pair a steward kept apart."""

from __future__ import annotations

from collections.abc import Iterable

from autocrm.core import bulk

# A pending proposal needs no twin; a rejected or split pair stays apart.
BLOCKING = ("pending", "rejected", "split")


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def known_pairs(customer_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Return the pairs among these customers that are pending or decided as different."""
    ids = sorted(set(customer_ids))
    statuses = ", ".join(f"'{s}'" for s in BLOCKING)
    rows = bulk.select_in(
        "SELECT customer_a, customer_b FROM identity_mergeproposal "
        f"WHERE status IN ({statuses}) AND customer_a IN ({{}})", ids)
    rows += bulk.select_in(
        "SELECT customer_a, customer_b FROM identity_mergeproposal "
        f"WHERE status IN ({statuses}) AND customer_b IN ({{}})", ids)
    return {_pair(a, b) for a, b in rows}


def propose(candidates: Iterable[tuple[int, int, str, float]], load_id: int | None) -> int:
    """Insert a pending proposal per new pair (a, b, rule, score); return how many."""
    fresh: dict[tuple[int, int], tuple[str, float]] = {}
    for a, b, rule, score in candidates:
        if a != b:
            fresh.setdefault(_pair(a, b), (rule, score))
    if not fresh:
        return 0
    skip = known_pairs({c for pair in fresh for c in pair})
    rows = [(a, b, rule, score, load_id, "pending")
            for (a, b), (rule, score) in fresh.items() if (a, b) not in skip]
    if rows:
        bulk.insert_rows(
            "identity_mergeproposal",
            ["customer_a", "customer_b", "rule", "score", "load_id", "status"], rows)
    return len(rows)

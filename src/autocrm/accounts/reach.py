"""The dealer-code rule: which dealer codes an actor reaches, written once.

Rows that carry only a dealer code (loads, interface notices, quality issues) are scoped by
this rule alone; `customers.scoping` applies it too, to rows whose customer is unknown.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from autocrm.accounts.actor import Actor

M = TypeVar("M", bound=Model)


def reached_code(actor: Actor) -> str | None:
    """Return None if the actor reaches every dealer code, else the one code they reach.

    HQ reaches every code; a dealer's user only their own dealer's, never the blank code;
    a dealer-side user without a dealer gets "" and so reaches none.
    """
    if not actor.dealer_side:
        return None
    return actor.dealer_code or ""


def reaches_dealer(code: str, actor: Actor) -> bool:
    """Return whether the actor reaches a (non-blank) dealer code."""
    mine = reached_code(actor)
    return bool(code) and (mine is None or code == mine)


def dealer_q(actor: Actor, column: str = "dealer_code") -> Q:
    """Return the condition on a dealer-code column that keeps the codes the actor reaches."""
    mine = reached_code(actor)
    if mine is None:
        return Q()
    return Q(**{column: mine}) if mine else Q(pk__in=[])


def dealer_rows(rows: QuerySet[M], actor: Actor, column: str = "dealer_code") -> QuerySet[M]:
    """Narrow rows that carry a dealer code to those the actor reaches."""
    return rows.filter(dealer_q(actor, column))


def dealer_sql(actor: Actor, column: str) -> tuple[str, list[Any]]:
    """Return a SQL condition on a dealer-code column and its parameters, by the same rule."""
    mine = reached_code(actor)
    if mine is None:
        return "1=1", []
    return (f"{column} = %s", [mine]) if mine else ("1=0", [])

"""The one scoping layer: what of any rows with a customer and/or a dealer code an actor reaches.

The rule, decided here only:

- every read needs the right for its kind of data (`profile` unless told): lacking it is
  Forbidden (403), whatever the row;
- HQ (and the command line) reaches every row;
- a dealer's user reaches a customer related to their dealer through `CustomerDealer`
  (bought, serviced, club member or in the dealer's records there), and every row of that
  customer, whichever dealer wrote it;
- a row with only a dealer code (a load, a notice, an issue) follows the dealer-code rule
  of `accounts.reach`: the user's own dealer, never a blank code;
- a row with both is reachable if its customer is; if its customer is unknown (null), its
  dealer code decides;
- one row out of reach is NotFound (404), never 403, so that its existence does not leak.

Bulk reads use `scope`/`reachable_customers` (subqueries, no ids in Python); raw SQL, DuckDB
and Polars reads put `reach_sql` in their WHERE clause.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from autocrm.accounts.actor import Actor
from autocrm.accounts.reach import dealer_q, dealer_sql, reached_code
from autocrm.core.errors import NotFound
from autocrm.customers.models import Customer, CustomerDealer

M = TypeVar("M", bound=Model)
NOT_FOUND = {"customer": gettext_lazy("customer %(id)s not found"),
             "load": gettext_lazy("load %(id)s not found"),
             "dealer": gettext_lazy("dealer %(id)s not found"),
             "notice": gettext_lazy("interface notice %(id)s not found")}


def _not_found(what: str, pk: Any) -> NotFound:
    return NotFound(str(NOT_FOUND[what]) % {"id": pk})


def _related(code: str) -> QuerySet[CustomerDealer, Any]:
    """Return the ids of the customers related to a dealer, as a subquery."""
    return CustomerDealer.objects.filter(dealer_code=code).values("customer_id")


def scope_each(rows: QuerySet[M], actor: Actor, customer: str = "customer_id") -> QuerySet[M]:
    """Narrow rows to reachable customers row by row (a correlated EXISTS on the dealer's
    relation): for a read that walks an index of its own and stops at a few rows, where
    `customer IN (the dealer's customers)` makes the planners walk the dealer's customers."""
    code = reached_code(actor)
    if code is None:
        return rows
    if not code:
        return rows.none()
    related = CustomerDealer.objects.filter(dealer_code=code, customer_id=OuterRef(customer))
    return rows.filter(Exists(related))


def _condition(actor: Actor, customer: str | None, dealer: str | None) -> Q | None:
    """Return the condition a dealer's user's rows must meet, or None for HQ (no condition)."""
    code = reached_code(actor)
    if code is None:
        return None
    if customer is None:
        if dealer is None:
            raise ValueError("scope needs a customer or a dealer column")
        return dealer_q(actor, dealer)
    mine = Q(**{f"{customer}__in": _related(code)}) if code else Q(pk__in=[])
    if dealer is not None:
        mine |= Q(**{f"{customer}__isnull": True}) & dealer_q(actor, dealer)
    return mine


def scope(rows: QuerySet[M], actor: Actor, *, customer: str | None = "customer_id",
          dealer: str | None = None, right: str = "profile") -> QuerySet[M]:
    """Narrow rows to those the actor reaches, by their customer and/or dealer-code column.

    Raise Forbidden if the actor lacks `right`. A column may follow a relation
    (`ownerships__customer_id`); the rows are then kept once each.
    """
    actor.require(right)
    condition = _condition(actor, customer, dealer)
    if condition is None:
        return rows
    if "__" in f"{customer or ''}{dealer or ''}":
        return rows.filter(pk__in=rows.model._default_manager.filter(condition).values("pk"))
    return rows.filter(condition)


def get_scoped(rows: QuerySet[M], pk: Any, actor: Actor, what: str = "customer", *,
               customer: str | None = "customer_id", dealer: str | None = None,
               right: str = "profile") -> M:
    """Return the row `pk` if the actor reaches it, else raise NotFound (never 403: no leak)."""
    found = scope(rows, actor, customer=customer, dealer=dealer, right=right).filter(pk=pk)
    row = found.first()
    if row is None:
        raise _not_found(what, pk)
    return row


def reachable_customers(actor: Actor, right: str = "profile") -> QuerySet[Customer]:
    """Return the customers the actor reaches (for HQ all of them, with no condition)."""
    return scope(Customer.objects.all(), actor, customer="id", right=right)


def check_reachable(customer_id: int, actor: Actor, right: str = "profile") -> None:
    """Raise unless the actor reaches the customer.

    HQ needs no query (a missing id is NotFound where it is read); a dealer's user needs the
    dealer relation.
    """
    if reached_code(actor) is None:
        actor.require(right)
    elif not reachable_customers(actor, right).filter(id=customer_id).exists():
        raise _not_found("customer", customer_id)


def reach_sql(actor: Actor, customer: str | None, *, dealer: str | None = None,
              right: str = "profile") -> tuple[str, list[Any]]:
    """Return a SQL condition (with `%s` parameters) keeping the rows the actor reaches.

    `customer` and `dealer` name the columns as the query spells them (`c.id`,
    `l.dealer_code`); the condition follows the same rule as `scope`, so a figure computed
    in SQL, DuckDB or Polars cannot count another dealer's rows. Raise Forbidden without
    `right`.
    """
    actor.require(right)
    code = reached_code(actor)
    if code is None:
        return "1=1", []
    if customer is None:
        if dealer is None:
            raise ValueError("reach_sql needs a customer or a dealer column")
        return dealer_sql(actor, dealer)
    if code:
        sub, params = _related(code).query.sql_with_params()
        sql, out = f"{customer} IN ({sub})", list(params)
    else:
        sql, out = "1=0", []
    if dealer is not None:
        by_dealer, more = dealer_sql(actor, dealer)
        sql, out = f"({sql} OR ({customer} IS NULL AND {by_dealer}))", [*out, *more]
    return sql, out

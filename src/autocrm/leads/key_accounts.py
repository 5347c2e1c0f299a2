"""Key accounts (L7, T5): companies (USCC) with a car, and customers with several current
cars. Kept by each load for its customers (and in full by `autocrm leads key-accounts`),
listed and exported in the scope of the one scoping layer, each with a responsible person."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import polars as pl
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.accounts import masking
from autocrm.accounts.actor import Actor, actor_for
from autocrm.core import audit, bulk
from autocrm.core.errors import Forbidden, InputError, NotFound
from autocrm.customers import dealer_links, scoping
from autocrm.customers.models import Customer
from autocrm.customers.selectors import kinds
from autocrm.leads.models import CLOSED, KeyAccount, Lead
from autocrm.vehicles.selectors import current_cars

TABLE = KeyAccount._meta.db_table
OWN = ("bought", "serviced", "dms")  # the dealers a key account deals with


def refresh(customer_ids: Collection[int] | None = None) -> dict[str, int]:
    """Make KeyAccount match the data for these customers (all with None): added, removed,
    changed. A responsible person stays with the account."""
    ids = None if customer_ids is None else sorted(set(customer_ids))
    if ids == []:
        return {"added": 0, "removed": 0, "changed": 0}
    cars = current_cars(ids).group_by("customer_id").agg(pl.len().alias("cars"))
    kind = kinds(cars["customer_id"].to_list()).select("customer_id", "kind")
    wanted = cars.join(kind, on="customer_id").filter(
        (pl.col("kind") == "company") | (pl.col("cars") >= 2)).select(
        "customer_id", pl.when(pl.col("kind") == "company").then(pl.lit("company"))
        .otherwise(pl.lit("several_cars")).alias("kind"), pl.col("cars").cast(pl.Int64))
    schema = {"id": pl.Int64, "customer_id": pl.Int64, "kind": pl.Utf8, "cars": pl.Int64}
    sql = f"SELECT id, customer_id, kind, cars FROM {TABLE}"
    if ids is None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            have = pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")
    else:
        have = bulk.select_frame(sql + " WHERE customer_id IN ({})", ids, schema)
    gone = have.join(wanted, on="customer_id", how="anti")
    new = wanted.join(have, on="customer_id", how="anti")
    changed = have.join(wanted, on="customer_id", suffix="_new").filter(
        (pl.col("kind") != pl.col("kind_new")) | (pl.col("cars") != pl.col("cars_new")))
    with transaction.atomic():
        bulk.delete_in(TABLE, "id", gone["id"].to_list())
        bulk.insert_frame(TABLE, new.with_columns(
            pl.lit(timezone.localdate()).alias("since")))
        bulk.update_frame(TABLE, "id", changed.select(
            "id", pl.col("kind_new").alias("kind"), pl.col("cars_new").alias("cars")))
    return {"added": new.height, "removed": gone.height, "changed": changed.height}


def visible(actor: Actor, kind: str = "") -> QuerySet[KeyAccount]:
    """The key accounts whose customer the actor reaches (a dealer: its own customers)."""
    rows = scoping.scope(KeyAccount.objects.select_related("responsible"), actor,
                         customer="customer_id", right="leads")
    if kind:
        if kind not in KeyAccount.Kind.values:
            raise InputError(_("kind: %(value)r is not one of %(known)s") % {
                "value": kind, "known": ", ".join(KeyAccount.Kind.values)}, code="bad_kind")
        rows = rows.filter(kind=kind)
    return rows


def rows_out(actor: Actor, accounts: list[KeyAccount]) -> list[dict[str, Any]]:
    """The accounts as the actor may see them: name, mobile masked by role, cars, models,
    dealers (a dealer's user sees only its own code), open leads, responsible person."""
    ids = [a.customer_id for a in accounts]
    people = {c["id"]: c for c in Customer.objects.filter(id__in=ids).values(
        "id", "name", "phone", "unified_id")}
    models = current_cars(ids).group_by("customer_id").agg(pl.col("model").unique().sort())
    model_of = dict(models.iter_rows())
    dealers: dict[int, list[str]] = {}
    for cid, code in dealer_links.latest(ids, OWN).iter_rows():
        if not actor.dealer_side or code == actor.dealer_code:
            dealers.setdefault(cid, []).append(code)
    leads = dict(Lead.objects.filter(customer_id__in=ids).exclude(stage__in=CLOSED).values_list(
        "customer_id").annotate(n=Count("id")).values_list("customer_id", "n"))
    out = []
    for a in accounts:
        person: Mapping[str, Any] = people.get(a.customer_id) or {}
        out.append({
            "customer_id": a.customer_id, "unified_id": person.get("unified_id", ""),
            "name": masking.shown(actor, "name", person.get("name", ""))[0] or "",
            "phone": masking.shown(actor, "phone", person.get("phone", ""))[0] or "",
            "kind": a.kind, "kind_label": str(a.get_kind_display()), "cars": a.cars,
            "models": [m for m in model_of.get(a.customer_id, []) if m],
            "dealers": dealers.get(a.customer_id, []),
            "open_leads": leads.get(a.customer_id, 0),
            "responsible": a.responsible.get_username() if a.responsible else "",
            "since": a.since})
    return out


EXPORT_MAX = 100_000


def export(actor: Actor, kind: str = "") -> tuple[pl.DataFrame, int]:
    """The actor's key accounts as a table for Excel (at most EXPORT_MAX rows, the largest
    fleets first), audited as an export; return it and the number in scope."""
    rows = visible(actor, kind)
    total = rows.count()
    out = []
    page = list(rows.order_by("-cars", "customer_id")[:EXPORT_MAX])
    for start in range(0, len(page), 5_000):
        out.extend(rows_out(actor, page[start:start + 5_000]))
    frame = pl.DataFrame([{**r, "models": "、".join(r["models"]),
                           "dealers": "、".join(r["dealers"]), "since": r["since"]}
                          for r in out]) if out else pl.DataFrame()
    audit.record_access("export", "key_account", kind or "all", actor=actor.user,
                        count=len(out), total=total)
    return frame, total


@transaction.atomic
def set_responsible(actor: Actor, customer_id: int, username: str) -> KeyAccount:
    """HQ names the person responsible for a key account (an active HQ user)."""
    if not actor.can("lead_assign") or actor.dealer_side:
        raise Forbidden(_("naming a key account's responsible person needs the lead_assign "
                          "right at HQ"), code="forbidden")
    account = visible(actor).select_for_update(of=("self",)).filter(
        customer_id=customer_id).first()
    if account is None:
        raise NotFound(_("key account %(id)s not found") % {"id": customer_id})
    person: Any = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None or actor_for(person).dealer_side:
        raise InputError(_("responsible: %(name)r is not an active HQ user") % {
            "name": username}, code="bad_responsible")
    old = account.responsible.get_username() if account.responsible else ""
    account.responsible = person
    account.save(update_fields=["responsible"])
    audit.record("key_account_responsible", "key_account", customer_id, actor=actor.user,
                 customer_id=customer_id, old=old, new=username)
    return account

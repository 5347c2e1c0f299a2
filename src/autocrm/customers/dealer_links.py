"""How customers relate to dealers: the relations the batch derives from records and repairs.

A relation is a dealer's reach to a customer (the scoping layer reads it). The batch derives
`bought`, `dms` and `club` from the feeds configured with a `dealer_relation`, and `serviced`
from the repairs of the customer's cars; other relations (a lead assigned to a dealer, a
complaint routed to one) are written by their own services and never touched here.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from autocrm.core import bulk
from autocrm.customers.models import CustomerDealer
from autocrm.sources.config import dealer_relations, is_feed
from autocrm.vehicles import repairs

TABLE = CustomerDealer._meta.db_table
SERVICED = "serviced"
COLUMNS = ["customer_id", "dealer_code", "relation", "first_at", "last_at"]


def derived() -> list[str]:
    """Return the relations the batch derives (and so may rewrite)."""
    return sorted({*dealer_relations().values(), SERVICED})


def customers_of(*frames: pl.DataFrame) -> list[int]:
    """Return the customers of the dealer-relation rows of these frames: those whose derived
    record relations they can change."""
    feeds = is_feed(dealer_relations())
    return sorted({c for frame in frames if frame.height
                   for c in frame.filter(feeds)["customer_id"].drop_nulls().to_list()})


def write(profile: pl.DataFrame, customers: list[int],
          serviced: Collection[int] | None = None) -> None:
    """Recompute the derived relations of customers; write only what changed.

    `customers` get their record relations recomputed from their records in `profile` (which
    holds all of them); `serviced` (all of `customers` when None) get their `serviced`
    relations recounted from their vehicles' repairs. Relations the batch does not derive
    stay as they are. Most customers a daily load touches keep their dealers, so rows are
    compared, not deleted and written again.
    """
    recount = customers if serviced is None else sorted(serviced)
    links = _derive(profile, customers, recount)
    kinds = derived()
    old = bulk.select_frame(
        "SELECT id, customer_id, dealer_code, relation, CAST(first_at AS TEXT), "
        f"CAST(last_at AS TEXT) FROM {TABLE} WHERE relation IN "
        f"({', '.join(repr(k) for k in kinds)}) AND customer_id IN ({{}})",
        sorted(set(customers) | set(recount)),
        {"id": pl.Int64, "customer_id": pl.Int64, "dealer_code": pl.Utf8, "relation": pl.Utf8,
         "first_at": pl.Utf8, "last_at": pl.Utf8},
    ).with_columns(pl.col("first_at", "last_at").str.to_date()).filter(
        pl.when(pl.col("relation") == SERVICED).then(pl.col("customer_id").is_in(recount))
        .otherwise(pl.col("customer_id").is_in(customers))
    )
    kept = old.join(links, on=COLUMNS, how="semi", nulls_equal=True)
    bulk.delete_in(TABLE, "id", old.join(kept, on="id", how="anti")["id"].to_list())
    bulk.insert_frame(TABLE, links.join(kept, on=COLUMNS, how="anti", nulls_equal=True))


def _derive(profile: pl.DataFrame, customers: list[int], recount: list[int]) -> pl.DataFrame:
    """Return (COLUMNS): record relations of `customers` from their records, serviced
    relations of `recount` from their vehicles' repairs."""
    wanted = pl.DataFrame({"customer_id": customers}, schema={"customer_id": pl.Int64})
    if profile.is_empty():  # none of their records is of a dealer-relation feed
        profile = pl.DataFrame(schema={"customer_id": pl.Int64, "source": pl.Utf8,
                                       "feed": pl.Utf8, "dealer_code": pl.Utf8,
                                       "event_day": pl.Date})
    relation = pl.concat_str(["source", "feed"], separator="/").replace_strict(
        {f"{s}/{f}": r for (s, f), r in dealer_relations().items()}, default=None)
    rel = profile.select("customer_id", "source", "feed", "dealer_code", "event_day").filter(
        is_feed(dealer_relations()) & pl.col("dealer_code").is_not_null()
    ).join(wanted, on="customer_id", how="semi").with_columns(relation.alias("relation"))
    links = rel.group_by(["customer_id", "dealer_code", "relation"]).agg(
        pl.col("event_day").min().alias("first_at"), pl.col("event_day").max().alias("last_at")
    )
    serviced = repairs.serviced(recount).with_columns(pl.lit(SERVICED).alias("relation"))
    return pl.concat([links.select(serviced.columns), serviced], how="vertical_relaxed").select(
        COLUMNS)


def remove(customer_ids: Collection[int]) -> None:
    """Remove every relation of customers that no longer exist."""
    bulk.delete_in(TABLE, "customer_id", sorted(customer_ids))


def replace(relation: str, customer_ids: Collection[int], pairs: pl.DataFrame) -> None:
    """Make `pairs` (customer_id, dealer_code, first_at) the whole of a service-written
    relation (a lead assigned to a dealer) for these customers."""
    if relation in derived():
        raise ValueError(f"{relation!r} is derived by the batch, not written by a service")
    bulk.execute_in(f"DELETE FROM {TABLE} WHERE relation = %s AND customer_id IN ({{}})",
                    sorted(customer_ids), [relation])
    if pairs.height:
        bulk.insert_frame(TABLE, pairs.unique(["customer_id", "dealer_code"]).select(
            "customer_id", "dealer_code", pl.lit(relation).alias("relation"),
            pl.col("first_at").cast(pl.Date), pl.col("first_at").cast(pl.Date).alias("last_at")))


def latest(customer_ids: Collection[int], relations: Collection[str]) -> pl.DataFrame:
    """Return (customer_id, dealer_code) ranked per customer: the dealers these customers have
    one of `relations` with, the most recent relation first."""
    links = bulk.select_frame(
        f"SELECT customer_id, dealer_code, relation, CAST(last_at AS TEXT) FROM {TABLE} "
        "WHERE customer_id IN ({})", sorted(customer_ids),
        {"customer_id": pl.Int64, "dealer_code": pl.Utf8, "relation": pl.Utf8,
         "last_at": pl.Utf8})
    return links.filter(pl.col("relation").is_in(list(relations))).sort(
        ["customer_id", "last_at", "dealer_code"], descending=[False, True, False],
        nulls_last=True).select("customer_id", "dealer_code").unique(maintain_order=True)

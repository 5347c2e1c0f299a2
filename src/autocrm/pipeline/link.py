"""The link stage: give records without identity the customer they belong to.

A dealer's vehicle row names its owner by the dealer's customer number; a forum post names
only a nickname, which a web registration gave to one customer. Which feeds do this is
configuration (`owner_feed`, `registers_nickname`, `linked_by_nickname`), not code.
"""

from __future__ import annotations

import polars as pl

from autocrm.core.frames import assign, present
from autocrm.sources import key_store, record_store
from autocrm.sources.config import feeds_where, is_feed, sources

KIND = "nick"  # the identity-key kind of a registration's nickname
NICK = pl.col("nickname").str.slice(0, key_store.VALUE_MAX)


def lookup(column: str, keys: pl.Series, values: pl.Series) -> pl.Expr:
    """Map `column` through keys -> values (null where absent) without copying the frame."""
    return pl.col(column).replace_strict(keys, values, default=None, return_dtype=values.dtype)


def attach(records: pl.DataFrame, record_ids: pl.Series, customers: pl.Series) -> pl.DataFrame:
    """Give each record of `record_ids` that has no customer yet the matching one of `customers`."""
    return assign(records, pl.coalesce(
        pl.col("customer_id"), lookup("record_id", record_ids, customers)
    ).alias("customer_id"))


def link(records: pl.DataFrame) -> pl.DataFrame:
    """Give vehicle rows their owner and posts their registered nickname's customer."""
    return link_posts(link_vehicle_records(records))


def link_vehicle_records(records: pl.DataFrame) -> pl.DataFrame:
    """Give each dealer vehicle record the customer of its dealer's customer number."""
    for code, source in sources().items():
        for kind, feed in source.feeds.items():
            if feed.owner_feed:
                records = _link_owners(records, (code, kind), (code, feed.owner_feed))
    return records


def owner_found(records: pl.DataFrame) -> pl.Series:
    """Return the record ids of the batch's dealer vehicle rows whose owner is known: the
    owner's customer record is in the batch or stored (before matching: whether, not who)."""
    found: list[pl.Series] = []
    for code, source in sources().items():
        for kind, feed in source.feeds.items():
            if feed.owner_feed and "customer_no" in records.columns:
                refs = _refs(records, (code, kind))
                local = set(records.filter(is_feed([(code, feed.owner_feed)]))["record_key"])
                missing = sorted(set(refs["_ref"].to_list()) - local)
                stored = {k for k, _ in record_store.owners_by_key((code, feed.owner_feed),
                                                                     missing)}
                found.append(refs.filter(pl.col("_ref").is_in(local | stored))["record_id"])
    return pl.concat(found) if found else pl.Series("record_id", [], dtype=pl.Int64)


def _refs(records: pl.DataFrame, rows: tuple[str, str]) -> pl.DataFrame:
    """Return record_id and _ref (dealer|customer number) of the rows of feed `rows`."""
    ref = pl.concat_str([pl.col("dealer_code").fill_null(""), pl.col("customer_no")],
                        separator="|")
    return present(records, ["record_id", "source", "feed", "dealer_code", "customer_no"]
                   ).filter(is_feed([rows])).select("record_id", ref.alias("_ref"))


def _link_owners(records: pl.DataFrame, rows: tuple[str, str], owners: tuple[str, str]
                 ) -> pl.DataFrame:
    """Link the rows of feed `rows` to the customer of the `owners` record keyed by the row's
    dealer and customer number."""
    if "customer_no" not in records.columns:
        return records
    vehicles = _refs(records, rows)
    if vehicles.is_empty():
        return records
    local = present(records, ["source", "feed", "record_key", "customer_id"]).filter(
        is_feed([owners])
    ).select(pl.col("record_key").alias("_ref"), pl.col("customer_id").alias("_owner"))
    missing = sorted(set(vehicles["_ref"].to_list()) - set(local["_ref"].to_list()))
    stored = record_store.owners_by_key(owners, missing)
    known = pl.concat([
        local,
        pl.DataFrame(stored, schema={"_ref": pl.Utf8, "_owner": pl.Int64}, orient="row"),
    ]).unique("_ref", keep="first")
    linked = vehicles.join(known, on="_ref", how="inner").select("record_id", "_owner")
    return attach(records, linked["record_id"], linked["_owner"])


def registration_keys(records: pl.DataFrame) -> pl.DataFrame:
    """Return (record_id, customer_id, kind, value) of web registrations' nicknames."""
    if "nickname" not in records.columns:
        return pl.DataFrame()
    return present(records, ["record_id", "source", "feed", "customer_id", "nickname"]).filter(
        is_feed(feeds_where(lambda f: f.registers_nickname)) & pl.col("nickname").is_not_null()
        & pl.col("customer_id").is_not_null()
    ).select("record_id", "customer_id", pl.lit(KIND).alias("kind"),
             NICK.alias("value"))


def link_posts(records: pl.DataFrame) -> pl.DataFrame:
    """Give a post without a customer the one customer whose registration has its nickname.

    A nickname registered by more than one customer (小伟, 北京车友) attaches nothing.
    """
    if "nickname" not in records.columns:
        return records
    posts = present(records, ["record_id", "source", "feed", "customer_id", "nickname"]).filter(
        is_feed(feeds_where(lambda f: f.linked_by_nickname)) & pl.col("customer_id").is_null()
        & pl.col("nickname").is_not_null()
    ).with_columns(NICK)
    if posts.is_empty():
        return records
    nicks = posts["nickname"].unique().to_list()
    local = registration_keys(records).select(pl.col("value"), "customer_id")
    stored = pl.DataFrame(key_store.customers_of(KIND, nicks),
                          schema={"value": pl.Utf8, "customer_id": pl.Int64}, orient="row")
    owners = (pl.concat([local, stored]).unique().group_by("value")
              .agg(pl.col("customer_id").first(), pl.len().alias("n"))
              .filter(pl.col("n") == 1))
    linked = posts.join(owners, left_on="nickname", right_on="value").select(
        "record_id", pl.col("customer_id_right").alias("owner"))
    if linked.is_empty():
        return records
    return attach(records, linked["record_id"], linked["owner"])

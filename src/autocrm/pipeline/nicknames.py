"""Attach forum posts that carry only a nickname to the customer who registered that nickname."""

from __future__ import annotations

import polars as pl

from autocrm.core import bulk
from autocrm.core.frames import present
from autocrm.pipeline.profiles import attach

KIND = "nick"  # sources_identitykey.kind of a registration's nickname
NICK = pl.col("nickname").str.slice(0, 64)  # the width of sources_identitykey.value


def _is(source: str, feed: str) -> pl.Expr:
    return (pl.col("source") == source) & (pl.col("feed") == feed)


def registration_keys(records: pl.DataFrame) -> pl.DataFrame:
    """Return (record_id, customer_id, kind, value) of web registrations' nicknames."""
    if "nickname" not in records.columns:
        return pl.DataFrame()
    return present(records, ["record_id", "source", "feed", "customer_id", "nickname"]).filter(
        _is("WEB", "registration") & pl.col("nickname").is_not_null()
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
        _is("WEB", "post") & pl.col("customer_id").is_null() & pl.col("nickname").is_not_null()
    ).with_columns(NICK)
    if posts.is_empty():
        return records
    nicks = posts["nickname"].unique().to_list()
    local = registration_keys(records).select(pl.col("value"), "customer_id")
    stored = pl.DataFrame(
        bulk.select_in("SELECT value, customer_id FROM sources_identitykey "
                       f"WHERE kind = '{KIND}' AND value IN ({{}})", nicks),
        schema={"value": pl.Utf8, "customer_id": pl.Int64}, orient="row")
    owners = (pl.concat([local, stored]).unique().group_by("value")
              .agg(pl.col("customer_id").first(), pl.len().alias("n"))
              .filter(pl.col("n") == 1))
    linked = posts.join(owners, left_on="nickname", right_on="value").select(
        "record_id", pl.col("customer_id_right").alias("owner"))
    if linked.is_empty():
        return records
    return attach(records, linked["record_id"], linked["owner"])

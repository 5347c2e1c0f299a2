"""The search index: every way an agent may type a customer, one row per term.

Derived from the golden row (name, initials, ID number, every phone) and the customer's cars
(VIN, plate), rebuilt for the customers a load, a merge or a steward's decision touches. Tails
(a phone's last four, a VIN's last six to eight) are stored reversed, so that one ordered
index answers both a prefix and a tail on either database.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl
from pypinyin import lazy_pinyin

from autocrm.core import bulk
from autocrm.vehicles.selectors import cars_of

TABLE = "customers_searchterm"
SCHEMA = pl.Schema({"customer_id": pl.Int64, "kind": pl.Utf8, "value": pl.Utf8})
CUSTOMERS_SQL = (
    "SELECT id, name, name_pinyin, id_number, CAST(phones AS TEXT) FROM customers_customer "
    "WHERE id IN ({})"
)
# A plate starts with its province's one character (京, 晋, 粤 …); agents often leave it out.
PROVINCE = r"^[^\x00-\x7f]"
MAX_VALUE = 160


def refresh(customer_ids: Collection[int]) -> int:
    """Rebuild the terms of these customers (those that no longer exist lose theirs)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    if bulk.exists(f"SELECT 1 FROM {TABLE}"):
        bulk.delete_in(TABLE, "customer_id", ids)
    rows = bulk.select_frame(CUSTOMERS_SQL, ids, {
        "customer_id": pl.Int64, "name": pl.Utf8, "initials": pl.Utf8, "id_number": pl.Utf8,
        "phones": pl.Utf8})
    terms = build(rows, cars_of(ids))
    return bulk.insert_frame(TABLE, terms) if terms.height else 0


def build(customers: pl.DataFrame, cars: pl.DataFrame) -> pl.DataFrame:
    """Return the terms (SCHEMA) of customers (customer_id, name, initials, id_number, phones
    as JSON text) and their cars (customer_id, vin, plate)."""
    name = pl.col("name").fill_null("").str.replace_all(r"\s+", "").str.to_lowercase()
    phones = customers.select(
        "customer_id",
        pl.col("phones").fill_null("[]").str.json_decode(pl.List(pl.Utf8)).alias("value"),
    ).explode("value")
    plates = cars.filter(pl.col("plate").fill_null("") != "")
    vins = cars.filter(pl.col("vin").fill_null("") != "")
    parts = [
        customers.select("customer_id", pl.lit("name").alias("kind"), name.alias("value")),
        customers.select("customer_id", pl.lit("pinyin").alias("kind"),
                         _pinyin(customers["name"].fill_null("")).alias("value")),
        customers.select("customer_id", pl.lit("initials").alias("kind"),
                         pl.col("initials").alias("value")),
        customers.select("customer_id", pl.lit("id").alias("kind"),
                         pl.col("id_number").str.to_uppercase().alias("value")),
        phones.select("customer_id", pl.lit("phone").alias("kind"), "value"),
        phones.select("customer_id", pl.lit("phone_tail").alias("kind"),
                      pl.col("value").str.reverse()),
        vins.select("customer_id", pl.lit("vin").alias("kind"), pl.col("vin").alias("value")),
        vins.select("customer_id", pl.lit("vin_tail").alias("kind"),
                    pl.col("vin").str.reverse().alias("value")),
        plates.select("customer_id", pl.lit("plate").alias("kind"),
                      pl.col("plate").str.to_uppercase().alias("value")),
        plates.select("customer_id", pl.lit("plate_local").alias("kind"),
                      pl.col("plate").str.to_uppercase().str.replace(PROVINCE, "")
                      .alias("value")),
    ]
    return pl.concat([p.cast(SCHEMA) for p in parts]).filter(
        pl.col("value").fill_null("") != ""
    ).with_columns(pl.col("value").str.slice(0, MAX_VALUE)).unique(maintain_order=True)


def _pinyin(names: pl.Series) -> pl.Series:
    """Return each name's full pinyin without tones or spaces (张伟 -> zhangwei), for names in
    Chinese characters; a name in Latin letters is its own term (`name`)."""
    chars = names.str.split("").explode().unique().drop_nulls().to_list()
    mapping = {c: "".join(lazy_pinyin(c)).lower() if not c.isascii() else "" for c in chars}
    spelled = names.str.split("").list.eval(
        pl.element().replace_strict(mapping, default="", return_dtype=pl.Utf8)
    ).list.join("")
    return pl.Series("value", spelled).set(~names.str.contains(r"[^\x00-\x7f]"), "")

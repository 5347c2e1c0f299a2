"""The identity keys of stored records (ID number, phone, VIN, nickname), for later matching."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from autocrm.core import bulk
from autocrm.sources.models import IdentityKey

TABLE = IdentityKey._meta.db_table
VALUE_MAX = IdentityKey._meta.get_field("value").max_length or 64


def write(keys: pl.DataFrame) -> int:
    """Insert (record_id, customer_id, kind, value) rows, a customer's keys together."""
    return bulk.insert_frame(TABLE, keys, cluster="customer_id")


def any_stored() -> bool:
    """Return whether any key is stored (a first load has nothing to look up)."""
    return bulk.exists(f"SELECT 1 FROM {TABLE}")


def holders(keys: pl.DataFrame) -> pl.DataFrame:
    """Return (record_id, customer_id) of the stored records sharing a (kind, value) of `keys`."""
    return bulk.select_join_frame(
        f"SELECT DISTINCT i.record_id, i.customer_id FROM {{}} k JOIN {TABLE} i "
        "ON i.kind = k.kind AND i.value = k.value",
        keys.select("kind", "value"), {"record_id": pl.Int64, "customer_id": pl.Int64},
    )


def customers_of(kind: str, values: Sequence[str]) -> list[tuple[str, int]]:
    """Return (value, customer_id) of the stored keys of one kind with these values."""
    return [(v, c) for v, c in bulk.select_in(
        f"SELECT value, customer_id FROM {TABLE} WHERE kind = '{_kind(kind)}' "
        "AND value IN ({})", values)]


def _kind(kind: str) -> str:
    if not kind.isidentifier():
        raise ValueError(f"not a key kind: {kind!r}")
    return kind


def retire(record_ids: Sequence[int]) -> None:
    """Remove the keys of records a newer version replaces."""
    bulk.delete_in(TABLE, "record_id", record_ids)


def move(record_ids: Sequence[int], customer_id: int) -> None:
    """Give the keys of these records to another customer."""
    bulk.execute_in(f"UPDATE {TABLE} SET customer_id = %s WHERE record_id IN ({{}})",
                    record_ids, [customer_id])

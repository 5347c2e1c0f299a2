"""The publish stage's writers: the batch's records, their keys and their vehicles.

Each app writes its own tables; these functions only shape the batch for them.
"""

from __future__ import annotations

import polars as pl

from autocrm.core.frames import parts, present
from autocrm.pipeline.identify import identity_keys
from autocrm.pipeline.link import registration_keys
from autocrm.pipeline.records import IDENTITY_FIELDS, identity_frame, payload
from autocrm.sources import key_store, record_store
from autocrm.vehicles import build as vehicle_build
from autocrm.vehicles.models import VEHICLE_FIELDS

# A full load's keys are written for parts of the customers in turn, so the load's memory
# holds a part's keys, not all of them. A customer's keys stay together.
KEY_PART_ROWS = 2_000_000


def write_records(records: pl.DataFrame) -> None:
    """Insert the batch's source records with their payloads and held fields."""
    record_store.write(records, payload(records))


def write_keys(records: pl.DataFrame) -> None:
    """Index the strong keys of the batch's identity records for later incremental matching."""
    used = present(records, ["record_id", "customer_id", "identity", "source", *IDENTITY_FIELDS])
    for mine in parts(records.height, pl.col("customer_id"), KEY_PART_ROWS):
        part = used.filter(mine)
        key_store.write(identity_keys(identity_frame(part)).join(
            part.select("record_id", "customer_id"), on="record_id"
        ).select("record_id", "customer_id", "kind", "value"))
    key_store.write(registration_keys(records))


def owner_records(records: pl.DataFrame, old: pl.DataFrame) -> tuple[list[str], pl.DataFrame]:
    """Return the VINs of the cars the batch's owner rows (new or retired) name, and every
    owner record of those cars: the stored ones (read before the batch's own are written,
    so none comes twice) with the batch's."""
    rebuilt = vehicle_build.owner_vins(records, old)
    stored = (
        record_store.fetch("vin", rebuilt, feeds=vehicle_build.owner_feeds(),
                           fields=VEHICLE_FIELDS)
        if record_store.any_with_vin() else pl.DataFrame()
    )
    owners = pl.concat([records, stored], how="diagonal_relaxed") if stored.height else records
    return rebuilt, owners


def write_vehicles(records: pl.DataFrame, rebuilt: list[str], owners: pl.DataFrame
                   ) -> vehicle_build.Written:
    """Rebuild the cars of `rebuilt` from all their `owners` records; give the cars the batch
    only refers to (repairs, calls) an id."""
    return vehicle_build.write(owners, rebuilt, set(records["vin"].drop_nulls().to_list()))

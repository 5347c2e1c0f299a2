"""Put entries on the one contact timeline: one at a time from services, in bulk from the batch.

Every kind is registered in `kinds.KINDS`. The service that causes an entry (a follow-up, a
complaint's status change) audits its own change; these functions only write the entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from autocrm.accounts.actor import Actor
from autocrm.core import bulk
from autocrm.core.errors import InputError
from autocrm.core.frames import json_object, present
from autocrm.interactions import kinds
from autocrm.interactions.models import Interaction

TABLE = Interaction._meta.db_table
COLUMNS = ("customer_id", "vin", "kind", "occurred_at", "source", "dealer_code", "title",
           "summary", "detail", "origin", "record_id")
TITLE_MAX = Interaction._meta.get_field("title").max_length or 255


def _kind(code: str) -> kinds.Kind:
    try:
        return kinds.get(code)
    except KeyError as exc:
        raise InputError(str(exc.args[0]), code="unknown_kind") from None


@transaction.atomic
def add_event(
    actor: Actor, customer_id: int, kind: str, *, title: str = "", summary: str = "",
    detail: dict[str, Any] | None = None, occurred_at: dt.datetime | None = None,
    dealer_code: str = "", vin: str | None = None, source: str = "APP",
) -> Interaction:
    """Add one entry a person or service caused; `detail` keeps who entered it."""
    _kind(kind)
    by = getattr(actor.user, "username", "") or actor.role or "system"
    return Interaction.objects.create(
        customer_id=customer_id, kind=kind, title=title[:TITLE_MAX], summary=summary,
        detail={**(detail or {}), "by": by}, occurred_at=occurred_at or timezone.now(),
        dealer_code=dealer_code, vin=vin, source=source, origin=Interaction.Origin.SERVICE,
    )


def add_events(events: pl.DataFrame, select: Sequence[str | pl.Expr] | None = None) -> int:
    """Add many entries in one bulk write; return how many.

    `select` gives the table's columns (`COLUMNS`) as expressions of `events`, computed a slice
    at a time as the rows are written (the batch derives titles and details so); without it,
    `events` has those columns itself, `origin` and `record_id` optional.
    """
    if events.is_empty():
        return 0
    if select is None:
        unknown = set(events["kind"].unique().to_list()) - set(kinds.KINDS)
        if unknown:
            raise InputError(f"unknown timeline kind {sorted(unknown)[0]!r}", code="unknown_kind")
        select = [
            pl.col(c) if c in events.columns else _default(c) for c in COLUMNS
        ]
    return bulk.insert_frame(TABLE, events, cluster="customer_id", select=select)


def _default(column: str) -> pl.Expr:
    if column == "origin":
        return pl.lit(Interaction.Origin.SERVICE.value).alias(column)
    if column == "detail":
        return pl.lit("{}").alias(column)
    if column in ("record_id", "customer_id"):
        return pl.lit(None, pl.Int64).alias(column)
    return pl.lit("").alias(column)


def add_record_events(records: pl.DataFrame, labels: dict[tuple[str, str], str]) -> int:
    """Put every event record of a batch on its customer's timeline (the batch's derive step).

    `labels` names each (source, feed); an entry's title is its feed's label and the value of
    its kind's title field, its detail the kind's detail fields that hold a value.
    """
    details = kinds.detail_fields()
    titles = {code: k.title_field for code, k in kinds.KINDS.items() if k.title_field}
    used = ["customer_id", "vin", "entity", "event_date", "source", "feed", "dealer_code",
            "summary", "record_id", *titles.values(), *details]
    events = present(records, used).filter(pl.col("entity").is_in(list(kinds.RECORD_KINDS)))
    if events.is_empty():
        return 0
    extra = pl.coalesce(*reversed([pl.lit("")] + [
        pl.when(pl.col("entity") == code).then(pl.col(column).cast(pl.Utf8))
        for code, column in titles.items() if column in events.columns
    ]))
    label = pl.concat_str(["source", "feed"], separator="/").replace_strict(
        {f"{s}/{f}": v for (s, f), v in labels.items()}, default=""
    )
    occurred = pl.col("event_date")
    if events.schema.get("event_date") == pl.Date:
        occurred = occurred.cast(pl.Datetime("us"))
    # Titles and details are computed a slice at a time as the rows are written: for a full
    # load's events at once they were a copy of every event's text.
    return add_events(events, select=[
        "customer_id", "vin", pl.col("entity").alias("kind"),
        occurred.dt.replace_time_zone("Asia/Shanghai").alias("occurred_at"), "source",
        pl.col("dealer_code").fill_null(""),
        pl.concat_str([label, extra], separator=" ").str.strip_chars().str.slice(0, TITLE_MAX)
        .alias("title"),
        pl.col("summary").fill_null(""),
        json_object([c for c in events.columns if c in details]).alias("detail"),
        pl.lit(Interaction.Origin.RECORD.value).alias("origin"), "record_id",
    ])


def retire_records(record_ids: Sequence[int]) -> None:
    """Remove the entries of source records a newer version replaces."""
    bulk.delete_in(TABLE, "record_id", record_ids)


def move_records(record_ids: Sequence[int], customer_id: int) -> None:
    """Give the entries of these records to another customer (a merge or an unmerge)."""
    bulk.execute_in(f"UPDATE {TABLE} SET customer_id = %s WHERE record_id IN ({{}})",
                    record_ids, [customer_id])


def move_customer(from_id: int, to_id: int) -> None:
    """Give the entries services added for one customer to another (the two were merged)."""
    Interaction.objects.filter(customer_id=from_id, origin=Interaction.Origin.SERVICE).update(
        customer_id=to_id)

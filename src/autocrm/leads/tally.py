"""The funnel's figures kept in two small tables, moved by every change of a lead.

`Tally` counts leads per dealer, stage, furthest stage and heat (O/H grade or in quote/order,
open); `DueTally` the open leads per dealer and day their next follow-up falls due. Each service
that changes leads wraps the change in `tracking(ids)`: the leads' tally keys are read before
and after and the difference is added, one statement per tally row that changes; `refresh`
counts dealers (or all) again from the leads, for a migration or a bulk fill. A page then sums a few
thousand rows instead of counting a million leads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from autocrm.core import bulk
from autocrm.leads.models import CLOSED, DueTally, Lead, Stage, Tally

HOT_GRADES = ("O", "H")
HOT_STAGES = (Stage.QUOTE.value, Stage.ORDER.value)
LEADS, TALLY, DUE = Lead._meta.db_table, Tally._meta.db_table, DueTally._meta.db_table
CLOSED_SQL = ", ".join(f"'{s.value}'" for s in CLOSED)


def _hot() -> str:
    grades = ", ".join(f"'{g}'" for g in HOT_GRADES)
    stages = ", ".join(f"'{s}'" for s in HOT_STAGES)
    return (f"(stage NOT IN ({CLOSED_SQL}) AND (grade IN ({grades}) OR stage IN ({stages})))")


def _day() -> str:
    """The local date of next_follow_up, as SQL of the backend."""
    if bulk.is_postgres():
        return f"(next_follow_up AT TIME ZONE '{settings.TIME_ZONE}')::date"
    hours = int(timezone.localtime().utcoffset().total_seconds() // 3600)  # type: ignore[union-attr]
    return f"date(next_follow_up, '{hours:+d} hours')"


def refresh(dealers: Collection[str] | None = None) -> None:
    """Count the funnel of these dealers again (all of them with None)."""
    if dealers is not None and not dealers:
        return
    codes = sorted(set(dealers)) if dealers is not None else None
    if codes is not None and bulk.is_postgres():
        with connection.cursor() as cursor:  # one refresh of a dealer at a time
            for code in codes:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"tally:{code}"])
    tally = (f"INSERT INTO {TALLY} (dealer_code, stage, reached, hot, n) "
             f"SELECT dealer_code, stage, reached, {_hot()}, count(*) FROM {LEADS} "
             "WHERE {where} GROUP BY dealer_code, stage, reached, " + _hot())
    due = (f"INSERT INTO {DUE} (dealer_code, day, n) SELECT dealer_code, {_day()}, count(*) "
           f"FROM {LEADS} WHERE stage NOT IN ({CLOSED_SQL}) AND next_follow_up IS NOT NULL "
           "AND {where} GROUP BY dealer_code, " + _day())
    if codes is None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TALLY}")
            cursor.execute(f"DELETE FROM {DUE}")
            cursor.execute(tally.format(where="1 = 1"))
            cursor.execute(due.format(where="1 = 1"))
        return
    for table in (TALLY, DUE):
        bulk.delete_in(table, "dealer_code", codes)
    bulk.execute_in(tally.format(where="dealer_code IN ({})"), codes)
    bulk.execute_in(due.format(where="dealer_code IN ({})"), codes)


KEY = ["dealer_code", "stage", "reached", "hot"]
SNAPSHOT = {"id": pl.Int64, "dealer_code": pl.Utf8, "stage": pl.Utf8, "reached": pl.Utf8,
            "hot": pl.Int64, "day": pl.Utf8}


def snapshot(ids: Collection[int]) -> pl.DataFrame:
    """The tally keys of these leads now (their dealer, stage, furthest stage, heat, due day
    when open): taken before and after a bulk change, `apply` moves the counts between them."""
    day = f"CASE WHEN stage NOT IN ({CLOSED_SQL}) THEN CAST({_day()} AS TEXT) END"
    return bulk.select_frame(
        f"SELECT id, dealer_code, stage, reached, CASE WHEN {_hot()} THEN 1 ELSE 0 END, {day} "
        f"FROM {LEADS} "
        "WHERE id IN ({})", sorted(ids), SNAPSHOT)


@contextmanager
def tracking(ids: Collection[int]) -> Iterator[None]:
    """Keep the tallies right across a change of these leads (ids known before it)."""
    before = snapshot(ids)
    yield
    apply(before, snapshot(ids))


def added(ids: Collection[int]) -> None:
    """Count new leads in the tallies."""
    apply(pl.DataFrame(schema=SNAPSHOT), snapshot(ids))


def apply(before: pl.DataFrame, after: pl.DataFrame) -> None:
    """Add to the tallies what changed between two snapshots of the same leads (a lead only
    in `after` is new): one statement per tally row that changes, not a recount."""
    signed = pl.concat([before.with_columns(pl.lit(-1).alias("d")),
                        after.with_columns(pl.lit(1).alias("d"))])
    if signed.is_empty():
        return
    signed = signed.with_columns(pl.col("hot").cast(pl.Boolean))
    counts = signed.group_by(KEY).agg(pl.col("d").sum()).filter(pl.col("d") != 0)
    due = signed.filter(pl.col("day").is_not_null()).group_by("dealer_code", "day").agg(
        pl.col("d").sum()).filter(pl.col("d") != 0)
    with connection.cursor() as cursor:
        for code, stage, reached, hot, d in counts.iter_rows():
            where = "dealer_code = %s AND stage = %s AND reached = %s AND hot = %s"
            cursor.execute(f"UPDATE {TALLY} SET n = n + %s WHERE id = (SELECT min(id) FROM "
                           f"{TALLY} WHERE {where})", [d, code, stage, reached, hot])
            if not cursor.rowcount:
                cursor.execute(f"INSERT INTO {TALLY} (dealer_code, stage, reached, hot, n) "
                               "VALUES (%s, %s, %s, %s, %s)", [code, stage, reached, hot, d])
        for code, day, d in due.with_columns(pl.col("day").str.to_date()).iter_rows():
            cursor.execute(f"UPDATE {DUE} SET n = n + %s WHERE id = (SELECT min(id) FROM {DUE} "
                           "WHERE dealer_code = %s AND day = %s)", [d, code, day])
            if not cursor.rowcount:
                cursor.execute(f"INSERT INTO {DUE} (dealer_code, day, n) VALUES (%s, %s, %s)",
                               [code, day, d])
        cursor.execute(f"DELETE FROM {TALLY} WHERE n = 0")
        cursor.execute(f"DELETE FROM {DUE} WHERE n = 0")


def figures(dealer: str | None) -> dict[str, Any]:
    """The funnel of one dealer, or of all (None): leads per stage, reached per stage, open,
    close to buying, overdue (due before now), escalated (due `hq_days` days ago or more),
    and per dealer."""
    rows = Tally.objects.all() if dealer is None else Tally.objects.filter(dealer_code=dealer)
    by_stage = dict(rows.values_list("stage").annotate(s=Sum("n")).values_list("stage", "s"))
    by_reached = dict(rows.values_list("reached").annotate(s=Sum("n")).values_list(
        "reached", "s"))
    open_rows = rows.exclude(stage__in=CLOSED)
    totals = open_rows.aggregate(open=Sum("n"), hot=Sum("n", filter=Q(hot=True)))
    return {"by_stage": by_stage, "by_reached": by_reached, "open": totals["open"] or 0,
            "hot": totals["hot"] or 0}


def overdue(dealer: str | None, now: dt.datetime, hq_days: int) -> dict[str, Any]:
    """Open leads due before now, and those due `hq_days` days before today or earlier (HQ's
    escalation), in all and per dealer (largest first)."""
    today = timezone.localdate(now)
    due = DueTally.objects.all() if dealer is None else DueTally.objects.filter(
        dealer_code=dealer)
    before = Q(day__lt=today)
    late = Q(day__lte=today - dt.timedelta(days=hq_days))
    per = {code: {"overdue": o or 0, "escalated": e or 0} for code, o, e in due.values_list(
        "dealer_code").annotate(o=Sum("n", filter=before), e=Sum("n", filter=late)).values_list(
        "dealer_code", "o", "e")}
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    leads = Lead.objects.filter(next_follow_up__gte=start, next_follow_up__lt=now).exclude(
        stage__in=CLOSED)
    if dealer is not None:
        leads = leads.filter(dealer_code=dealer)
    for code, n in leads.values_list("dealer_code").annotate(n=Count("id")).values_list(
            "dealer_code", "n"):
        per.setdefault(code, {"overdue": 0, "escalated": 0})["overdue"] += n
    return {"overdue": sum(p["overdue"] for p in per.values()),
            "escalated": sum(p["escalated"] for p in per.values()), "per_dealer": per}


def open_per_dealer(dealer: str | None) -> list[tuple[str, int]]:
    """Open leads per dealer (HQ's pool is "")."""
    rows = Tally.objects.exclude(stage__in=CLOSED)
    if dealer is not None:
        rows = rows.filter(dealer_code=dealer)
    return list(rows.values_list("dealer_code").annotate(s=Sum("n")).values_list(
        "dealer_code", "s"))

"""Reads of loads and interface notices, scoped by the dealer-code rule (`accounts.reach`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.accounts.actor import Actor
from autocrm.accounts.reach import dealer_rows
from autocrm.core import days
from autocrm.core.errors import NotFound
from autocrm.sources.models import InterfaceNotice, Load


def loads(actor: Actor, source: str = "", status: str = "") -> QuerySet[Load]:
    """Return the loads the actor may see, newest first, optionally of one source or status."""
    actor.require("dataops")
    rows = dealer_rows(Load.objects.all(), actor).order_by("-id")
    if source:
        rows = rows.filter(source=source)
    if status:
        rows = rows.filter(status=status)
    return rows


def get_load(load_id: int, actor: Actor) -> Load:
    """Return one load the actor may see, or raise NotFound (another dealer's load too)."""
    found = loads(actor).filter(id=load_id).first()
    if found is None:
        raise NotFound(_("load %(id)s not found") % {"id": load_id})
    return found


def notices(actor: Actor) -> QuerySet[InterfaceNotice]:
    """Return the interface-change notices the actor may see (a dealer: of their loads)."""
    actor.require("dataops")
    rows = InterfaceNotice.objects.select_related("load").order_by("-id")
    return dealer_rows(rows, actor, column="load__dealer_code")


def totals(actor: Actor, day: dt.date) -> dict[str, int]:
    """Return the number of loads started on a day and the rows they rejected."""
    start, end = days.bounds(day)
    got = loads(actor).filter(started_at__gte=start, started_at__lt=end).aggregate(
        loads=Count("id"), rejected=Sum("rows_rejected"))
    return {"loads": got["loads"], "rejected": got["rejected"] or 0}


def daily(actor: Actor, last: dt.date, n: int = 14) -> list[tuple[dt.date, int, int]]:
    """Return (day, rows loaded, rows rejected) for the n days up to `last`, oldest first."""
    first = last - dt.timedelta(days=n - 1)
    start, end = days.bounds(first, last)
    per_day = {
        row["day"]: (row["loaded"] or 0, row["rejected"] or 0)
        for row in loads(actor).filter(started_at__gte=start, started_at__lt=end)
        .annotate(day=TruncDate("started_at", tzinfo=timezone.get_default_timezone()))
        .order_by().values("day")
        .annotate(loaded=Sum("rows_loaded"), rejected=Sum("rows_rejected"))
    }
    dates = [first + dt.timedelta(days=i) for i in range(n)]
    return [(d, *per_day.get(d, (0, 0))) for d in dates]

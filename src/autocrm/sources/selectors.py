"""Reads of loads, interface notices and dealers' issues, scoped by the acting user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from autocrm.accounts.actor import Actor
from autocrm.core import days
from autocrm.core.errors import NotFound
from autocrm.dealers.models import Dealer
from autocrm.quality.models import Issue
from autocrm.quality.rules import RULES
from autocrm.sources.models import InterfaceNotice, Load


def loads(actor: Actor, source: str = "", status: str = "") -> QuerySet[Load]:
    """Return the loads the actor may see, newest first, optionally of one source or status."""
    actor.require("dataops")
    rows = actor.dealer_rows(Load.objects.all()).order_by("-id")
    if source:
        rows = rows.filter(source=source)
    if status:
        rows = rows.filter(status=status)
    return rows


def get_load(load_id: int, actor: Actor) -> Load:
    """Return one load the actor may see, or raise NotFound (another dealer's load too)."""
    found = loads(actor).filter(id=load_id).first()
    if found is None:
        raise NotFound(f"加载批次 {load_id} 不存在 (load not found)")
    return found


def rule_counts(load: Load) -> list[dict[str, Any]]:
    """Return each rule the load's rows broke: code, count, severity, explanation and fix."""
    counts = (Issue.objects.filter(load=load).values("rule")
              .annotate(n=Count("id")).order_by("-n", "rule"))
    out = []
    for row in counts:
        rule = RULES.get(row["rule"])
        out.append({
            "code": row["rule"], "count": row["n"],
            "severity": rule.severity if rule else "",
            "message_zh": rule.message_zh if rule else "",
            "message_en": rule.message_en if rule else "",
            "fix_zh": rule.fix_zh if rule else "",
        })
    return out


def notices(actor: Actor) -> QuerySet[InterfaceNotice]:
    """Return the interface-change notices the actor may see (a dealer: of their loads)."""
    actor.require("dataops")
    rows = InterfaceNotice.objects.select_related("load").order_by("-id")
    return actor.dealer_rows(rows, column="load__dealer_code")


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


def feedback_dealers(actor: Actor) -> list[dict[str, Any]]:
    """Return the dealers with loads the actor may see: code, name, loads, open and all issues."""
    scoped = actor.dealer_rows(Load.objects.exclude(dealer_code=""))
    per_load = dict(scoped.order_by().values_list("dealer_code").annotate(n=Count("id")))
    issues = {
        row["dealer_code"]: row
        for row in actor.dealer_rows(Issue.objects.exclude(dealer_code="")).order_by()
        .values("dealer_code")
        .annotate(open=Count("id", filter=Q(resolved_by__isnull=True)), total=Count("id"))
    }
    codes = set(per_load) | set(issues)
    if actor.dealer_side and actor.dealer_code:
        codes.add(actor.dealer_code)
    names = dict(Dealer.objects.filter(code__in=codes).values_list("code", "name"))
    rows = [
        {"code": code, "name": names.get(code, ""), "loads": per_load.get(code, 0),
         "open": issues.get(code, {}).get("open", 0), "total": issues.get(code, {}).get("total", 0)}
        for code in codes
    ]
    return sorted(rows, key=lambda r: (-r["open"], r["code"]))


def get_dealer_code(code: str, actor: Actor) -> str:
    """Return a dealer code whose report the actor may read, or raise NotFound."""
    actor.require("dataops")
    mine = bool(code) and (not actor.dealer_side or code == actor.dealer_code)
    if mine and (Dealer.objects.filter(code=code).exists()
                 or Load.objects.filter(dealer_code=code).exists()):
        return code
    raise NotFound(f"经销商 {code} 不存在 (dealer not found)")

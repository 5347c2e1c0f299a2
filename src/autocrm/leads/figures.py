"""The funnel as each user sees it: HQ all dealers and its pool, a dealer manager their dealer
(both read from the tallies), a salesperson their own leads (counted: a few hundred)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from autocrm.accounts.actor import Actor
from autocrm.leads import assignment, selectors, tally
from autocrm.leads.models import CLOSED, Lead


def funnel(actor: Actor, now: dt.datetime) -> dict[str, Any]:
    """by_stage, by_reached, open, hot, overdue, escalated, today, and per dealer (open,
    overdue, escalated; the 20 largest)."""
    days = assignment.rules().hq_days
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
    if actor.dealer_code and not actor.can("lead_assign"):
        out = _counted(selectors.visible(actor), now, days)
    else:
        dealer = actor.dealer_code or None
        out = tally.figures(dealer)
        late = tally.overdue(dealer, now, days)
        opened = dict(tally.open_per_dealer(dealer))
        out |= {"overdue": late["overdue"], "escalated": late["escalated"],
                "dealers": _dealers(opened, late["per_dealer"])}
    out["today"] = selectors.visible(actor).filter(created_at__gte=today).count()
    out["hq_days"] = days
    return out


def _dealers(opened: dict[str, int], late: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    largest = sorted(opened.items(), key=lambda item: (-item[1], item[0]))[:20]
    return [{"dealer_code": code, "n": n, **late.get(code, {"overdue": 0, "escalated": 0})}
            for code, n in largest]


def _counted(rows: QuerySet[Lead], now: dt.datetime, days: int) -> dict[str, Any]:
    by_stage = dict(rows.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    by_reached = dict(rows.values_list("reached").annotate(n=Count("id")).values_list(
        "reached", "n"))
    escalate = timezone.make_aware(dt.datetime.combine(
        timezone.localdate(now) - dt.timedelta(days=days - 1), dt.time()))
    open_rows = rows.exclude(stage__in=CLOSED)
    totals = open_rows.aggregate(
        open=Count("id"),
        hot=Count("id", filter=Q(grade__in=tally.HOT_GRADES) | Q(stage__in=tally.HOT_STAGES)),
        overdue=Count("id", filter=Q(next_follow_up__lt=now)),
        escalated=Count("id", filter=Q(next_follow_up__lt=escalate)))
    dealers = list(open_rows.values("dealer_code").annotate(
        n=Count("id"), overdue=Count("id", filter=Q(next_follow_up__lt=now)),
        escalated=Count("id", filter=Q(next_follow_up__lt=escalate))).order_by("-n")[:20])
    return {"by_stage": by_stage, "by_reached": by_reached, **totals, "dealers": dealers}

"""Conversion along the funnel (L4): of the leads opened in a period, the share that got at
least as far as each stage, won and lost, per source, dealer, salesperson, model or month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.core.errors import InputError
from autocrm.leads.models import Lead, Stage

BY = {
    "channel": ("channel", gettext_lazy("Source")),
    "dealer": ("dealer_code", gettext_lazy("Dealer")),
    "salesperson": ("owner__username", gettext_lazy("Salesperson")),
    "model": ("intended_model", gettext_lazy("Intended model")),
    "month": ("month", gettext_lazy("Month")),
}
STEPS = [Stage.CONTACTED, Stage.VISIT, Stage.TEST_DRIVE, Stage.QUOTE, Stage.ORDER]
PATH = [Stage.NEW, *STEPS, Stage.DELIVERED]


def rates(rows: QuerySet[Lead], by: str, months: int, now: dt.datetime | None = None
          ) -> list[dict[str, Any]]:
    """Per value of `by`, the leads opened in the last `months` months and the percentage
    of them that reached each step, were won (delivered) and were lost; largest first."""
    if by not in BY:
        raise InputError(_("by: %(value)r is not one of %(known)s") % {
            "value": by, "known": ", ".join(BY)}, code="bad_dimension")
    if not 1 <= months <= 36:
        raise InputError(_("months: give 1 to 36"), code="bad_months")
    now = now or timezone.now()
    since = now - dt.timedelta(days=31 * months)
    column = BY[by][0]
    rows = rows.filter(created_at__gte=since)
    if by == "month":
        rows = rows.annotate(month=TruncMonth("created_at"))
    counts = {f"s_{s.value}": Count("id", filter=Q(reached__in=PATH[PATH.index(s):]))
              for s in STEPS}
    grouped = rows.values(column).annotate(
        leads=Count("id"), won=Count("id", filter=Q(stage=Stage.DELIVERED)),
        lost=Count("id", filter=Q(stage=Stage.LOST)), **counts).order_by("-leads", column)
    out = []
    for row in grouped[:200]:
        n = row["leads"]
        key = row[column]
        label = key.strftime("%Y-%m") if isinstance(key, dt.date) else (key or "—")
        out.append({"key": label, "leads": n,
                    "steps": [_pct(row[f"s_{s.value}"], n) for s in STEPS],
                    "won": _pct(row["won"], n), "lost": _pct(row["lost"], n)})
    if by == "month":
        out.sort(key=lambda r: r["key"])
    return out


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0

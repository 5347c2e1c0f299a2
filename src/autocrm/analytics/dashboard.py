"""The dashboard's figures, each computed only for an actor with the right to see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from autocrm.accounts.actor import Actor
from autocrm.core import days
from autocrm.customers import scoping
from autocrm.customers.models import HeldChange
from autocrm.sources import selectors as source_selectors
from autocrm.sources.models import InterfaceNotice, Load
from autocrm.vehicles.models import Vehicle

CHART_DAYS = 14


@dataclass
class Dashboard:
    """What one actor sees on the start page; None means the card is not shown."""

    customers: int | None = None
    vehicles: int | None = None
    loads_today: int | None = None
    rejected_today: int | None = None
    held: int | None = None
    notices: int | None = None
    chart: dict[str, Any] | None = None
    recent: list[Load] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Return whether no card applies to the actor (they get a welcome instead)."""
        figures = (self.customers, self.loads_today, self.held, self.notices)
        return all(f is None for f in figures)


def build(actor: Actor, today: dt.date | None = None) -> Dashboard:
    """Compute the cards, chart and latest loads the actor's rights allow."""
    today = today or days.today()
    board = Dashboard()
    if actor.can("profile"):
        board.customers = scoping.reachable_customers(actor).count()
        board.vehicles = _vehicles(actor)
    if actor.can("dataops"):
        counts = source_selectors.totals(actor, today)
        board.loads_today, board.rejected_today = counts["loads"], counts["rejected"]
        board.chart = chart_option(source_selectors.daily(actor, today, CHART_DAYS))
        board.recent = list(source_selectors.loads(actor)[:10])
        if not actor.dealer_side:
            board.notices = InterfaceNotice.objects.filter(acknowledged_at__isnull=True).count()
    # Held changes are decided in the back office, which is HQ-only.
    if actor.can("steward") and not actor.dealer_side:
        board.held = HeldChange.objects.filter(status=HeldChange.Status.PENDING).count()
    return board


def _vehicles(actor: Actor) -> int:
    """Count the vehicles with an owner the actor may reach (for HQ: every vehicle)."""
    return scoping.scope(Vehicle.objects.all(), actor, customer="ownerships__customer_id").count()


def chart_option(rows: list[tuple[dt.date, int, int]]) -> dict[str, Any]:
    """Return the ECharts option of rows loaded and rejected per day."""
    loaded, rejected = gettext("Rows loaded"), gettext("Rows rejected")
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [loaded, rejected]},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": [d.strftime("%m-%d") for d, _, _ in rows]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": loaded, "type": "bar", "data": [n for _, n, _ in rows],
             "itemStyle": {"color": "#1f5fbf"}},
            {"name": rejected, "type": "bar", "data": [n for _, _, n in rows],
             "itemStyle": {"color": "#c9302c"}},
        ],
    }

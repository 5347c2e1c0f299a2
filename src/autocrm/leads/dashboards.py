"""Lead figures pages: the funnel at a glance (HQ, a dealer manager, a salesperson) and
conversion per source, dealer, salesperson, model or month."""

from __future__ import annotations

import io

import polars as pl
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core.errors import AppError
from autocrm.leads import (
    assignment,
    conversion,
    figures,
    key_accounts,
    mining,
    questionnaire,
    selectors,
)
from autocrm.leads.models import CLOSED, KeyAccount, Stage


@requires("leads", page=True)
def funnel_page(request: HttpRequest) -> HttpResponse:
    """The funnel in reach: leads per stage, close to buying, overdue and escalated, per
    dealer; HQ's pool or the dealer's unowned leads with the button that assigns them."""
    actor = actor_of(request)
    data = figures.funnel(actor, timezone.now())
    stages = [(s.value, str(s.label), data["by_stage"].get(s.value, 0)) for s in Stage]
    # a funnel counts the leads that got at least this far along the path
    path = [s for s in Stage if s != Stage.LOST]
    reached = [sum(data["by_reached"].get(t.value, 0) for t in path[i:])
               for i in range(len(path))]
    chart = {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "series": [{"type": "funnel", "sort": "none", "left": "10%", "width": "80%",
                    "minSize": "8%", "gap": 2,
                    "label": {"position": "inside", "formatter": "{b} {c}", "color": "#fff"},
                    "data": [{"name": str(s.label), "value": n}
                             for s, n in zip(path, reached, strict=True)]}],
    }
    pool = None
    if actor.can("lead_assign"):
        pool = ({"unowned": selectors.visible(actor).filter(owner__isnull=True).exclude(
            stage__in=CLOSED).count()} if actor.dealer_side else assignment.pool_summary())
    return render(request, "leads/funnel.html", {
        "stages": stages, "figures": data, "dealers": data["dealers"], "pool": pool,
        "chart": chart, "grades": questionnaire.load().grades,
        "rules": [(r.code, r.label) for r in mining.rules().values()]
        if pool is not None and "unowned" not in pool else []})


@requires("leads", page=True)
def conversion_page(request: HttpRequest) -> HttpResponse:
    """Conversion per source, dealer, salesperson, model or month, with a chart of won %."""
    by = request.GET.get("by", "channel")
    months = request.GET.get("months", "6")
    try:
        rows = conversion.rates(selectors.visible(actor_of(request)), by,
                                int(months) if months.isdigit() else 0)
    except AppError as exc:
        return render(request, "leads/conversion.html", {"error": exc.message, "by": by,
                                                         "choices": _dimensions()}, status=400)
    form = questionnaire.load()
    steps = [str(s.label) for s in conversion.STEPS]
    for row in rows:
        row["cells"] = list(zip(steps, row["steps"], strict=True))
        if by == "channel":
            row["key"] = form.source_label(row["key"])
    chart = {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 90, "right": 16, "top": 8,
                                                 "bottom": 24},
        "xAxis": {"type": "value", "min": 0, "max": 100,
                  "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": [r["key"] for r in rows[:15]]},
        "series": [{"type": "bar", "name": str(_("Won")), "data": [r["won"] for r in rows[:15]],
                    "itemStyle": {"color": "#1d5fbf"}}],
    }
    return render(request, "leads/conversion.html", {
        "rows": rows, "by": by, "months": int(months), "choices": _dimensions(),
        "steps": steps, "chart": chart})


def _dimensions() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, (_col, label) in conversion.BY.items()]


@requires("leads", page=True)
def key_accounts_page(request: HttpRequest) -> HttpResponse:
    """Key accounts in reach, largest fleets first, 50 a page, with an Excel export."""
    actor = actor_of(request)
    kind = request.GET.get("kind", "")
    page = request.GET.get("page", "1")
    number = max(int(page), 1) if page.isdigit() else 1
    try:
        rows = key_accounts.visible(actor, kind)
    except AppError as exc:
        return render(request, "leads/key_accounts.html", {"error": exc.message,
                                                           "kinds": KeyAccount.Kind.choices},
                      status=400)
    shown = list(rows.order_by("-cars", "customer_id")[(number - 1) * 50:number * 50])
    count = rows.count()
    return render(request, "leads/key_accounts.html", {
        "accounts": key_accounts.rows_out(actor, shown), "count": count, "kind": kind,
        "kinds": KeyAccount.Kind.choices, "page": number, "more": number * 50 < count,
        "can_name": actor.can("lead_assign") and not actor.dealer_side})


@requires("leads", page=True)
def key_accounts_export(request: HttpRequest) -> HttpResponse:
    """The key accounts in reach as an Excel file (masked as the page is; audited)."""
    actor = actor_of(request)
    frame, _total = key_accounts.export(actor, request.GET.get("kind", ""))
    labels = {"customer_id": _("Customer"), "unified_id": _("Unified ID"), "name": _("Name"),
              "phone": _("Mobile"), "kind_label": _("Key account kind"), "cars": _("Current cars"),
              "models": _("Models"), "dealers": _("Dealers"), "open_leads": _("Open leads"),
              "responsible": _("Responsible"), "since": _("Key account since")}
    body = io.BytesIO()
    if frame.height:
        frame.select(list(labels)).rename({k: str(v) for k, v in labels.items()}).write_excel(
            body, worksheet=str(_("Key accounts")), autofit=True)
    else:
        pl.DataFrame({str(v): [] for v in labels.values()}).write_excel(body)
    response = HttpResponse(body.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = 'attachment; filename="key-accounts.xlsx"'
    return response


@require_POST
@requires("leads", "lead_assign", page=True)
def key_account_responsible(request: HttpRequest, customer_id: int) -> HttpResponse:
    """HQ names a key account's responsible person from the list."""
    try:
        key_accounts.set_responsible(actor_of(request), customer_id,
                                     request.POST.get("responsible", "").strip())
        messages.info(request, _("Responsible person saved."))
    except AppError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    return redirect("lead-key-accounts")

"""Lead pages, phone-first: my leads by next follow-up, one lead with a three-tap follow-up,
and the funnel at a glance."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core.errors import AppError
from autocrm.customers.models import Customer
from autocrm.leads import funnel, questionnaire, selectors, services
from autocrm.leads.models import CLOSED, FollowUp, Stage
from autocrm.leads.presenters import contact, lead_out

PER_PAGE = 50


@requires("leads", page=True)
def my_leads(request: HttpRequest) -> HttpResponse:
    """The open leads the user works, the next follow-up first; overdue ones flagged."""
    actor = actor_of(request)
    rows = selectors.visible(actor).exclude(stage__in=CLOSED).order_by("next_follow_up", "id")
    leads = list(rows[:PER_PAGE])
    people = {c["id"]: c for c in Customer.objects.filter(
        id__in=[x.customer_id for x in leads]).values("id", "name", "phone")}
    now = timezone.now()
    items = [{"lead": x, **contact(actor, x, people.get(x.customer_id, {})),
              "overdue": x.next_follow_up is not None and x.next_follow_up < now}
             for x in leads]
    return render(request, "leads/mine.html", {
        "items": items, "count": rows.count(),
        "overdue": sum(1 for i in items if i["overdue"])})


@requires("leads", page=True)
def lead_detail(request: HttpRequest, lead_id: int, error: str = "") -> HttpResponse:
    """One lead: who, grade and why, stage and the moves allowed, follow-ups, log one."""
    actor = actor_of(request)
    lead = selectors.get_lead(lead_id, actor)
    person = Customer.objects.filter(id=lead.customer_id).values("name", "phone").first()
    return render(request, "leads/detail.html", {
        "lead": lead, "out": lead_out(lead), "customer": contact(actor, lead, person or {}),
        "follow_ups": FollowUp.objects.filter(lead=lead)[:20],
        "channels": FollowUp.Channel.choices,
        "moves": [(s, Stage(s).label) for s in funnel.NEXT[lead.stage] if s != Stage.LOST],
        "can_lose": Stage.LOST in funnel.NEXT[lead.stage],
        "lost_reasons": list(funnel.LOST_REASONS.items()), "error": error,
        "sources": [questionnaire.load().source_label(s) for s in lead.sources],
    }, status=400 if error else 200)


@require_POST
@requires("leads", page=True)
def log_follow_up(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Log a follow-up from the lead page: a channel button, an optional outcome."""
    try:
        services.follow_up(actor_of(request), lead_id, channel=request.POST.get("channel", ""),
                           reached=request.POST.get("reached", "1") == "1",
                           outcome=request.POST.get("outcome", "").strip())
    except AppError as exc:
        if exc.status == 404:
            raise
        return lead_detail(request, lead_id, error=exc.message)
    return redirect("lead-detail", lead_id=lead_id)


@require_POST
@requires("leads", page=True)
def move(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Move the lead to a stage from the lead page (lost with its reason)."""
    version = request.POST.get("version", "")
    try:
        services.move(actor_of(request), lead_id, request.POST.get("stage", ""),
                      version=int(version) if version.isdigit() else None,
                      reason=request.POST.get("reason", ""))
    except AppError as exc:
        if exc.status == 404:
            raise
        return lead_detail(request, lead_id, error=exc.message)
    return redirect("lead-detail", lead_id=lead_id)


@requires("leads", page=True)
def funnel_page(request: HttpRequest) -> HttpResponse:
    """The funnel of the leads in reach: how many per stage, close to buying, overdue."""
    rows = selectors.visible(actor_of(request))
    now = timezone.now()
    by_stage = dict(rows.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    stages = [(s.value, str(s.label), by_stage.get(s.value, 0)) for s in Stage]
    open_rows = rows.exclude(stage__in=CLOSED)
    figures = open_rows.aggregate(
        open=Count("id"),
        hot=Count("id", filter=Q(grade__in=["O", "H"]) | Q(stage__in=[Stage.QUOTE,
                                                                       Stage.ORDER])),
        overdue=Count("id", filter=Q(next_follow_up__lt=now)),
        today=Count("id", filter=Q(created_at__date=timezone.localdate())),
    )
    dealers = list(open_rows.values("dealer_code").annotate(
        n=Count("id"), overdue=Count("id", filter=Q(next_follow_up__lt=now))).order_by(
        "-n")[:20])
    # a funnel counts the leads that got at least this far: each stage with all after it
    path = [s for s in stages if s[0] != Stage.LOST]
    reached = [sum(n for _, _, n in path[i:]) for i in range(len(path))]
    chart = {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "series": [{"type": "funnel", "sort": "none", "left": "10%", "width": "80%",
                    "minSize": "8%", "gap": 2,
                    "label": {"position": "inside", "formatter": "{b} {c}", "color": "#fff"},
                    "data": [{"name": label, "value": n}
                             for (_, label, _), n in zip(path, reached, strict=True)]}],
    }
    return render(request, "leads/funnel.html", {
        "stages": stages, "figures": figures, "dealers": dealers,
        "chart": chart,
        "grades": questionnaire.load().grades})

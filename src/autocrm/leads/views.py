"""Lead pages, phone-first: my leads by next follow-up, one lead with a three-tap follow-up,
and the funnel at a glance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from autocrm.accounts import staff
from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core.errors import AppError
from autocrm.customers.models import Customer
from autocrm.leads import assignment, funnel, mining, questionnaire, selectors, services
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
    tomorrow = timezone.make_aware(dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time()))
    day = rows.aggregate(  # my day: what came in, what is due today, what is late
        open=Count("id"), fresh=Count("id", filter=Q(first_contact_at__isnull=True)),
        due=Count("id", filter=Q(next_follow_up__gte=now, next_follow_up__lt=tomorrow)),
        overdue=Count("id", filter=Q(next_follow_up__lt=now)))
    return render(request, "leads/mine.html", {"items": items, "day": day})


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
        "manager": actor.can("lead_assign") and actor.dealer_side,
        "hq_assign": actor.can("lead_assign") and not actor.dealer_side,
        "dealer_side": actor.dealer_side,
        "salespeople": staff.salespeople(lead.dealer_code) if lead.dealer_code and
        actor.can("lead_assign") else [],
        "return_reasons": [(c, assignment.rules().reason_label(c))
                           for c, _zh, _en in assignment.rules().return_reasons],
        "lost_request": funnel.LOST_REASONS.get(lead.lost_request, ""),
        "lost_label": funnel.LOST_REASONS.get(lead.lost_reason, lead.lost_reason),
    }, status=400 if error else 200)


def _on_lead(request: HttpRequest, lead_id: int, act: Callable[[], object],
             then: str = "lead-detail") -> HttpResponse:
    """Do one change from the lead page; show its error there (a 404 stays a 404)."""
    try:
        act()
    except AppError as exc:
        if exc.status in (403, 404):
            raise
        return lead_detail(request, lead_id, error=exc.message)
    return redirect(then, lead_id=lead_id) if then == "lead-detail" else redirect(then)


def _version(request: HttpRequest) -> int | None:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


@require_POST
@requires("leads", page=True)
def log_follow_up(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Log a follow-up from the lead page: a channel button, an optional outcome."""
    return _on_lead(request, lead_id, lambda: services.follow_up(
        actor_of(request), lead_id, channel=request.POST.get("channel", ""),
        reached=request.POST.get("reached", "1") == "1",
        outcome=request.POST.get("outcome", "").strip()))


@require_POST
@requires("leads", page=True)
def move(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Move the lead to a stage from the lead page (lost with its reason: a request when a
    salesperson asks)."""
    return _on_lead(request, lead_id, lambda: services.move(
        actor_of(request), lead_id, request.POST.get("stage", ""), version=_version(request),
        reason=request.POST.get("reason", ""), brand=request.POST.get("brand", "")))


@require_POST
@requires("leads", "lead_assign", page=True)
def set_owner(request: HttpRequest, lead_id: int) -> HttpResponse:
    """A manager gives the lead to a salesperson."""
    return _on_lead(request, lead_id, lambda: assignment.to_salesperson(
        actor_of(request), lead_id, request.POST.get("owner", ""), version=_version(request)))


@require_POST
@requires("leads", page=True)
def return_lead(request: HttpRequest, lead_id: int) -> HttpResponse:
    """The dealer returns the lead to HQ's pool with a reason (then it is out of reach)."""
    return _on_lead(request, lead_id, lambda: assignment.return_to_pool(
        actor_of(request), lead_id, request.POST.get("reason", ""), version=_version(request)),
        then="lead-list")


@require_POST
@requires("leads", "lead_assign", page=True)
def decide_lost(request: HttpRequest, lead_id: int) -> HttpResponse:
    """The manager approves or rejects a salesperson's lost request."""
    return _on_lead(request, lead_id, lambda: services.decide_lost(
        actor_of(request), lead_id, request.POST.get("approve") == "1",
        version=_version(request)))


@require_POST
@requires("leads", "lead_assign", page=True)
def reactivate(request: HttpRequest, lead_id: int) -> HttpResponse:
    """HQ reopens a lost lead after a check call."""
    return _on_lead(request, lead_id, lambda: services.reactivate(
        actor_of(request), lead_id, request.POST.get("note", "").strip()))


@require_POST
@requires("leads", "lead_assign", page=True)
def assign(request: HttpRequest) -> HttpResponse:
    """HQ assigns its pool to dealers; a dealer manager deals unowned leads to salespeople."""
    actor = actor_of(request)
    try:
        if actor.dealer_side:
            dealt = assignment.to_salespeople(actor)
            note = _("%(n)s leads dealt to %(people)s salespeople") % {
                "n": sum(dealt.values()), "people": len(dealt)}
        else:
            done = assignment.to_dealers(actor)
            note = _("%(n)s leads assigned to %(dealers)s dealers; %(left)s left in the pool")
            note %= {"n": done.total, "dealers": done.dealers, "left": done.left}
    except AppError as exc:
        if exc.status == 404:
            raise
        note = exc.message
    messages.info(request, note)
    return redirect("lead-funnel")


@require_POST
@requires("leads", "lead_assign", page=True)
def mine(request: HttpRequest) -> HttpResponse:
    """HQ turns the owners a repurchase rule finds into leads in its pool."""
    rule = request.POST.get("rule", "")
    try:
        done, _found = mining.mine(actor_of(request), rule)
        note = _("%(rule)s: %(matched)s owners found, %(open)s already have an open lead, "
                 "%(created)s new leads in HQ's pool") % {
            "rule": mining.get_rule(rule).label, "matched": done.matched,
            "open": done.open_already, "created": done.created}
    except AppError as exc:
        if exc.status in (403, 404):
            raise
        note = exc.message
    messages.info(request, note)
    return redirect("lead-funnel")

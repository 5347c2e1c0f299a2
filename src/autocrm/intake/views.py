"""The quick-add page for a salesperson on a phone or an agent at HQ: mobile, name, model,
source and the grade questions, with the duplicate check as the mobile is typed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core.errors import AppError
from autocrm.customers import scoping
from autocrm.customers.models import SearchTerm
from autocrm.intake import leads as intake
from autocrm.leads import questionnaire
from autocrm.leads.models import CLOSED, Lead


@require_http_methods(["GET", "POST"])
@requires("leads", page=True)
def new_lead(request: HttpRequest) -> HttpResponse:
    """Show the quick-add form; on POST create the lead and open it."""
    form = questionnaire.load()
    error, values = "", request.POST
    if request.method == "POST":
        answers = {q.field: values.get(q.field, "") for q in form.questions
                   if values.get(q.field)}
        body = intake.LeadIn(name=values.get("name", ""), phone=values.get("phone", ""),
                             intended_model=values.get("intended_model", ""),
                             source=values.get("source", ""), answers=answers,
                             dealer_code="", city="")
        try:
            _, lead = intake.submit(actor_of(request), body)
        except AppError as exc:
            error = exc.message
        else:
            return redirect("lead-detail", lead_id=lead["id"])
    return render(request, "leads/new.html", {
        "form": form, "error": error, "values": values,
        "sources": form.source_choices(), "models": form.models,
    }, status=400 if error else 200)


@requires("leads", page=True)
def check_phone(request: HttpRequest) -> HttpResponse:
    """Say, as the mobile is typed, whether it is a customer the user may see, with an open
    lead, or one another dealer follows (never which)."""
    actor = actor_of(request)
    try:
        phone = intake.mobile(request.GET.get("phone", ""))
    except AppError:
        return render(request, "leads/_check.html", {"state": "incomplete"})
    ids = SearchTerm.objects.filter(kind="phone", value=phone).values("customer_id")
    seen = scoping.reachable_customers(actor).filter(id__in=ids).first()
    if seen is not None:
        lead = Lead.objects.filter(customer_id=seen.id).exclude(stage__in=CLOSED).first()
        return render(request, "leads/_check.html", {"state": "known", "customer": seen,
                                                     "lead": lead})
    try:
        intake.protect(phone, actor.dealer_code or "")
    except AppError:
        return render(request, "leads/_check.html", {"state": "protected"})
    return render(request, "leads/_check.html", {"state": "new"})

"""Data-operations pages: loads, their issues, interface notices and the dealers' error reports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.quality import feedback as dealer_feedback
from autocrm.quality import selectors
from autocrm.sources import selectors as source_selectors
from autocrm.sources.config import sources
from autocrm.sources.models import Load

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires("dataops", page=True)
def loads(request: HttpRequest) -> HttpResponse:
    """List the loads, newest first, filtered by source and status."""
    known = {code: s.display_name for code, s in sources().items()}
    source = request.GET.get("source", "")
    status = request.GET.get("status", "")
    source = source if source in known else ""
    status = status if status in Load.Status.values else ""
    rows = source_selectors.loads(actor_of(request), source=source, status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "quality/loads.html", {
        "page": page, "sources": sorted(known.items()), "source": source, "status": status,
    })


@requires("dataops", page=True)
def load_detail(request: HttpRequest, load_id: int) -> HttpResponse:
    """Show one load with its issues counted per rule, and how to fix each."""
    load = source_selectors.get_load(load_id, actor_of(request))
    return render(request, "quality/load.html", {
        "load": load, "rules": selectors.rule_counts(load),
        "notices": load.notices.order_by("id"),
        "source_name": getattr(sources().get(load.source), "display_name", ""),
    })


@requires("dataops", page=True)
def notices(request: HttpRequest) -> HttpResponse:
    """List the files whose columns differed from their source's mapping."""
    rows = source_selectors.notices(actor_of(request))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "quality/notices.html", {"page": page})


@requires("dataops", page=True)
def feedback(request: HttpRequest) -> HttpResponse:
    """List the dealers with their open issue counts and a link to each error report."""
    actor = actor_of(request)
    return render(request, "quality/feedback.html", {
        "dealers": selectors.feedback_dealers(actor), "can_export": actor.can("export"),
    })


@requires("dataops", "export", page=True)
def feedback_download(request: HttpRequest, code: str) -> HttpResponse:
    """Send a dealer's XLSX error report (the report itself writes the audit entry)."""
    actor = actor_of(request)
    code = selectors.get_dealer_code(code, actor)
    with tempfile.TemporaryDirectory(prefix="autocrm-feedback-") as tmp:
        out = Path(tmp) / "report.xlsx"
        dealer_feedback.write_report(code, out, actor=actor)
        body = out.read_bytes()
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="feedback-{code}.xlsx"'
    return response

"""The start page (a dashboard per role) and the audit log."""

from __future__ import annotations

import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core import audit, audit_queries, dashboard, days

AUDIT_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires(page=True)
def home(request: HttpRequest) -> HttpResponse:
    """Show the figures, chart and latest loads the actor's role may see."""
    return render(request, "core/home.html", {"board": dashboard.build(actor_of(request))})


@requires("audit", page=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    """List the audit entries matching the filters, newest first, 50 a page."""
    form = audit_queries.AuditFilterForm(request.GET)
    rows = audit_queries.entries(form.filters())
    page = Paginator(rows, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"form": form, "page": page})


@requires("audit", page=True)
def audit_export(request: HttpRequest) -> FileResponse:
    """Send the filtered audit entries as XLSX, and log the export itself."""
    filters = audit_queries.AuditFilterForm(request.GET).filters()
    out = tempfile.TemporaryFile(suffix=".xlsx")  # FileResponse closes (and so deletes) it
    try:
        n = audit_queries.write_xlsx(audit_queries.entries(filters), out)
    except BaseException:
        out.close()
        raise
    audit.record("export", "audit_log", "*", actor=request.user, rows=n,
                 filters=audit_queries.as_text(filters))
    out.seek(0)
    name = f"audit-log-{days.today():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)

"""The audit log: its page with filters, and the same rows as an XLSX export."""

from __future__ import annotations

import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from autocrm.accounts import audit_log
from autocrm.accounts.access import requires
from autocrm.core import audit, days

AUDIT_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires("audit", page=True)
def audit_page(request: HttpRequest) -> HttpResponse:
    """List the audit entries matching the filters, newest first, 50 a page.

    An invalid filter is left out of the list, shown on its field, and the answer is 400.
    """
    form = audit_log.AuditFilterForm(request.GET)
    rows = audit_log.entries(form.filters())
    page = Paginator(rows, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"form": form, "page": page},
                  status=400 if form.errors else 200)


@requires("audit", page=True)
def audit_export(request: HttpRequest) -> FileResponse:
    """Send the filtered audit entries as XLSX, and log the export itself (400 on a bad filter)."""
    filters = audit_log.AuditFilterForm(request.GET).valid_filters()
    out = tempfile.TemporaryFile(suffix=".xlsx")  # FileResponse closes (and so deletes) it
    try:
        n = audit_log.write_xlsx(audit_log.entries(filters), out)
    except BaseException:
        out.close()
        raise
    audit.record_access("export", "audit_log", "*", actor=request.user, rows=n,
                        filters=audit_log.as_text(filters))
    out.seek(0)
    name = f"audit-log-{days.today():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)

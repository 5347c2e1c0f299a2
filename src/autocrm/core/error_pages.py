"""Error answers for every status: a styled page in the user's language, JSON under /api/.

Django's own handlers (unknown URL, refused permission, unreadable request, server error) and
the domain errors of AppErrorMiddleware all answer through `error_response`, so a page and the
back office look the same whatever failed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger(__name__)

TITLES = {
    400: gettext_lazy("Bad request"), 403: gettext_lazy("Access denied"),
    404: gettext_lazy("Page not found"), 405: gettext_lazy("Method not allowed"),
    500: gettext_lazy("Server error"),
}
MESSAGES = {
    400: gettext_lazy("The request could not be read."),
    403: gettext_lazy("Your role may not open this page."),
    404: gettext_lazy("There is no page at this address, or it is not yours to see."),
    405: gettext_lazy("This address does not take that kind of request."),
    500: gettext_lazy("Something went wrong on our side and was logged. Please try again later."),
}
CODES = {400: "bad_input", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         500: "server_error"}


def error_response(request: HttpRequest, status: int, message: Any = None,
                   code: str | None = None) -> HttpResponse:
    """Answer `status` as JSON for the API, as a fragment for htmx, as a page otherwise."""
    message = str(message or MESSAGES.get(status, MESSAGES[400]))
    code = code or CODES.get(status, "error")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message}, status=status)
    context = {"status": status, "title": TITLES.get(status, TITLES[400]), "code": code,
               "message": message}
    if request.headers.get("HX-Request"):
        return render(request, "_error.html", context, status=status)
    if request.path.startswith("/admin/"):
        from django.contrib import admin

        context |= admin.site.each_context(request)
        return render(request, "admin/error.html", context, status=status)
    return render(request, "error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a request Django could not accept (400)."""
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a refused permission (403), the back office's included."""
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer an unknown address or an id that does not fit its URL (404)."""
    return error_response(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer a form whose CSRF token is missing or stale (403), telling the user to reload."""
    return error_response(request, 403, _("The form has expired. Reload the page and try again."),
                          code="csrf_failed")


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected failure (500); a bare page if even the error page cannot render."""
    try:
        return error_response(request, 500)
    except Exception:  # the failure may be the database the page's menu reads
        log.exception("the error page itself failed")
        return HttpResponseServerError(
            f"<!doctype html><title>500</title><h1>500</h1><p>{MESSAGES[500]}</p>")

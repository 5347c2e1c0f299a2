"""Page middleware: domain errors rendered with their status; the language chosen Chinese-first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from autocrm.core.errors import AppError


class AppErrorMiddleware:
    """Turn an AppError raised by a page view into an error page with the same status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, AppError):
            return None
        context = {"status": exc.status, "code": exc.code, "message": exc.message}
        page = "_error.html" if request.headers.get("HX-Request") else "error.html"
        return render(request, page, context, status=exc.status)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise: the browser's Accept-Language is not consulted."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

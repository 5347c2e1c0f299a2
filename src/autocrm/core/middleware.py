"""Page middleware: domain errors rendered with their status; the language chosen Chinese-first;
no personal page or API answer kept in a cache."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from autocrm.core.error_pages import error_response
from autocrm.core.errors import AppError


class AppErrorMiddleware:
    """Turn an AppError raised by a page view into an error page with the same status; give a
    page's bare 405 (a view that takes only POST) the same styled page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not request.path.startswith("/api/"):
            styled = error_response(request, 405)
            styled["Allow"] = response.get("Allow", "")
            return styled
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, AppError):
            return None
        return error_response(request, exc.status, exc.message, exc.code)


class NoStoreMiddleware:
    """Forbid caching every API answer and every page a signed-in user sees.

    They carry personal data, which a shared or browser cache must not keep. Static files are
    served before this (WhiteNoise) and keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


def _language(request: HttpRequest) -> str:
    """Return the language the user chose by cookie, else Chinese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise: the browser's Accept-Language is not consulted."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(_language(request))
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """Refuse a request carrying a NUL character anywhere: no field may hold one.

    PostgreSQL cannot store NUL in text, so letting it through would turn a malformed request
    into a server error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            translation.activate(_language(request))  # before the locale middleware
            message = gettext("The request contains a NUL character.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "bad_input", "message": message}, status=400)
            # before the session and user are known: no page template can render yet
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        query = unquote(request.META.get("QUERY_STRING", ""))
        if "\x00" in query or "\x00" in request.path:
            return True
        kind = request.content_type or ""
        if request.method not in ("POST", "PUT", "PATCH") or kind.startswith("multipart/"):
            return False  # uploaded files may hold any byte
        body = request.body
        if kind == "application/x-www-form-urlencoded":
            return b"%00" in body or b"\x00" in body
        return b"\x00" in body or b"\\u0000" in body

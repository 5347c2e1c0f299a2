"""API assembly: one NinjaAPI, one router per domain, one error handler per kind of error."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from autocrm.accounts.api import router as accounts_router
from autocrm.accounts.auth import API_AUTH, UNAUTHORIZED, signed_in_only
from autocrm.core.errors import AppError
from autocrm.customers.api import router as customers_router
from autocrm.intake import leads as lead_intake  # noqa: F401  (adds POST /api/leads)
from autocrm.leads.api import router as leads_router

# ninja's own errors, by status, under the codes the API's other answers use
HTTP_CODES = {400: "bad_input", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


class NotJson(AppError):
    code, status = "unsupported_media_type", 415


class JsonOnly(Parser):
    """Read a request body only when it says it is JSON.

    A page elsewhere can send a `text/plain` body without asking the browser first (no CORS
    preflight); a JSON content type it cannot send.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        kind = request.content_type or ""
        if kind != "application/json" and not (kind.startswith("application/")
                                                and kind.endswith("+json")):
            raise NotJson(_("The body must be application/json."))
        return super().parse_body(request)


api = NinjaAPI(title="autocrm", version="0.2.0", docs_url="/docs", auth=API_AUTH,
               parser=JsonOnly(), docs_decorator=signed_in_only)
api.add_router("/auth", accounts_router)
api.add_router("/customers", customers_router)
api.add_router("/leads", leads_router)


@api.exception_handler(AppError)
def app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    """Render every domain error as JSON with its stable code."""
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Render ninja's own errors (a body it cannot read) in the same shape."""
    if isinstance(exc.__cause__, AppError):  # the parser refused the body
        return app_error(request, exc.__cause__)
    return api.create_response(
        request, {"code": HTTP_CODES.get(exc.status_code, "error"), "message": exc.message},
        status=exc.status_code,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """Answer a call without a valid token or session with 401 and a code."""
    return api.create_response(
        request, {"code": "unauthorized", "message": str(UNAUTHORIZED)}, status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Answer a request whose parameters or body do not fit the schema with 422 and a code."""
    return api.create_response(
        request, {"code": "invalid", "message": _("The request parameters are invalid."),
                  "detail": exc.errors}, status=422,
    )

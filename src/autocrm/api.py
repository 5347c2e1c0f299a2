"""API assembly: one NinjaAPI, one router per domain, one error handler."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from autocrm.accounts.api import router as accounts_router
from autocrm.accounts.auth import API_AUTH
from autocrm.core.errors import AppError
from autocrm.customers.api import router as customers_router

api = NinjaAPI(title="autocrm", version="0.2.0", docs_url="/docs", auth=API_AUTH)
api.add_router("/auth", accounts_router)
api.add_router("/customers", customers_router)


@api.exception_handler(AppError)
def app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    """Render every domain error as JSON with its stable code."""
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """Answer a call without a valid token or session with 401 and a code."""
    return api.create_response(
        request, {"code": "unauthorized", "message": "请先登录 (authentication required)"},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Answer a request whose parameters or body do not fit the schema with 422 and a code."""
    return api.create_response(
        request, {"code": "invalid", "message": "请求参数无效 (invalid request)",
                  "detail": exc.errors}, status=422,
    )

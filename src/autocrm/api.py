"""API assembly: one NinjaAPI, one router per domain, one error handler."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from autocrm.core.errors import AppError
from autocrm.customers.api import router as customers_router

api = NinjaAPI(title="autocrm", version="0.1.0", docs_url="/docs")
api.add_router("/customers", customers_router)


@api.exception_handler(AppError)
def app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    """Render every domain error as JSON with its stable code."""
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )

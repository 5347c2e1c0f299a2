"""URL assembly only."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from autocrm.analytics.views import home
from autocrm.api import api
from autocrm.core.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("customers/", include("autocrm.customers.urls")),
    path("leads/", include("autocrm.intake.urls")),
    path("leads/", include("autocrm.leads.urls")),
    path("ops/", include("autocrm.quality.urls")),
    path("audit/", include("autocrm.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

handler400 = "autocrm.core.error_pages.bad_request"
handler403 = "autocrm.core.error_pages.permission_denied"
handler404 = "autocrm.core.error_pages.page_not_found"
handler500 = "autocrm.core.error_pages.server_error"

"""URL assembly only."""

from django.contrib import admin
from django.urls import path

from autocrm.api import api
from autocrm.core.views import home

admin.site.site_header = "autocrm 客户数据平台"
admin.site.site_title = "autocrm"

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

from django.urls import path

from autocrm.accounts import views

urlpatterns = [
    path("", views.audit_page, name="audit-log"),
    path("export.xlsx", views.audit_export, name="audit-export"),
]

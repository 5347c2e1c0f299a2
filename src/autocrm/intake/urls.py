from django.urls import path

from autocrm.intake import views

urlpatterns = [
    path("new/", views.new_lead, name="lead-new"),
    path("check/", views.check_phone, name="lead-check"),
]

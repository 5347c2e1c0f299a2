from django.urls import path

from autocrm.customers import views

urlpatterns = [
    path("search/", views.search, name="customer-search"),
    path("<id:customer_id>/", views.detail, name="customer-detail"),
    path("<id:customer_id>/reveal/<str:field>/", views.reveal, name="customer-reveal"),
]

from django.urls import path

from autocrm.customers import views

urlpatterns = [
    path("search/", views.search, name="customer-search"),
    path("<int:customer_id>/", views.detail, name="customer-detail"),
    path("<int:customer_id>/reveal/<str:field>/", views.reveal, name="customer-reveal"),
]

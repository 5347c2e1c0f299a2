from django.urls import path

from autocrm.quality import views

urlpatterns = [
    path("loads/", views.loads, name="ops-loads"),
    path("loads/<id:load_id>/", views.load_detail, name="ops-load"),
    path("notices/", views.notices, name="ops-notices"),
    path("feedback/", views.feedback, name="ops-feedback"),
    path("feedback/<slug:code>.xlsx", views.feedback_download, name="ops-feedback-download"),
]

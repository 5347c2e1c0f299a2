from django.urls import path

from autocrm.leads import dashboards, views

urlpatterns = [
    path("", views.my_leads, name="lead-list"),
    path("funnel/", dashboards.funnel_page, name="lead-funnel"),
    path("conversion/", dashboards.conversion_page, name="lead-conversion"),
    path("key-accounts/", dashboards.key_accounts_page, name="lead-key-accounts"),
    path("key-accounts/export/", dashboards.key_accounts_export,
         name="lead-key-accounts-export"),
    path("key-accounts/<id:customer_id>/responsible/", dashboards.key_account_responsible,
         name="lead-key-account-responsible"),
    path("<id:lead_id>/", views.lead_detail, name="lead-detail"),
    path("<id:lead_id>/follow-up/", views.log_follow_up, name="lead-follow-up"),
    path("<id:lead_id>/move/", views.move, name="lead-move"),
    path("<id:lead_id>/owner/", views.set_owner, name="lead-owner"),
    path("<id:lead_id>/return/", views.return_lead, name="lead-return"),
    path("<id:lead_id>/lost-decision/", views.decide_lost, name="lead-lost-decision"),
    path("<id:lead_id>/reactivate/", views.reactivate, name="lead-reactivate"),
    path("assign/", views.assign, name="lead-assign"),
    path("mine/", views.mine, name="lead-mine"),
]

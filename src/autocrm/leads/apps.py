from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "autocrm.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from autocrm.customers import signals
        from autocrm.leads import services

        signals.merged.connect(services.follow_merge, dispatch_uid="leads.follow_merge")

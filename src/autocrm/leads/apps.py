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
        register_answers()


def register_answers() -> None:
    """Loaded lists are cleaned like every source: an answer outside the questionnaire's
    choices is a row issue naming the row and the column, the rest of the row loads."""
    from autocrm.leads import questionnaire
    from autocrm.quality.fields import register_choices

    for q in questionnaire.load().questions:
        register_choices(q.field, {spelling: c.code for c in q.choices
                                   for spelling in (c.code, c.label, c.label_en)})

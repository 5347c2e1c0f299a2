from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "autocrm.interactions"
    label = "interactions"
    verbose_name = "接触记录"

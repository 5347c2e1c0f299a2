from django.apps import AppConfig


class DealersConfig(AppConfig):
    name = "autocrm.dealers"
    label = "dealers"
    verbose_name = "经销商"

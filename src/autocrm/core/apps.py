from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "autocrm.core"
    label = "core"
    verbose_name = "核心"

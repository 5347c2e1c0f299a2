from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "autocrm.sources"
    label = "sources"
    verbose_name = "数据源"

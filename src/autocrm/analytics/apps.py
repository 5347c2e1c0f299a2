from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "autocrm.analytics"
    label = "analytics"
    verbose_name = "分析"

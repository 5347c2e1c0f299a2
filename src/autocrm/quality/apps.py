from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "autocrm.quality"
    label = "quality"
    verbose_name = "数据质量"

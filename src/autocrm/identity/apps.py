from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "autocrm.identity"
    label = "identity"
    verbose_name = "客户识别"

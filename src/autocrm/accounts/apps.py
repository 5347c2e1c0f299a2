from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "autocrm.accounts"
    verbose_name = _("Accounts and rights")


class AdminConfig(admin_apps.AdminConfig):
    """The back office, opened by role rights instead of Django's is_staff."""

    default = False
    default_site = "autocrm.accounts.admin_site.AutocrmAdminSite"

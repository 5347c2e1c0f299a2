"""Back office: loads and interface-change notices."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from autocrm.accounts.admin_site import RightAdmin
from autocrm.sources.models import InterfaceNotice, Load
from autocrm.sources.templatetags.source_labels import feed_label


@admin.register(Load)
class LoadAdmin(RightAdmin):
    right = "dataops"
    list_display = ("id", "source", "feed_shown", "file_name", "dealer_code", "status",
                    "rows_read", "rows_loaded", "rows_rejected", "rows_with_issues", "started_at")
    list_filter = ("status", "source", "feed")
    search_fields = ("file_name", "dealer_code")
    readonly_fields = [f.name for f in Load._meta.fields]
    read_only = True

    @admin.display(description=_("Feed"), ordering="feed")
    def feed_shown(self, load: Load) -> str:
        return feed_label(load)


@admin.register(InterfaceNotice)
class InterfaceNoticeAdmin(RightAdmin):
    right = "dataops"
    list_display = ("id", "source", "feed", "file_name", "added", "missing", "renamed",
                    "created_at", "acknowledged_at")
    list_filter = ("source", "feed")

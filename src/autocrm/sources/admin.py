"""Back office: loads and interface-change notices."""

from django.contrib import admin

from autocrm.sources.models import InterfaceNotice, Load


@admin.register(Load)
class LoadAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "feed", "file_name", "dealer_code", "status", "rows_read",
                    "rows_loaded", "rows_rejected", "rows_with_issues", "started_at")
    list_filter = ("status", "source", "feed")
    search_fields = ("file_name", "dealer_code")
    readonly_fields = [f.name for f in Load._meta.fields]


@admin.register(InterfaceNotice)
class InterfaceNoticeAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "feed", "file_name", "added", "missing", "renamed",
                    "created_at", "acknowledged_at")
    list_filter = ("source", "feed")

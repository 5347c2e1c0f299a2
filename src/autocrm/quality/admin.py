"""Back office: data-quality issues."""

from django.contrib import admin

from autocrm.accounts.admin_site import RightAdmin
from autocrm.quality.models import Issue


@admin.register(Issue)
class IssueAdmin(RightAdmin):
    right = "dataops"
    list_display = ("id", "source", "dealer_code", "file_name", "row_no", "field", "value", "rule",
                    "severity", "resolved_by")
    list_filter = ("severity", "rule", "source")
    search_fields = ("=dealer_code", "file_name", "=record_key")
    show_full_result_count = False

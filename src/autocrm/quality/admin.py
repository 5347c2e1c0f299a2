"""Back office: data-quality issues, their values masked like the fields they belong to."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from autocrm.accounts.admin_site import RightAdmin, masked
from autocrm.core import audit
from autocrm.quality.models import Issue


@admin.register(Issue)
class IssueAdmin(RightAdmin):
    right = "dataops"
    list_display = ("id", "source", "dealer_code", "file_name", "row_no", "field", "shown_value",
                    "rule", "severity", "resolved_by")
    list_filter = ("severity", "rule", "source")
    search_fields = ("=dealer_code", "file_name", "=record_key")
    show_full_result_count = False
    fields = readonly_fields = tuple(
        "shown_value" if f.name == "value" else f.name for f in Issue._meta.fields)
    read_only = True

    @admin.display(description=_("Value as sent"))
    def shown_value(self, obj: Issue) -> Any:
        """The rejected value, masked as the viewer's level masks its field."""
        return masked(obj.field, obj.value)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        audit.record_access("view", "issue_list", "*", actor=request.user,
                            query=request.GET.urlencode()[:500])
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request: HttpRequest, object_id: Any = None, *args: Any,
                        **kwargs: Any) -> Any:
        if object_id is not None:
            audit.record_access("view", "issue", object_id, actor=request.user)
        return super().changeform_view(request, object_id, *args, **kwargs)

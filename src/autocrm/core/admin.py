"""Back office: the audit log, read-only."""

from django.contrib import admin
from django.http import HttpRequest

from autocrm.accounts.admin_site import RightAdmin
from autocrm.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(RightAdmin):
    right = "audit"
    list_display = ("at", "actor", "action", "object_type", "object_id", "customer_id")
    list_filter = ("action", "object_type")
    search_fields = ("=customer_id", "=object_id")


    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

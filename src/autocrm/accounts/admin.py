"""Back office: users, roles and tokens, the audit log (read-only) and the dealer network."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from autocrm.accounts.admin_site import RightAdmin, key_value_table
from autocrm.accounts.models import ApiToken, Department, Membership, Role
from autocrm.accounts.rights import FLAGS, PII_KINDS
from autocrm.core.models import ACTIONS, DETAIL_KEYS, AuditEntry
from autocrm.dealers.models import Dealer

# Every right of a role, in the order declared: adding one to `rights` adds its column here.
RIGHTS = (*PII_KINDS, *FLAGS)


class UserAdminRight(RightAdmin):
    right = "user_admin"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request)


@admin.register(Department)
class DepartmentAdmin(UserAdminRight):
    list_display = ("code", "name", "name_en", "is_dealer")


@admin.register(Role)
class RoleAdmin(UserAdminRight):
    list_display = ("code", "name", "department", *RIGHTS)
    list_filter = ("department",)
    list_editable = RIGHTS


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class AccountAdmin(UserAdminRight, UserAdmin):  # type: ignore[misc]
    inlines = (MembershipInline,)
    list_display = ("username", "is_active", "last_login", "role", "dealer")
    list_filter = ("is_active", "membership__role")
    list_select_related = ("membership__role", "membership__dealer")

    @admin.display(description=_("role"))
    def role(self, user: Any) -> str:
        return str(getattr(getattr(user, "membership", None), "role", "") or "")

    @admin.display(description=_("dealer"))
    def dealer(self, user: Any) -> str:
        return str(getattr(getattr(user, "membership", None), "dealer", "") or "")


@admin.register(ApiToken)
class ApiTokenAdmin(UserAdminRight):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at",
                    "revoked_at")
    readonly_fields = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at")
    exclude = ("digest",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ActionFilter(admin.SimpleListFilter):
    """Filter the audit log by action, each named in the active language."""

    title = _("Action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        codes = AuditEntry.objects.order_by("action").values_list("action", flat=True)
        return [(code, ACTIONS.get(code, code)) for code in codes.distinct()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(RightAdmin):
    right = "audit"
    list_display = ("at", "actor", "action_shown", "object_type", "object_id", "customer_id")
    list_filter = (ActionFilter, "object_type")
    search_fields = ("=customer_id", "=object_id")
    fields = readonly_fields = ("at", "actor", "action_shown", "object_type", "object_id",
                                "customer_id", "detail_shown")

    @admin.display(description=_("Action"), ordering="action")
    def action_shown(self, entry: AuditEntry) -> str:
        return entry.action_label

    @admin.display(description=_("Detail"))
    def detail_shown(self, entry: AuditEntry) -> SafeString:
        return key_value_table(entry.shown_detail, DETAIL_KEYS)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Dealer)
class DealerAdmin(RightAdmin):
    right = "dataops"
    list_display = ("code", "name", "province", "city")
    search_fields = ("code", "name")

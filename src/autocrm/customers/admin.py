"""Back office for stewards: golden customers and held changes."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from autocrm.core.errors import AppError
from autocrm.customers import services
from autocrm.customers.models import Customer, HeldChange


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("id", "unified_id", "name", "phone", "city", "key_type", "record_count")
    search_fields = ("=unified_id", "=phone", "name")
    list_filter = ("key_type", "kind")
    show_full_result_count = False
    readonly_fields = [f.name for f in Customer._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(HeldChange)
class HeldChangeAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "field", "current_value", "proposed_value", "reason",
                    "status", "created_at", "decided_by")
    list_filter = ("status", "field")
    readonly_fields = [f.name for f in HeldChange._meta.fields]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[HeldChange], approve: bool) -> None:
        done = 0
        for change in queryset:
            try:
                if approve:
                    services.approve_held_change(change.id, request.user)
                else:
                    services.reject_held_change(change.id, request.user)
                done += 1
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, f"已处理 {done} 条变更")

    @admin.action(description="批准所选变更 (approve)")
    def approve(self, request: HttpRequest, queryset: QuerySet[HeldChange]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description="驳回所选变更 (reject)")
    def reject(self, request: HttpRequest, queryset: QuerySet[HeldChange]) -> None:
        self._decide(request, queryset, False)

"""Back office for stewards: golden customers and held changes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from autocrm.accounts.actor import actor_of
from autocrm.accounts.admin_site import RightAdmin, masked
from autocrm.core.errors import AppError
from autocrm.customers import services
from autocrm.customers.models import Customer, HeldChange
from autocrm.sources.models import SourceRecord


@admin.register(Customer)
class CustomerAdmin(RightAdmin):
    """Golden customers, personal data masked as on the 360° page (reveal happens there)."""

    right = "steward"
    list_display = ("id", "masked_unified_id", "name", "masked_phone", "city", "key_type")
    search_fields = ("=unified_id", "=phone", "name")
    list_filter = ("key_type", "kind")
    show_full_result_count = False
    fields = readonly_fields = (
        "id", "page", "masked_unified_id", "key_type", "kind", "name", "masked_id_number",
        "gender", "masked_birth_date", "masked_phone", "province", "city", "occupation",
        "employer", "interests", "records", "created_at", "updated_at")
    read_only = True

    def _masked(self, obj: Customer, field: str) -> Any:
        return masked(field, getattr(obj, field))

    @admin.display(description=gettext_lazy("Unified ID"))
    def masked_unified_id(self, obj: Customer) -> Any:
        return obj.unified_id if obj.key_type != "ric" else self._masked(obj, "unified_id")

    @admin.display(description=gettext_lazy("ID number"))
    def masked_id_number(self, obj: Customer) -> Any:
        return self._masked(obj, "id_number")

    @admin.display(description=gettext_lazy("Date of birth"))
    def masked_birth_date(self, obj: Customer) -> Any:
        return self._masked(obj, "birth_date")

    @admin.display(description=gettext_lazy("Mobile"))
    def masked_phone(self, obj: Customer) -> Any:
        return self._masked(obj, "phone")

    @admin.display(description=gettext_lazy("Source records"))
    def records(self, obj: Customer) -> int:
        return SourceRecord.objects.filter(customer_id=obj.id, current=True).count()

    @admin.display(description=gettext_lazy("360° page"))
    def page(self, obj: Customer) -> str:
        return format_html('<a href="{}">{}</a>', reverse("customer-detail", args=[obj.id]),
                           _("Open the customer's 360° page"))



@admin.register(HeldChange)
class HeldChangeAdmin(RightAdmin):
    right = "steward"
    list_display = ("id", "customer", "field", "current", "proposed", "reason", "status",
                    "created_at", "decided_by")
    list_filter = ("status", "field")
    fields = readonly_fields = ("customer", "field", "current", "proposed", "record_id", "load",
                                "reason", "status", "decided_by", "decided_at", "created_at")
    read_only = True

    @admin.display(description=gettext_lazy("Current value"))
    def current(self, obj: HeldChange) -> Any:
        return masked(obj.field, obj.current_value)

    @admin.display(description=gettext_lazy("Proposed value"))
    def proposed(self, obj: HeldChange) -> Any:
        return masked(obj.field, obj.proposed_value)
    actions = ["approve", "reject"]


    def _decide(self, request: HttpRequest, queryset: QuerySet[HeldChange], approve: bool) -> None:
        done = 0
        for change in queryset:
            try:
                if approve:
                    services.approve_held_change(change.id, actor_of(request))
                else:
                    services.reject_held_change(change.id, actor_of(request))
                done += 1
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, ngettext("%(n)s change decided.", "%(n)s changes decided.",
                                           done) % {"n": done})

    @admin.action(description=gettext_lazy("Approve the chosen changes"))
    def approve(self, request: HttpRequest, queryset: QuerySet[HeldChange]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("Decline the chosen changes"))
    def reject(self, request: HttpRequest, queryset: QuerySet[HeldChange]) -> None:
        self._decide(request, queryset, False)

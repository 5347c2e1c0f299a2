"""Back office for stewards: merge proposals and unmerging records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from autocrm.accounts.actor import actor_of
from autocrm.accounts.admin_site import RightAdmin, masked
from autocrm.accounts.rights import PII_FIELDS
from autocrm.core.errors import AppError
from autocrm.identity import services
from autocrm.identity.models import MatchEvidence, MergeProposal
from autocrm.sources.models import SourceRecord


@admin.register(MergeProposal)
class MergeProposalAdmin(RightAdmin):
    right = "steward"
    list_display = ("id", "customer_a", "customer_b", "rule", "score", "status", "decided_by")
    list_filter = ("status", "rule")
    readonly_fields = [f.name for f in MergeProposal._meta.fields]
    actions = ["merge", "reject"]


    def _decide(self, request: HttpRequest, qs: QuerySet[MergeProposal], approve: bool) -> None:
        for p in qs:
            try:
                services.decide_proposal(p.id, approve, actor_of(request))
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description="合并所选客户 (merge)")
    def merge(self, request: HttpRequest, queryset: QuerySet[MergeProposal]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description="驳回合并建议 (reject)")
    def reject(self, request: HttpRequest, queryset: QuerySet[MergeProposal]) -> None:
        self._decide(request, queryset, False)


@admin.register(MatchEvidence)
class MatchEvidenceAdmin(RightAdmin):
    right = "steward"
    list_display = ("customer_id", "left_record", "right_record", "rule", "score", "load")
    list_filter = ("rule",)
    search_fields = ("=customer_id",)
    show_full_result_count = False


@admin.register(SourceRecord)
class SourceRecordAdmin(RightAdmin):
    right = "steward"
    list_display = ("id", "customer_id", "source", "feed", "record_key", "row_no", "load",
                    "current", "held_fields")
    list_filter = ("source", "feed", "current")
    search_fields = ("=customer_id", "=record_key", "=vin")
    show_full_result_count = False
    fields = readonly_fields = tuple(
        "masked_data" if f.name == "data" else f.name for f in SourceRecord._meta.fields)

    @admin.display(description="数据 (个人信息按角色脱敏)")
    def masked_data(self, obj: SourceRecord) -> dict[str, Any]:
        return {k: masked(k, v) if k in PII_FIELDS else v for k, v in (obj.data or {}).items()}
    actions = ["split_off"]


    @admin.action(description="拆分为新客户 (unmerge selected records)")
    def split_off(self, request: HttpRequest, queryset: QuerySet[SourceRecord]) -> None:
        owners = set(queryset.values_list("customer_id", flat=True))
        if len(owners) != 1:
            self.message_user(request, "请只选择同一客户的记录", messages.ERROR)
            return
        owner = owners.pop()
        if owner is None:
            self.message_user(request, "所选记录未归属任何客户，无法拆分", messages.ERROR)
            return
        try:
            new = services.unmerge(owner, list(queryset.values_list("id", flat=True)),
                                   actor_of(request))
        except AppError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"已拆分为新客户 {new.id} {new.unified_id}")

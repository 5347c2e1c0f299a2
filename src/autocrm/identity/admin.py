"""Back office for stewards: merge proposals and unmerging records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.accounts.actor import actor_of
from autocrm.accounts.admin_site import RightAdmin, key_value_table, masked, rounded
from autocrm.accounts.rights import PII_FIELDS
from autocrm.core.errors import AppError
from autocrm.customers.labels import FIELDS
from autocrm.identity import services
from autocrm.identity.models import MatchEvidence, MergeProposal
from autocrm.sources.models import SourceRecord
from autocrm.vehicles.models import RepairOrder, Vehicle


def record_labels() -> dict[str, Any]:
    """Return the label of every canonical field a record's data may hold that has one."""
    models = (RepairOrder, Vehicle)
    return {**{f.name: f.verbose_name for m in models for f in m._meta.fields}, **FIELDS}


@admin.register(MergeProposal)
class MergeProposalAdmin(RightAdmin):
    right = "steward"
    list_display = ("id", "customer_a", "customer_b", "rule", "score_shown", "status", "decided_by")
    list_filter = ("status", "rule")
    fields = readonly_fields = tuple(
        "score_shown" if f.name == "score" else f.name for f in MergeProposal._meta.fields)
    actions = ["merge", "reject"]
    read_only = True

    @admin.display(description=gettext_lazy("Score"), ordering="score")
    def score_shown(self, obj: MergeProposal) -> str:
        return rounded(obj.score)


    def _decide(self, request: HttpRequest, qs: QuerySet[MergeProposal], approve: bool) -> None:
        for p in qs:
            try:
                services.decide_proposal(p.id, approve, actor_of(request))
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description=gettext_lazy("Merge the chosen customers"))
    def merge(self, request: HttpRequest, queryset: QuerySet[MergeProposal]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("Decline the chosen proposals"))
    def reject(self, request: HttpRequest, queryset: QuerySet[MergeProposal]) -> None:
        self._decide(request, queryset, False)


@admin.register(MatchEvidence)
class MatchEvidenceAdmin(RightAdmin):
    right = "steward"
    list_display = ("customer_id", "left_record", "right_record", "rule", "score_shown", "load")
    list_filter = ("rule",)
    search_fields = ("=customer_id",)
    show_full_result_count = False
    fields = readonly_fields = tuple(
        "score_shown" if f.name == "score" else f.name for f in MatchEvidence._meta.fields)
    read_only = True

    @admin.display(description=gettext_lazy("Score"), ordering="score")
    def score_shown(self, obj: MatchEvidence) -> str:
        return rounded(obj.score)


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

    @admin.display(description=gettext_lazy("Data (personal data masked by role)"))
    def masked_data(self, obj: SourceRecord) -> SafeString:
        data = {k: masked(k, v) if k in PII_FIELDS else v for k, v in (obj.data or {}).items()}
        return key_value_table(data, record_labels())
    actions = ["split_off"]
    read_only = True


    @admin.action(description=gettext_lazy("Split off into a new customer"))
    def split_off(self, request: HttpRequest, queryset: QuerySet[SourceRecord]) -> None:
        owners = set(queryset.values_list("customer_id", flat=True))
        if len(owners) != 1:
            self.message_user(request, _("Choose records of one customer only."), messages.ERROR)
            return
        owner = owners.pop()
        if owner is None:
            self.message_user(request, _("The chosen records belong to no customer and cannot be "
                                         "split off."), messages.ERROR)
            return
        try:
            new = services.unmerge(owner, list(queryset.values_list("id", flat=True)),
                                   actor_of(request))
        except AppError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("Split off into the new customer %(id)s %(unified_id)s.")
                          % {"id": new.id, "unified_id": new.unified_id})

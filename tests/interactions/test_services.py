"""Entries put on the timeline by services, one at a time or in bulk, and by the batch."""

from __future__ import annotations

import polars as pl
import pytest

from autocrm.accounts.actor import SYSTEM, actor_for
from autocrm.core.errors import InputError
from autocrm.customers import view360
from autocrm.identity import services as identity_services
from autocrm.interactions import kinds, services
from autocrm.interactions.models import Interaction
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_service_adds_one_entry_without_a_record(two_dealers: dict[str, int]) -> None:
    actor = actor_for(make_user("cc_agent", username="agent1"))
    entry = services.add_event(actor, two_dealers["zhang"], "call", title="回访", summary="满意",
                               detail={"call_type": "回访"}, dealer_code="D11001")
    stored = Interaction.objects.get(id=entry.id)
    assert (stored.origin, stored.record_id, stored.kind, stored.title) == (
        "service", None, "call", "回访")
    assert stored.detail == {"call_type": "回访", "by": "agent1"}
    timeline = view360.customer_360(two_dealers["zhang"])["timeline"]
    assert [(i["kind"], i["title"], i["record"]) for i in timeline if i["kind"] == "call"] == [
        ("call", "回访", None)]


def test_an_unknown_kind_is_refused_and_nothing_is_written(two_dealers: dict[str, int]) -> None:
    before = Interaction.objects.count()
    with pytest.raises(InputError, match="unknown timeline kind 'gift'"):
        services.add_event(SYSTEM, two_dealers["zhang"], "gift", title="x")
    frame = pl.DataFrame({"customer_id": [two_dealers["zhang"]], "kind": ["gift"], "title": ["x"]})
    with pytest.raises(InputError, match="unknown timeline kind 'gift'"):
        services.add_events(frame)
    assert Interaction.objects.count() == before


def test_many_entries_are_added_in_one_bulk_write(two_dealers: dict[str, int]) -> None:
    frame = pl.DataFrame({
        "customer_id": [two_dealers["zhang"], two_dealers["li"]], "kind": ["survey", "call"],
        "title": ["满意度调查", "咨询"], "occurred_at": [None, None],
    }, schema_overrides={"occurred_at": pl.Datetime("us", "UTC")})
    assert services.add_events(frame) == 2
    added = Interaction.objects.filter(origin="service").order_by("customer_id")
    assert [(e.customer_id, e.kind, e.title, e.record_id) for e in added] == [
        (two_dealers["zhang"], "survey", "满意度调查", None),
        (two_dealers["li"], "call", "咨询", None)]


def test_a_merge_moves_the_entries_services_added(two_dealers: dict[str, int]) -> None:
    services.add_event(SYSTEM, two_dealers["li"], "call", title="来电")
    identity_services.merge_customers(two_dealers["zhang"], two_dealers["li"], SYSTEM)
    assert list(Interaction.objects.filter(origin="service").values_list(
        "customer_id", flat=True)) == [two_dealers["zhang"]]


def test_the_registry_names_every_kind_the_batch_writes() -> None:
    assert kinds.RECORD_KINDS == ("call", "complaint", "roadside", "member", "contract",
                                  "invoice", "survey", "registration", "event_signup", "post",
                                  "lead", "follow_up")
    assert {k: v.right for k, v in kinds.KINDS.items() if v.right} == {
        "complaint": "complaints", "contract": "finance", "repair": "repair"}
    assert [k for k, v in kinds.KINDS.items() if not v.dealer_scoped] == ["repair"]

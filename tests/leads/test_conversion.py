"""Conversion rates with exact values: the share of leads that got at least as far as each
stage, won and lost, per source, dealer, salesperson and month; bad dimensions are a 400."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from autocrm.leads import conversion
from autocrm.leads.models import Lead
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 12, 3, 12))


def lead(channel: str, dealer: str, stage: str, reached: str, days_ago: int,
         owner: object = None) -> None:
    at = NOW - dt.timedelta(days=days_ago)
    Lead.objects.create(customer_id=1, channel=channel, dealer_code=dealer, stage=stage,
                        reached=reached, owner=owner, stage_at=at, created_at=at,
                        updated_at=at)


@pytest.fixture
def leads() -> None:
    s1 = make_user("dealer_sales", "D11001", "s1")
    lead("website", "D11001", "delivered", "delivered", 10, s1)
    lead("website", "D11001", "lost", "test_drive", 20, s1)   # lost after a test drive
    lead("website", "D11002", "contacted", "contacted", 40)
    lead("website", "D11002", "new", "new", 45)
    lead("auto_show", "D11001", "quote", "quote", 5, s1)
    lead("auto_show", "D11001", "new", "new", 400)  # older than the period: not counted


def test_rates_per_source(leads: None) -> None:
    rows = conversion.rates(Lead.objects.all(), "channel", 6, now=NOW)
    assert rows == [
        {"key": "website", "leads": 4, "steps": [75.0, 50.0, 50.0, 25.0, 25.0],
         "won": 25.0, "lost": 25.0},
        {"key": "auto_show", "leads": 1, "steps": [100.0, 100.0, 100.0, 100.0, 0.0],
         "won": 0.0, "lost": 0.0}]


def test_rates_per_dealer_salesperson_and_month(leads: None) -> None:
    by_dealer = conversion.rates(Lead.objects.all(), "dealer", 6, now=NOW)
    assert [(r["key"], r["leads"], r["won"]) for r in by_dealer] == [
        ("D11001", 3, 33.3), ("D11002", 2, 0.0)]
    by_person = conversion.rates(Lead.objects.all(), "salesperson", 6, now=NOW)
    assert [(r["key"], r["leads"]) for r in by_person] == [("s1", 3), ("—", 2)]
    by_month = conversion.rates(Lead.objects.all(), "month", 6, now=NOW)
    assert [(r["key"], r["leads"]) for r in by_month] == [("2026-10", 2), ("2026-11", 3)]


def test_an_unknown_dimension_is_a_400_naming_the_field(leads: None) -> None:
    client = Client()
    client.force_login(make_user("crm_manager", None, "hq"))
    bad = client.get("/api/leads/conversion?by=colour")
    assert bad.status_code == 400
    assert bad.json() == {"code": "bad_dimension", "message":
                          "by：'colour' 不是以下之一：channel, dealer, salesperson, model, month"}
    page = client.get("/leads/conversion/?by=colour")
    assert page.status_code == 400
    assert "colour" in page.content.decode()
    ok = client.get("/leads/conversion/?by=channel&months=12")
    assert ok.status_code == 200
    assert "官网" in ok.content.decode()  # the source's label, not its code

"""Reading stored records back into frames."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from autocrm.customers.models import Customer
from autocrm.pipeline import batch
from autocrm.pipeline.records import PERSON_FIELDS
from autocrm.sources import record_store as store
from tests.factories import DMS_CUSTOMER_HEADER, dms_customer_row, ric, write_csv

pytestmark = pytest.mark.django_db
ZHANG = ric()


@pytest.fixture
def customer(tmp_path: Path) -> int:
    cust = write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C001", "张玮", ZHANG, "+86 139-0013-9000"),
    ])
    batch.run([("DMS", cust)], today=dt.date(2026, 11, 1))
    return Customer.objects.get().id


def test_fetch_of_named_fields_reads_only_those_as_text_and_dates(customer: int) -> None:
    frame = store.fetch("customer_id", [customer], fields=["name", "phone", "birth_date", "vin"])
    assert frame.columns == ["record_id", "customer_id", "load_id", "source", "feed",
                             "event_day", "vin", "dealer_code", "held_fields", "name", "phone",
                             "birth_date"]
    row = frame.row(0, named=True)
    assert (row["name"], row["phone"], row["birth_date"], row["vin"]) == (
        "张玮", "13900139000", dt.date(1985, 3, 12), None)
    assert frame.schema["birth_date"] == pl.Date


def test_fetch_of_named_fields_agrees_with_the_whole_payload(customer: int) -> None:
    whole = store.fetch("customer_id", [customer])
    named = store.fetch("customer_id", [customer], fields=PERSON_FIELDS)
    shared = [c for c in named.columns if c in whole.columns]
    assert len(shared) > 12
    assert named.select(shared).equals(whole.select(shared))


def test_fetch_of_no_fields_reads_no_payload(customer: int) -> None:
    frame = store.fetch("customer_id", [customer], feeds=[("DMS", "customer")], fields=())
    assert frame.columns == ["record_id", "customer_id", "load_id", "source", "feed",
                             "event_day", "vin", "dealer_code", "held_fields"]
    assert frame["feed"].to_list() == ["customer"]


def test_fetch_refuses_a_field_name_that_is_not_a_name(customer: int) -> None:
    with pytest.raises(ValueError, match="not a payload field"):
        store.fetch("customer_id", [customer], fields=["name') --"])

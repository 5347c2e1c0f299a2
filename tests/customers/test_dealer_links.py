"""Dealer relations: the batch rewrites only the relations it derives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from autocrm.customers import dealer_links
from autocrm.customers.models import Customer, CustomerDealer
from autocrm.pipeline import batch
from tests.factories import DMS_CUSTOMER_HEADER, dms_customer_row, ric, write_csv

pytestmark = pytest.mark.django_db
ZHANG = ric()


def _customers(tmp_path: Path, name: str, phone: str) -> Path:
    return write_csv(tmp_path / "DMS" / "D11001" / name, DMS_CUSTOMER_HEADER,
                     [dms_customer_row("D11001", "C001", "张伟", ZHANG, phone)])


def test_a_relation_the_batch_does_not_derive_survives_the_next_load(tmp_path: Path) -> None:
    batch.run([("DMS", _customers(tmp_path, "a.csv", "13800138000"))], today=dt.date(2026, 11, 1))
    customer = Customer.objects.get()
    CustomerDealer.objects.create(customer=customer, dealer_code="D11002", relation="lead")
    # The customer's DMS row comes again changed: its record relations are recomputed.
    report = batch.run([("DMS", _customers(tmp_path, "b.csv", "13900139000"))],
                       today=dt.date(2026, 11, 2))
    assert report.files[0].rows_loaded == 1
    links = set(CustomerDealer.objects.values_list("dealer_code", "relation"))
    assert links == {("D11001", "dms"), ("D11002", "lead")}


def test_the_derived_relations_come_from_configuration() -> None:
    assert dealer_links.derived() == ["bought", "club", "dms", "serviced"]

"""Repair orders read per owner: the serviced spans dealer links are derived from."""

from __future__ import annotations

import datetime as dt

import pytest

from autocrm.vehicles import repairs
from autocrm.vehicles.models import Vehicle
from tests.factories import vin

pytestmark = pytest.mark.django_db


def test_serviced_spans_and_owners_of_a_car(two_dealers: dict[str, int]) -> None:
    spans = repairs.serviced([two_dealers["zhang"]]).sort("dealer_code")
    assert spans.rows() == [
        (two_dealers["zhang"], "D11001", dt.date(2025, 5, 10), dt.date(2025, 5, 10)),
        (two_dealers["zhang"], "D11002", dt.date(2025, 9, 1), dt.date(2025, 9, 1)),
    ]
    car = Vehicle.objects.get(vin=vin(1)).id
    assert repairs.owners([car]) == {two_dealers["zhang"]}
    assert repairs.serviced([two_dealers["li"]]).height == 0

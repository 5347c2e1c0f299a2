"""A pair of customers is proposed once, and never again once a steward kept them apart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from autocrm.accounts.actor import SYSTEM
from autocrm.customers.models import Customer
from autocrm.identity import services
from autocrm.identity.models import MergeProposal
from autocrm.pipeline import batch
from autocrm.sources.models import SourceRecord
from tests.factories import (
    DMS_CUSTOMER_HEADER,
    FIN_HEADER,
    dms_customer_row,
    fin_row,
    ric,
    vin,
    write_csv,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)
ZHANG = ric()


@pytest.fixture
def two(tmp_path: Path) -> tuple[int, int]:
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER,
                    [fin_row("F001", "张伟", ZHANG, "13800138000", vin(1))])
    dms = write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER,
                    [dms_customer_row("D11001", "C9", "张伟", None, "13500135000")])
    batch.run([("FIN", fin), ("DMS", dms)], today=TODAY)
    zhang = Customer.objects.get(id_number=ZHANG).id
    return zhang, Customer.objects.exclude(id=zhang).get(name="张伟").id


def load_bridge(root: Path, dealer: str) -> None:
    """Load a row with the first 张伟's ID number and the second's mobile: evidence for both."""
    path = write_csv(root / "DMS" / dealer / "customers.csv", DMS_CUSTOMER_HEADER,
                     [dms_customer_row(dealer, "B1", "张伟", ZHANG, "13500135000")])
    batch.run([("DMS", path)], today=TODAY)


def pairs() -> list[tuple[int, int, str]]:
    return sorted(MergeProposal.objects.values_list("customer_a", "customer_b", "status"))


def test_the_same_pair_is_proposed_once(tmp_path: Path, two: tuple[int, int]) -> None:
    load_bridge(tmp_path, "D11002")
    load_bridge(tmp_path, "D11003")
    assert pairs() == [(*sorted(two), "pending")]


def test_a_rejected_pair_is_not_proposed_again(tmp_path: Path, two: tuple[int, int]) -> None:
    load_bridge(tmp_path, "D11002")
    services.decide_proposal(MergeProposal.objects.get().id, approve=False, actor=SYSTEM)
    load_bridge(tmp_path, "D11003")
    assert pairs() == [(*sorted(two), "rejected")]


def test_an_unmerged_pair_stays_apart(tmp_path: Path, two: tuple[int, int]) -> None:
    zhang, wang = two
    services.merge_customers(zhang, wang, SYSTEM)
    split = services.unmerge(zhang, [SourceRecord.objects.get(record_key="D11001|C9").id],
                            SYSTEM)
    load_bridge(tmp_path, "D11002")
    assert pairs() == [(zhang, split.id, "split")]
    assert Customer.objects.filter(id__in=[zhang, split.id]).count() == 2

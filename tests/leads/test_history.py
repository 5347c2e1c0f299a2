"""The demo's lead history and prospect lists: consistent, assigned, dated in the past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from django.utils import timezone

from autocrm.leads import history
from autocrm.leads.models import FollowUp, Lead, LeadChange
from autocrm.pipeline import batch
from autocrm.synth.leads import write_lists
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_prospect_lists_load_into_leads_and_a_history_works_them(tmp_path: Path) -> None:
    persons = pl.DataFrame({"name": ["赵敏", "孙丽"], "phones": [["13600136000"], []]})
    today = timezone.localdate()
    files = write_lists(tmp_path, persons, rows=60, today=today, seed=7)
    assert [f.name for f in files] == ["auto_show.xlsx", "bought_list.csv"]
    assert files[1].read_bytes().decode("gbk").splitlines()[0].startswith("姓名,手机,意向车型")
    report = batch.run([("LEAD", f) for f in files])
    assert [f.status for f in report.files] == ["loaded", "loaded"]
    assert sum(report.leads.values()) >= 60
    old = Lead.objects.order_by("id").first()
    assert old is not None
    Lead.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    sales = make_user("dealer_sales", "D11001", "s1")
    done = history.fill({"D11001": [sales.pk]}, seed=7)
    assert (done.closed_old, done.worked) == (1, Lead.objects.count() - 1)
    old.refresh_from_db()
    assert (old.stage, old.lost_reason) == ("lost", "no_interest")
    for lead in Lead.objects.exclude(pk=old.pk):
        assert (lead.dealer_code, lead.owner_id) == ("D11001", sales.pk)
        changes = list(LeadChange.objects.filter(lead=lead).order_by("at", "id"))
        assert changes[-1].new == lead.stage
        assert (lead.next_follow_up is None) == (not lead.is_open)
    assert FollowUp.objects.count() == done.follow_ups > 0
    assert not FollowUp.objects.filter(at__gt=timezone.now()).exists()


def test_ids_are_read_in_parts_that_postgresql_takes() -> None:
    from autocrm.leads.services import PART, in_parts

    parts = in_parts(list(range(2 * PART + 5, 0, -1)))
    assert [len(p) for p in parts] == [PART, PART, 5]
    assert parts[0][0] == 1 and parts[-1][-1] == 2 * PART + 5

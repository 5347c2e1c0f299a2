"""The demo's lead history and prospect lists: consistent, assigned, dated in the past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from autocrm.leads import history
from autocrm.leads.models import FollowUp, Lead, LeadChange
from autocrm.pipeline import batch
from autocrm.synth import generate
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_prospect_lists_load_into_leads_and_a_history_works_them(tmp_path: Path) -> None:
    generate(tmp_path, customers=300, seed=7, dealers=8)
    files = [tmp_path / "LEAD" / "auto_show.xlsx", tmp_path / "LEAD" / "bought_list.csv"]
    assert files[1].read_bytes().decode("gbk").splitlines()[0].startswith("姓名,手机,意向车型")
    report = batch.run([("LEAD", f) for f in files])
    assert [f.status for f in report.files] == ["loaded", "loaded"]
    assert sum(report.leads.values()) >= 50
    old = Lead.objects.order_by("id").first()
    assert old is not None
    Lead.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    since = timezone.now() - dt.timedelta(days=history.RECENT_DAYS + 1)
    stale = set(Lead.objects.filter(created_at__lt=since).values_list("pk", flat=True))
    sales = make_user("dealer_sales", "D11001", "s1")
    done = history.fill({"D11001": [sales.pk]}, seed=7)
    assert (done.closed_old, done.worked) == (len(stale), Lead.objects.count() - len(stale))
    old.refresh_from_db()
    assert (old.stage, old.lost_reason) == ("lost", "no_interest")
    for lead in Lead.objects.exclude(pk__in=stale):
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

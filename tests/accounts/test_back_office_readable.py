"""The back office reads well: objects have names, values are formatted (local dates, rounded
scores, a record's data as a labelled table), read-only pages have no save buttons, and a list
says so on a phone when it is wider than the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def client_for(role: str, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(make_user(role))
    client.cookies["django_language"] = lang
    return client


def test_objects_have_human_names(two_dealers: dict[str, int]) -> None:
    from autocrm.core.models import AuditEntry
    from autocrm.customers.models import CustomerDealer
    from autocrm.identity.models import MergeProposal
    from autocrm.quality.models import Issue
    from autocrm.sources.models import IdentityKey, SourceRecord
    from autocrm.vehicles.models import RepairOrder

    zhang = two_dealers["zhang"]
    proposal = MergeProposal.objects.create(customer_a=zhang, customer_b=two_dealers["li"],
                                            rule="probabilistic", score=0.9123456789012345)
    assert str(proposal) == f"#{zhang} ↔ #{two_dealers['li']} (probabilistic)"
    fin = SourceRecord.objects.get(customer_id=zhang, source="FIN")
    assert str(fin) == "FIN/contract F001"
    assert str(RepairOrder.objects.get(order_no="R200")) == "D11002 R200"
    assert str(CustomerDealer.objects.get(customer_id=zhang, dealer_code="D11002")) == (
        f"#{zhang} D11002 serviced")
    key = IdentityKey.objects.filter(record_id=fin.id).order_by("kind").first()
    assert key is not None and str(key) == f"{key.kind} #{fin.id}"  # not the personal value
    assert Issue.objects.count() == 0
    entry = AuditEntry(action="reveal", object_type="customer", object_id=str(zhang))
    assert str(entry) == f"查看完整信息 customer {zhang}"


def test_scores_are_rounded_and_pages_read_only(two_dealers: dict[str, int]) -> None:
    from autocrm.identity.models import MergeProposal

    proposal = MergeProposal.objects.create(customer_a=two_dealers["zhang"],
                                            customer_b=two_dealers["li"], rule="probabilistic",
                                            score=0.9123456789012345)
    client = client_for("data_steward", "en")
    listing = client.get("/admin/identity/mergeproposal/").content.decode()
    assert '<td class="field-score_shown">0.912</td>' in listing and "0.9123456" not in listing
    assert "<th scope=\"col\" class=\"sortable column-score_shown\">" in listing
    page = client.get(f"/admin/identity/mergeproposal/{proposal.id}/change/").content.decode()
    assert '<div class="readonly">0.912</div>' in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert "<h1>View merge proposal</h1>" in page
    assert "MergeProposal object" not in page and "Merge proposal object" not in page


def test_a_records_data_is_a_labelled_table(two_dealers: dict[str, int]) -> None:
    from autocrm.sources.models import SourceRecord

    fin = SourceRecord.objects.get(customer_id=two_dealers["zhang"], source="FIN")
    page = client_for("data_steward").get(
        f"/admin/sources/sourcerecord/{fin.id}/change/").content.decode()
    assert "{&#x27;" not in page and "{'" not in page
    assert ('<tr><th>姓名 <span class="kv-key">name</span></th><td>张伟</td></tr>' in page)
    assert '<tr><th>手机 <span class="kv-key">phone</span></th><td>138****8000</td></tr>' in page
    assert ('<tr><th>车架号 <span class="kv-key">vin</span></th><td>' in page)
    assert 'name="_save"' not in page


def test_dates_are_local_and_labels_translated_in_both_languages() -> None:
    from autocrm.core import audit
    from autocrm.core.models import AuditEntry

    audit.record("reveal", "customer", 7, actor=None, customer_id=7, channel="api",
                 reason="回访")
    entry = AuditEntry.objects.get(action="reveal")
    local = timezone.localtime(entry.at)
    assert local.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai, not UTC
    zh = client_for("it_admin").get("/admin/core/auditentry/").content.decode()
    assert '<td class="field-action_shown">查看完整信息</td>' in zh
    with translation.override("zh-hans"):
        assert f">{date_format(local, 'DATETIME_FORMAT')}</a></th>" in zh
    assert ">操作</a>" in zh and "Created at" not in zh and "以 action" not in zh
    en = client_for("it_admin", "en").get("/admin/core/auditentry/").content.decode()
    assert '<td class="field-action_shown">revealed</td>' in en
    with translation.override("en"):
        assert f">{date_format(local, 'DATETIME_FORMAT')}</a></th>" in en
    page = client_for("it_admin", "en").get(
        f"/admin/core/auditentry/{entry.id}/change/").content.decode()
    assert '<tr><th>channel <span class="kv-key">channel</span></th><td>API</td></tr>' in page
    audit_page = client_for("it_admin").get("/audit/").content.decode()
    assert '<span class="tag" title="reveal">查看完整信息</span>' in audit_page
    row = rf'<tr data-entry="{entry.id}">.*?<td data-label="详情" class="muted">(.*?)</td>'
    cell = re.search(row, audit_page, re.S)
    # PostgreSQL's jsonb orders the keys its own way
    assert cell is not None and sorted(cell.group(1).split("; ")) == ["原因: 回访", "渠道: API"]


@pytest.mark.parametrize(("lang", "hint"), [
    ("zh-hans", "此列表比手机屏幕宽：请左右滑动，或使用更宽的屏幕。"),
    ("en", "This list is wider than a phone screen: scroll it sideways, or use a wider screen."),
])
def test_lists_say_when_they_need_a_wider_screen(lang: str, hint: str) -> None:
    page = client_for("data_steward", lang).get("/admin/sources/load/").content.decode()
    assert f'<p class="wide-hint">{hint}</p>' in page


@pytest.mark.parametrize(("lang", "header", "section", "role"), [
    ("zh-hans", "autocrm 客户数据平台 · 后台", "数据源", "数据管理员"),
    ("en", "autocrm customer data platform · back office", "Data sources", "Data steward"),
])
def test_the_back_office_index_is_in_the_users_language(lang: str, header: str, section: str,
                                                        role: str) -> None:
    page = client_for("data_steward", lang).get("/admin/").content.decode()
    assert f">{header}</a>" in page and 'class="section" title="' in page
    assert re.search(rf">\s*{re.escape(section)}\s*</a>", page)
    home = client_for("data_steward", lang).get("/").content.decode()
    assert f"data_steward-hq · {role}" in home

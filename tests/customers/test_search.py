"""Search as agents type: every query class, its ranking, its reason, its scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from autocrm.accounts.actor import SYSTEM, actor_for
from autocrm.customers import search
from autocrm.customers.models import SearchTerm
from autocrm.customers.search import Reading, readings
from autocrm.pipeline import batch
from tests.factories import (
    FIN_HEADER,
    SEARCH_IDS,
    fin_row,
    load_search_people,
    make_user,
    ric,
    vin,
    write_csv,
)

pytestmark = pytest.mark.django_db
ZHANG, LI = SEARCH_IDS["张伟"], SEARCH_IDS["李娜"]


@pytest.fixture
def people(tmp_path: Path) -> dict[str, int]:
    return load_search_people(tmp_path)


def found(query: str, actor: Any = SYSTEM) -> list[tuple[str, str, str]]:
    with translation.override("zh-hans"):
        return [(h["name"], h["why"], h["car"]) for h in search.find(query, actor).hits]


def test_a_query_is_read_every_way_it_can_mean_something() -> None:
    assert readings("3427") == [Reading("phone_tail", "7243", False, search.TAIL)]
    assert [r.kind for r in readings("135760")] == ["phone_tail", "vin_tail", "phone", "id"]
    assert [r.kind for r in readings("G2719K")] == ["plate_local", "vin_tail"]
    assert [r.kind for r in readings("Zhang Wei")] == ["pinyin", "name"]
    assert [r.kind for r in readings("zw")] == ["initials", "pinyin", "name"]
    assert readings("#138") == [Reading("#", "138", True, search.EXACT)]
    assert readings("AC0000000042") == [Reading("#", "42", True, search.EXACT)]
    assert [r.kind for r in readings("138")] == ["phone"]  # never customer no. 138
    assert readings("91500101695949940w") == [
        Reading("id", "91500101695949940W", True, search.EXACT)]  # a company's USCC
    assert readings("  ") == []
    assert readings("!!") == []


def test_a_phone_is_found_by_its_last_four_its_start_and_in_full(people: dict[str, int]) -> None:
    assert found("3427") == [("张伟", "手机尾号 3427", "")]
    assert found("135760") == [("张伟", "手机号开头 135760", ""), ("张玮", "手机号开头 135760", "")]
    assert found("135 7600 3427") == [("张伟", "手机号 13576003427", "")]
    assert found("138") == []  # a short number is not read as a customer number


def test_a_car_is_found_by_its_vin_tail_and_its_plate_with_or_without_province(
    people: dict[str, int]
) -> None:
    assert found(vin(1)[-6:]) == [("张伟", "车架号后6位", vin(1))]
    assert found(vin(1)[-8:].lower()) == [("张伟", "车架号后8位", vin(1))]
    assert found(vin(1)) == [("张伟", f"车架号 {vin(1)}", vin(1))]
    assert found("G2719K") == [("张伟", "车牌号 G2719K", "晋G2719K")]
    assert found("晋G2719K") == [("张伟", "车牌号 晋G2719K", "晋G2719K")]
    assert found("晋G27") == [("张伟", "车牌号开头 晋G27", "晋G2719K")]


def test_a_name_is_found_in_characters_with_a_space_in_pinyin_and_by_initials(
    people: dict[str, int]
) -> None:
    assert found("张 伟") == [("张伟", "姓名", "")]
    assert found("张") == [("张伟", "姓名开头", ""), ("张玮", "姓名开头", "")]
    assert found("zhangwei") == [("张伟", "拼音", ""), ("张玮", "拼音", "")]  # 伟 and 玮: wei
    assert found("Zhang Wei") == found("zhangwei")
    assert found("ln") == [("李娜", "拼音首字母", "")]


def test_an_id_number_is_found_in_full_and_by_its_start(people: dict[str, int]) -> None:
    assert found(ZHANG) == [("张伟", "证件号码", "")]
    assert found(LI[:6]) == [("李娜", "证件号码开头", "")]


def test_a_customer_number_needs_its_hash(people: dict[str, int]) -> None:
    li = people["李娜"]
    assert found(f"#{li}") == [("李娜", f"客户号 {li}", "")]
    assert found(f"＃{li}") == found(f"#{li}")


def test_exact_hits_come_before_partial_ones(people: dict[str, int]) -> None:
    # 13576011111 in full is 张玮's phone; 张伟 only shares its start
    assert [n for n, _, _ in found("1357601")] == ["张玮"]
    assert [n for n, _, _ in found("13576011111")] == ["张玮"]


def test_more_than_twenty_says_so(tmp_path: Path) -> None:
    given = "一二三四五六七八九十"
    rows = [fin_row(f"F{i:02d}", f"王{given[i % 10]}{given[i // 10]}", ric(seq=f"{i:03d}"),
                    f"139000000{i:02d}", vin(100 + i)) for i in range(25)]
    batch.run([("FIN", write_csv(tmp_path / "FIN" / "many.csv", FIN_HEADER, rows))],
              today=dt.date(2026, 11, 1))
    result = search.find("1390000", SYSTEM)
    assert (len(result.hits), result.more) == (20, True)
    result = search.find("139000000", SYSTEM)
    assert (len(result.hits), result.more) == (20, True)
    assert search.find("13900000012", SYSTEM).more is False


def test_a_dealer_user_finds_only_customers_of_their_dealer(people: dict[str, int]) -> None:
    d2 = actor_for(make_user("dealer_sales", "D11002"))
    assert found("3427", d2) == []
    assert found("zhangwei", d2) == []
    assert found("ln", d2) == [("李娜", "拼音首字母", "")]
    assert found(f"#{people['张伟']}", d2) == []
    assert found("13700137000", d2)[0][1] == "手机号 13700137000"


def test_part_of_a_phone_or_id_finds_nothing_for_a_role_that_sees_them_masked(
    people: dict[str, int]
) -> None:
    analyst = actor_for(make_user("analyst"))
    assert found("3427", analyst) == []
    assert found("1357600", analyst) == []
    assert found(LI[:6], analyst) == []
    assert [n for n, _, _ in found("13576003427", analyst)] == ["张伟"]  # the whole value
    assert [n for n, _, _ in found(LI, analyst)] == ["李娜"]


def test_terms_follow_the_golden_row_and_the_cars(people: dict[str, int]) -> None:
    zhang = people["张伟"]
    assert sorted(SearchTerm.objects.filter(customer_id=zhang).values_list("kind", "value")) == [
        ("id", ZHANG), ("initials", "zw"), ("name", "张伟"), ("phone", "13576003427"),
        ("phone_tail", "72430067531"), ("pinyin", "zhangwei"), ("plate", "晋G2719K"),
        ("plate_local", "G2719K"), ("vin", vin(1)), ("vin_tail", vin(1)[::-1])]


def test_the_api_answers_hits_with_their_reason_and_whether_there_are_more(
    people: dict[str, int]
) -> None:
    client = Client()
    client.force_login(make_user("analyst"))
    client.cookies["django_language"] = "en"
    resp = client.get("/api/customers/search", {"q": "G2719K"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["more"] is False
    assert [(h["name"], h["why"], h["car"], h["city"]) for h in body["hits"]] == [
        ("张伟", "Plate G2719K", "晋G2719K", "北京")]
    assert body["hits"][0]["phone"] == "135****3427"  # masked for an analyst
    assert client.get("/api/customers/search", {"q": "x" * 101}).status_code == 422

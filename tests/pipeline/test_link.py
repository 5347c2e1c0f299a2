"""Forum posts with only a nickname join the one customer who registered that nickname."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from autocrm.customers.models import Customer
from autocrm.interactions.models import Interaction
from autocrm.pipeline import batch
from tests.factories import FIN_HEADER, fin_row, ric, vin, write_csv, write_json

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)


def registration(user: str, phone: str, nickname: str) -> dict[str, object]:
    return {"用户ID": user, "手机号": phone, "昵称": nickname, "渠道": "论坛",
            "注册时间": "2025-01-02 10:00:00"}


def post(post_id: str, nickname: str) -> dict[str, object]:
    return {"帖子ID": post_id, "手机号": None, "昵称": nickname, "标题": "首保体验",
            "内容": "保养很顺利", "发帖时间": "2025-03-04 09:00:00"}


@pytest.fixture
def registered(tmp_path: Path) -> dict[str, int]:
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER, [
        fin_row("F001", "张伟", ric(), "13800138000", vin(1)),
        fin_row("F002", "李娜", ric(seq="456"), "13700137000", vin(2)),
    ])
    regs = write_json(tmp_path / "WEB" / "registrations.jsonl", [
        registration("U1", "13800138000", "zhangwei88"),
        registration("U2", "13800138000", "北京车友"),
        registration("U3", "13700137000", "北京车友"),
    ], lines=True)
    batch.run([("FIN", fin), ("WEB", regs)], today=TODAY)
    return {c.name: c.id for c in Customer.objects.all()}


def posts_by_customer() -> dict[str, int | None]:
    return {i.detail["post_id"]: i.customer_id
            for i in Interaction.objects.filter(kind="post")}


def test_a_later_post_finds_its_customer_by_a_unique_nickname(
        tmp_path: Path, registered: dict[str, int]) -> None:
    posts = write_json(tmp_path / "WEB" / "posts.jsonl", [
        post("P1", "zhangwei88"), post("P2", "北京车友"), post("P3", "无名氏")], lines=True)
    batch.run([("WEB", posts)], today=TODAY)
    assert posts_by_customer() == {"P1": registered["张伟"], "P2": None, "P3": None}


def test_a_post_in_the_same_batch_as_its_registration(tmp_path: Path) -> None:
    regs = write_json(tmp_path / "WEB" / "registrations.jsonl",
                      [registration("U9", "13900139000", "车友阿强")], lines=True)
    posts = write_json(tmp_path / "WEB" / "posts.jsonl", [post("P9", "车友阿强")], lines=True)
    batch.run([("WEB", regs), ("WEB", posts)], today=TODAY)
    owner = Interaction.objects.get(kind="registration").customer_id
    assert owner is not None and posts_by_customer() == {"P9": owner}

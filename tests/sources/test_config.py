"""Source configuration: feeds named by source and feed, one file per source."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocrm.core.errors import InputError
from autocrm.sources import config

SOURCE = """code = "{code}"
name = "x"
name_en = "x"
[feeds.customer]
label = "客户"
entity = "customer"
[feeds.customer.columns]
"姓名" = "name"
"""


def test_two_files_of_one_source_code_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(SOURCE.format(code="ABC"), encoding="utf-8")
    (tmp_path / "b.toml").write_text(SOURCE.format(code="ABC"), encoding="utf-8")
    with pytest.raises(InputError, match="b.toml: 来源系统 ABC 已在 a.toml 中定义"):
        config.read_all(tmp_path)


def test_feeds_are_named_by_source_and_feed() -> None:
    assert config.identity_feeds()[:3] == (("CC", "call"), ("CC", "complaint"),
                                           ("CC", "roadside"))
    assert config.entity_feeds("repair") == (("DMS", "repair"),)
    assert config.dealer_relations() == {("CLUB", "member"): "club",
                                         ("DMS", "customer"): "dms",
                                         ("INV", "invoice"): "bought"}
    assert config.feeds_where(lambda f: f.owns_vehicle) == (
        ("DMS", "vehicle"), ("FIN", "contract"), ("INV", "invoice"))
    assert config.feed_sql([("DMS", "vehicle")], "s.") == (
        "((s.source = 'DMS' AND s.feed = 'vehicle'))")

"""The rule catalogue and the field map are complete and consistent."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from autocrm.quality import dates, identifiers, normalize
from autocrm.quality.fields import FIELDS
from autocrm.quality.rules import RULES

CONFIG = Path(normalize.__file__).parents[1] / "sources" / "config"
REQUIRED_CODES = {
    "REQUIRED_MISSING", "NAME_TOO_SHORT", "NAME_TITLE_ONLY", "PHONE_TOO_SHORT", "PHONE_LANDLINE",
    "PHONE_INVALID", "PHONE_NORMALISED", "ID_EXCEL_MANGLED", "ID_FORMAT", "ID_CHECKSUM",
    "ID_BIRTHDATE", "ID_REGION", "USCC_INVALID", "VIN_LENGTH", "VIN_CHECK_DIGIT",
    "VIN_OIQ_FIXED", "DATE_UNPARSEABLE", "DATE_FUTURE", "DATE_BEFORE_1900",
    "AMOUNT_NOT_NUMERIC", "GENDER_UNKNOWN", "DUPLICATE_ROW", "ANSWER_UNKNOWN",
}  # fmt: skip


def test_catalogue_has_every_required_code_with_texts() -> None:
    assert REQUIRED_CODES <= set(RULES)
    for code, rule in RULES.items():
        assert rule.code == code
        assert rule.severity in ("row", "field", "warning")
        assert rule.message_zh and rule.message_en and rule.fix_zh and rule.fix_en
        assert len(code) <= 32  # quality_issue.rule column


def test_every_code_the_builders_emit_is_catalogued() -> None:
    emitted: set[str] = set()
    for module in (normalize, identifiers, dates):
        source = Path(module.__file__).read_text(encoding="utf-8")
        emitted |= set(re.findall(r'(?:_code|pl\.lit)\("([A-Z0-9_]{4,})"\)', source))
    assert "ID_CHECKSUM" in emitted and "PHONE_LANDLINE" in emitted
    assert emitted <= set(RULES)


def test_every_canonical_field_of_every_feed_has_a_type() -> None:
    fields: set[str] = set()
    for path in CONFIG.glob("*.toml"):
        config = tomllib.loads(path.read_text(encoding="utf-8"))
        for feed in config["feeds"].values():
            fields |= set(feed["columns"].values()) | set(feed.get("renamed", {}).values())
            fields |= set(feed["required"])
    assert fields
    assert fields <= set(FIELDS), sorted(fields - set(FIELDS))

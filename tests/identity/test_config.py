"""Parsing and validation of match configurations."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocrm.identity.config import (
    BlockSpec,
    ConfigError,
    FieldSpec,
    KeySpec,
    NormaliseSpec,
    customers_config,
    load_config,
    parse_config,
)

EXAMPLE = """
id_column = "record_id"
threshold = 0.9
[[fields]]
name = "name"
comparison = "name_zh"
[[fields]]
name = "phone"
comparison = "phone"
[[deterministic]]
name = "id_number"
columns = ["id_number"]
[[deterministic]]
name = "phone_name"
columns = ["phone", "name"]
[[blocking]]
columns = ["phone"]
[[blocking]]
columns = ["name", "city"]
[constraints]
distinct = ["id_number"]
[normalise]
strip = true
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "match.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_parses_into_frozen_dataclasses(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, EXAMPLE))

    assert config.id_column == "record_id"
    assert config.threshold == 0.9
    assert config.fields == (FieldSpec("name", "name_zh"), FieldSpec("phone", "phone"))
    assert config.deterministic == (
        KeySpec("id_number", ("id_number",)),
        KeySpec("phone_name", ("phone", "name")),
    )
    assert config.blocking == (BlockSpec(("phone",)), BlockSpec(("name", "city")))
    assert config.distinct == ("id_number",)
    assert config.normalise == NormaliseSpec(strip=True)
    assert config.used_columns() == ["name", "phone", "id_number", "city"]
    assert config.derived_columns() == {"name__pinyin": "name", "name__formal": "name"}
    with pytest.raises(AttributeError):
        config.threshold = 0.5  # type: ignore[misc]


def test_unknown_comparison_names_the_field(tmp_path: Path) -> None:
    text = EXAMPLE.replace('comparison = "phone"', 'comparison = "soundex"')

    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, text))

    assert "field 'phone': unknown comparison 'soundex'" in str(err.value)
    assert err.value.code == "bad_match_config"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"threshold": 1.5}, "threshold must be between 0 and 1, got 1.5"),
        ({"id_column": ""}, "id_column must be a non-empty string"),
        ({"extra": 1}, "unknown key(s) extra"),
        ({"deterministic": [{"name": "k", "columns": []}]}, "key 'k': columns must not be empty"),
        ({"fields": [{"name": "a", "comparison": "exact"}] * 2}, "duplicate field name(s): a"),
        ({"blocking": {"columns": ["a"]}}, "'blocking' must be an array of tables"),
        ({"fields": [{"name": "record_id", "comparison": "exact"}]},
         "id_column 'record_id' cannot also be matched on"),
    ],
)
def test_invalid_configs_are_rejected_with_a_reason(change: dict, message: str) -> None:
    data = {"id_column": "record_id", "threshold": 0.9,
            "fields": [{"name": "name", "comparison": "exact"}], **change}

    with pytest.raises(ConfigError) as err:
        parse_config(data, source="m.toml")

    assert message in str(err.value)


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read match config"):
        load_config(_write(tmp_path, "id_column = "))


def test_customer_config_ships_with_the_package() -> None:
    config = customers_config()

    assert [k.name for k in config.deterministic] == ["id_number", "phone", "vin_name"]
    assert config.deterministic[1].distinct == ("name__formal",)
    assert config.distinct == ("id_number",)
    assert "vin" not in [f.name for f in config.fields]
    assert BlockSpec(("vin",)) in config.blocking

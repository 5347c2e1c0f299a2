"""`dedupe_file`: any CSV, any encoding, any config."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocrm.identity.config import ConfigError
from autocrm.identity.dedupe import dedupe_file

CONFIG = """
id_column = "客户编号"
threshold = 0.9
[[fields]]
name = "姓名"
comparison = "name_zh"
[[fields]]
name = "手机"
comparison = "phone"
[[deterministic]]
name = "phone_name"
columns = ["手机", "姓名"]
[[blocking]]
columns = ["手机"]
[normalise]
strip = true
halfwidth = true
"""

ROWS = """客户编号,姓名,手机,城市
A1, 张伟 ,13800000001,广州
A2,张伟,１３８０００００００１,广州
A3,李娜,13900000002,深圳
A4,李娜,13900000003,深圳
A5,,,深圳
"""


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_dedupe_file_end_to_end(tmp_path: Path, encoding: str) -> None:
    source, config, out = tmp_path / "in.csv", tmp_path / "m.toml", tmp_path / "out.csv"
    source.write_bytes(ROWS.encode(encoding))
    config.write_text(CONFIG, encoding="utf-8")

    clusters = dedupe_file(source, config, out)

    assert clusters == 4
    assert out.read_text(encoding="utf-8").splitlines() == [
        "record_id,cluster_id", "A1,1", "A2,1", "A3,2", "A4,3", "A5,4",
    ]


def test_dedupe_file_rejects_a_bad_config(tmp_path: Path) -> None:
    source, config = tmp_path / "in.csv", tmp_path / "m.toml"
    source.write_bytes(ROWS.encode("gbk"))
    config.write_text(CONFIG.replace('"phone"', '"telephone"'), encoding="utf-8")

    with pytest.raises(ConfigError, match="field '手机': unknown comparison 'telephone'"):
        dedupe_file(source, config, tmp_path / "out.csv")

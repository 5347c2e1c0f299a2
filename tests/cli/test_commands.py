"""The `autocrm` command end to end: each test runs the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.factories import (
    DMS_CUSTOMER_HEADER,
    FIN_HEADER,
    dms_customer_row,
    fin_row,
    ric,
    scalar,
    vin,
    write_csv,
)

SOURCES = ("FIN", "INV", "DMS", "CC", "WEB", "SVY", "CLUB")
SEVERITIES = ("row", "field", "warning")


def _env(fresh: dict[str, str] | None, home: Path) -> dict[str, str]:
    """Return the CLI's environment: a fresh data dir, and a console wide enough for tables."""
    env = dict(fresh) if fresh is not None else {**os.environ, "AUTOCRM_HOME": str(home)}
    env["COLUMNS"] = "250"
    return env


def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autocrm.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _table_rows(output: str) -> list[list[str]]:
    """Return the cells of every body row of the rich tables printed in `output`."""
    return [[cell.strip() for cell in line.strip().strip("│").split("│")]
            for line in output.splitlines() if line.startswith("│")]


def _file_rows(output: str) -> dict[str, list[str]]:
    """Return the batch report's rows keyed by file name."""
    return {row[0]: row for row in _table_rows(output) if len(row) == 10}


def _fin_rows(count: int) -> list[list[object]]:
    return [fin_row(f"F{i:03d}", name, ric(seq=f"{i:03d}"), f"1380000{i:04d}", vin(i))
            for i, name in zip(range(1, count + 1), ["张伟", "李娜", "王强", "刘洋"], strict=False)]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_generate_is_reproducible(tmp_path: Path) -> None:
    env = _env(None, tmp_path / "home")
    for out in ("a", "b"):
        done = _cli(env, tmp_path, "generate", "--customers", "200", "--out", out, "--seed", "3")
        assert done.returncode == 0, done.stderr
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert (tmp_path / "a" / "truth" / "records.parquet").is_file()
    assert sorted(first) == sorted(second)
    assert len(first) > 20
    for name, content in first.items():
        assert second[name] == content, name


def test_demo_prints_sources_rejections_customers_and_match_quality(
        tmp_path: Path, fresh_db: dict[str, str]) -> None:
    env = _env(fresh_db, tmp_path / "home")
    done = _cli(env, tmp_path, "demo", "--customers", "200", "--no-serve", "--data",
                str(tmp_path / "data"), "--password", "Demo-pass-1")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    users = {r[0]: r[1:] for r in _table_rows(out) if len(r) == 4}
    assert users["cc_agent"][:2] == ["呼叫中心", "呼叫中心坐席"]
    assert users["it_admin"][:2] == ["信息技术部", "IT 管理员"]
    assert "所有演示用户的密码 password of every demo user: Demo-pass-1" in out
    dealers = scalar(env, "SELECT COUNT(*) FROM dealers_dealer")
    assert scalar(env, "SELECT COUNT(*) FROM accounts_membership") == 7 + 3 * dealers
    assert (tmp_path / "data" / "truth" / "records.parquet").is_file()
    rows = _table_rows(out)
    per_source = {r[0]: r for r in rows if len(r) == 5}
    assert sorted(per_source) == sorted(SOURCES)
    for code, (_, files, read, loaded, rejected) in per_source.items():
        assert int(files) >= 1, code
        assert int(read) == int(loaded) + int(rejected) > 0, code
    assert "规则 rule" in out and "级别 severity" in out
    rules = [r for r in rows if len(r) == 3]
    assert rules and all(r[1] in SEVERITIES and int(r[2]) > 0 for r in rules)
    assert any(r[1] == "row" for r in rules)
    assert scalar(env, "SELECT COUNT(*) FROM identity_matchmodel") == 1  # trained once
    customers = re.search(r"黄金客户 customers: (\d+)", out)
    assert customers is not None and int(customers.group(1)) > 0
    quality = next(line for line in out.splitlines() if "匹配质量" in line)
    f1 = re.search(r"F1 (\d+\.\d+)", quality)
    assert f1 is not None and float(f1.group(1)) >= 0.95, quality
    split = re.search(r"新线索 (\d+) · 老客户新意向 (\d+) · 合并到已有线索 (\d+)", out)
    assert split is not None and int(split.group(1)) > int(split.group(2)) > 0, out
    leads = next(line for line in out.splitlines() if "线索归属质量" in line)
    f1 = re.search(r"F1 (\d+\.\d+)", leads)
    assert f1 is not None and float(f1.group(1)) >= 0.9, leads


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path,
                                                    fresh_db: dict[str, str]) -> None:
    env = _env(fresh_db, tmp_path / "home")
    path = write_csv(tmp_path / "fin.csv", FIN_HEADER, _fin_rows(3))
    first = _cli(env, tmp_path, "load", "FIN", str(path))
    assert first.returncode == 0, first.stderr
    assert _file_rows(first.stdout)["fin.csv"][1:5] == ["FIN", "contract", "loaded", "3"]
    count = "SELECT COUNT(*) FROM sources_sourcerecord"
    assert scalar(env, count) == 3
    second = _cli(env, tmp_path, "load", "FIN", str(path))
    assert second.returncode == 0, second.stderr
    assert _file_rows(second.stdout)["fin.csv"][3] == "skipped"
    assert scalar(env, count) == 3
    assert scalar(env, "SELECT COUNT(*) FROM sources_load") == 1


def test_a_file_missing_a_required_column_fails_and_the_others_load(
        tmp_path: Path, fresh_db: dict[str, str]) -> None:
    env = _env(fresh_db, tmp_path / "home")
    drop = FIN_HEADER.index("证件号码")
    rows = _fin_rows(4)
    bad = write_csv(tmp_path / "bad.csv", FIN_HEADER[:drop] + FIN_HEADER[drop + 1:],
                    [r[:drop] + r[drop + 1:] for r in rows[:2]])
    good = write_csv(tmp_path / "good.csv", FIN_HEADER, rows[2:])
    done = _cli(env, tmp_path, "load", "FIN", str(bad), str(good))
    assert done.returncode == 1
    files = _file_rows(done.stdout)
    assert files["bad.csv"][3] == "failed"
    assert "bad.csv" in files["bad.csv"][9] and "证件号码" in files["bad.csv"][9]
    assert files["good.csv"][3] == "loaded"
    assert scalar(env, "SELECT COUNT(*) FROM sources_sourcerecord") == 2
    assert scalar(env, "SELECT COUNT(*) FROM customers_customer") == 2
    assert scalar(env, "SELECT COUNT(*) FROM sources_load WHERE file_name = 'good.csv' "
                        "AND status = 'done'") == 1


def _load_fin_then_dms(tmp_path: Path, env: dict[str, str]) -> None:
    """Load 张伟 from FIN, then the same person as 张玮 plus 刘洋 with a short phone from DMS."""
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER,
                    [fin_row("F001", "张伟", ric(), "13800000001", vin(1))])
    dms = write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C001", "张玮", ric(), "13800000001"),
        dms_customer_row("D11001", "C002", "刘洋", None, "1391234"),
    ])
    for source, path in (("FIN", fin), ("DMS", dms)):
        done = _cli(env, tmp_path, "load", source, str(path))
        assert done.returncode == 0, done.stdout + done.stderr


def test_customer_show_prints_the_lineage_as_json(tmp_path: Path,
                                                  fresh_db: dict[str, str]) -> None:
    env = _env(fresh_db, tmp_path / "home")
    _load_fin_then_dms(tmp_path, env)
    done = _cli(env, tmp_path, "customer", "show", "13800000001", "--json")
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    name = view["profile"]["name"]
    assert (name["value"], name["source"], name["file"], name["row"], name["rule"]) == (
        "张伟", "FIN", "fin.csv", 2, "priority")
    address = view["profile"]["address"]
    assert (address["value"], address["source"], address["file"]) == (
        "朝阳区建国路88号", "DMS", "customers.csv")
    assert view["unified_id"] == ric()
    assert sorted(c["value"] for c in view["candidates"]["name"]) == ["张伟", "张玮"]
    missing = _cli(env, tmp_path, "customer", "show", "13999999999")
    assert missing.returncode == 1
    assert "未找到客户" in missing.stdout


def test_feedback_report_lists_the_short_phone(tmp_path: Path,
                                               fresh_db: dict[str, str]) -> None:
    env = _env(fresh_db, tmp_path / "home")
    _load_fin_then_dms(tmp_path, env)
    done = _cli(env, tmp_path, "feedback", "--dealer", "D11001", "--out", "r.xlsx")
    assert done.returncode == 0, done.stderr
    assert "D11001: 1 条问题写入 r.xlsx" in done.stdout
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    rows = list(book["问题明细"].iter_rows(values_only=True))
    assert rows[0][:6] == ("文件", "行号", "记录键", "字段", "原始值", "规则代码")
    assert [r[:6] for r in rows[1:]] == [
        ("customers.csv", 3, "D11001|C002", "phone", "1391234", "PHONE_TOO_SHORT")]
    assert rows[1][9] == "待更正"


MATCH_TOML = """
id_column = "id"
threshold = 0.9

[[fields]]
name = "name"
comparison = "name_zh"

[[fields]]
name = "phone"
comparison = "phone"

[[deterministic]]
name = "phone"
columns = ["phone"]

[[blocking]]
columns = ["phone"]
"""


def test_dedupe_clusters_rows_sharing_a_phone(tmp_path: Path) -> None:
    env = _env(None, tmp_path / "home")
    (tmp_path / "match.toml").write_text(MATCH_TOML, encoding="utf-8")
    write_csv(tmp_path / "in.csv", ["id", "name", "phone"], [
        ["r1", "张伟", "13800000001"],
        ["r2", "张玮", "13800000001"],
        ["r3", "李娜", "13900000002"],
        ["r4", "王强", "13700000003"],
        ["r5", "李娜", "13900000002"],
        ["r6", "赵敏", ""],
    ])
    done = _cli(env, tmp_path, "dedupe", "in.csv", "--config", "match.toml", "--out",
                "clusters.csv")
    assert done.returncode == 0, done.stderr
    assert "写入 clusters.csv: 4 个聚类" in done.stdout
    lines = (tmp_path / "clusters.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "record_id,cluster_id"
    cluster = dict(line.split(",") for line in lines[1:])
    assert sorted(cluster) == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert cluster["r1"] == cluster["r2"]
    assert cluster["r3"] == cluster["r5"]
    assert len({cluster[r] for r in ("r1", "r3", "r4", "r6")}) == 4

"""Reading source files whatever their format, encoding and damage."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocrm.core.errors import InputError
from autocrm.sources.config import get_source
from autocrm.sources.mapping import choose_feed, diff_header
from autocrm.sources.reader import read_table
from tests.factories import FIN_HEADER, fin_row, ric, vin, write_csv, write_json

KNOWN = get_source("FIN").feeds["contract"].header_names()


def test_gbk_file_is_detected_and_decoded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", FIN_HEADER,
                     [fin_row("F1", "张伟", ric(), "13800138000", vin(1))], encoding="gbk")
    table = read_table(path, KNOWN)
    assert table.encoding == "gb18030"
    assert table.rows[0][1] == "张伟"
    assert table.row_numbers == [2]


def test_gbk_read_as_utf8_and_saved_back_is_reported_per_row(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "g.csv", FIN_HEADER, [
        fin_row("F1", "张伟", ric(), "13800138000", vin(1)),
    ])
    damaged = "F2,\ufffd\ufffd\ufffd,身份证," + ric(seq="222") + ",13900139000," + vin(2)
    path = tmp_path / "d.csv"
    path.write_text(good.read_text(encoding="utf-8") + damaged + "\n", encoding="utf-8")
    table = read_table(path, KNOWN)
    assert len(table.rows) == 1
    assert table.problems == [(3, "客户姓名", "\ufffd\ufffd\ufffd", "ENCODING_DAMAGED")]


def test_truncated_last_line_and_extra_cells(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", FIN_HEADER, [
        fin_row("F1", "张伟", ric(), "13800138000", vin(1)) + ["多余"],
        fin_row("F2", "李娜", ric(seq="456"), "13700137000", vin(2)),
    ])
    text = path.read_text(encoding="utf-8") + "F3,王芳,身份证,1101"
    path.write_text(text, encoding="utf-8")
    table = read_table(path, KNOWN)
    assert table.row_numbers == [3]
    assert [(p[0], p[3]) for p in table.problems] == [(2, "ROW_TOO_MANY_CELLS"),
                                                      (4, "ROW_TRUNCATED")]


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\n\n")
    with pytest.raises(InputError, match="empty.csv: 文件为空"):
        read_table(path, KNOWN)


def test_header_only_far_down_is_not_guessed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(InputError, match="找不到可识别的表头"):
        read_table(path, KNOWN)


def test_jsonl_bad_line_is_kept_as_a_problem(tmp_path: Path) -> None:
    path = write_json(tmp_path / "r.jsonl", [{"用户ID": "U1", "手机号": "13800138000",
                                               "注册时间": "2024-01-01"}], lines=True)
    path.write_text(path.read_text(encoding="utf-8") + "{broken\n", encoding="utf-8")
    table = read_table(path, get_source("WEB").feeds["registration"].header_names())
    assert table.header == ["用户ID", "手机号", "注册时间"]
    assert table.problems == [(2, "*", "{broken", "JSON_INVALID")]


def test_feed_is_chosen_by_header_and_diff_names_changes() -> None:
    dms = get_source("DMS")
    header = ["经销商代码", "工单编号", "车架号", "进厂日期", "新字段"]
    feed = choose_feed(dms, header, Path("r.csv"))
    assert feed.kind == "repair"
    diff = diff_header(feed, header)
    assert diff.renamed == {"工单编号": "工单号"}
    assert diff.added == ["新字段"]
    assert diff.missing == ["里程", "维修类型", "项目", "更换零件", "金额", "技师", "服务顾问"]


SHORT_HEADER = "合同编号,客户姓名,手机号码"


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_blank_lines_between_rows_keep_the_row_numbers(tmp_path: Path) -> None:
    path = _csv(tmp_path, SHORT_HEADER + "\r\nF1,张伟,13800138000\r\n\r\n  \r\nF2,李娜,\r\n,,\r\n"
                "F3,王芳,13700137000\r\n")
    table = read_table(path, KNOWN)
    assert table.rows == [["F1", "张伟", "13800138000"], ["F2", "李娜", None],
                          ["F3", "王芳", "13700137000"]]
    assert table.row_numbers == [2, 5, 7]
    assert table.problems == []


def test_quoted_cell_with_an_embedded_newline_is_one_row(tmp_path: Path) -> None:
    path = _csv(tmp_path, SHORT_HEADER + '\nF1,"张\n伟",13800138000\nF2,"李""娜""",\n'
                'F3,王芳,""\n')
    table = read_table(path, KNOWN)
    assert table.rows == [["F1", "张\n伟", "13800138000"], ["F2", '李"娜"', None],
                          ["F3", "王芳", None]]
    assert table.row_numbers == [2, 3, 4]


def test_row_with_more_cells_than_the_header_is_a_problem(tmp_path: Path) -> None:
    path = _csv(tmp_path, SHORT_HEADER + "\nF1,张伟,13800138000,多余,,x\nF2,李娜,13900139000,\n"
                "F3,王芳\n")
    table = read_table(path, KNOWN)
    assert table.problems == [(2, "*", "多余,,x", "ROW_TOO_MANY_CELLS"),
                              (3, "*", "", "ROW_TOO_MANY_CELLS")]
    assert table.rows == [["F3", "王芳", None]]
    assert table.row_numbers == [4]


def test_gb18030_file_is_read_as_utf8(tmp_path: Path) -> None:
    path = _csv(tmp_path, SHORT_HEADER + "\r\nF1,张伟,13800138000\r\nF2,𠮷野,13900139000\r\n",
                encoding="gb18030")
    table = read_table(path, KNOWN)
    assert table.encoding == "gb18030"
    assert table.header == ["合同编号", "客户姓名", "手机号码"]
    assert table.rows == [["F1", "张伟", "13800138000"], ["F2", "𠮷野", "13900139000"]]
    assert table.row_numbers == [2, 3]


def test_title_rows_above_the_header_count_in_row_numbers(tmp_path: Path) -> None:
    path = _csv(tmp_path, '"贷款合同\n导出",,\n\n' + SHORT_HEADER + "\nF1,张伟,13800138000\n")
    table = read_table(path, KNOWN)
    assert table.header == ["合同编号", "客户姓名", "手机号码"]
    assert table.rows == [["F1", "张伟", "13800138000"]]
    assert table.row_numbers == [4]


def test_row_with_a_replacement_character_is_damaged(tmp_path: Path) -> None:
    path = _csv(tmp_path, SHORT_HEADER + "\nF1,张伟,13800138000\nF2,李\ufffd,139\ufffd\n"
                "F3,王芳,13700137000\n")
    table = read_table(path, KNOWN)
    assert table.problems == [(3, "客户姓名", "李\ufffd", "ENCODING_DAMAGED")]
    assert table.row_numbers == [2, 4]


def test_stray_quotes_are_read_as_the_csv_module_reads_them(tmp_path: Path) -> None:
    path = _csv(tmp_path, SHORT_HEADER + '\nF1,张"伟,13800138000\nF2,"李娜"x,13900139000\n'
                '"F3,王芳\n')
    table = read_table(path, KNOWN)
    assert table.rows == [["F1", '张"伟', "13800138000"], ["F2", "李娜x", "13900139000"],
                          ["F3,王芳\n", None, None]]
    assert table.row_numbers == [2, 3, 4]

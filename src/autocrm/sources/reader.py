"""Read a source file into a frame of canonical columns, whatever its format and encoding."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import fastexcel

from autocrm.core.errors import InputError

HEADER_SCAN_ROWS = 10
MOJIBAKE = "\ufffd"


@dataclass
class RawTable:
    """A file's header and rows as text, with the 1-based row number a person would see."""

    header: list[str]
    rows: list[list[str | None]]
    row_numbers: list[int]
    encoding: str
    problems: list[tuple[int, str, str, str]]  # (row, field, value, rule)


def clean_header(name: object) -> str:
    """Normalise a header cell: strip spaces, BOM and full-width forms."""
    text = str(name or "").replace("\ufeff", "").strip()
    return text.translate(_FULLWIDTH).replace(" ", "")


_FULLWIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM), else GB18030."""
    if not data.strip():
        raise InputError(f"{path.name}: 文件为空 (empty file)", code="empty_file")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}: 无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030），"
            f"第 {exc.start} 字节 (unknown encoding)",
            code="bad_encoding",
        ) from None


def read_table(path: Path, known_headers: set[str]) -> RawTable:
    """Read CSV, XLSX, JSON or JSON-lines into a RawTable."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return _read_excel(path, known_headers)
    if suffix == ".json":
        return _read_json(path)
    if suffix == ".jsonl":
        return _read_jsonl(path)
    return _read_csv(path, known_headers)


def _find_header(rows: list[list[str | None]], known: set[str], path: Path) -> int:
    """Return the index of the header row: the first of the top rows naming known columns."""
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for c in row if c and clean_header(c) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0:
        first = [c for c in (rows[0] if rows else []) if c]
        raise InputError(
            f"{path.name}: 前 {HEADER_SCAN_ROWS} 行中找不到可识别的表头，首行为 {first[:8]} "
            "(no recognisable header row)",
            code="no_header",
        )
    return best


def _read_csv(path: Path, known: set[str]) -> RawTable:
    text, encoding = decode(path.read_bytes(), path)
    ends_clean = text.endswith(("\n", "\r"))
    records = list(csv.reader(io.StringIO(text, newline="")))
    head = _find_header([list(r) for r in records[:HEADER_SCAN_ROWS]], known, path)
    header = [clean_header(c) for c in records[head]]
    table = RawTable(header, [], [], encoding, [])
    last = len(records) - 1
    damage = MOJIBAKE in text  # most files have none: skip looking for it cell by cell
    for idx in range(head + 1, len(records)):
        cells: list[str | None] = [c or None for c in records[idx]]
        if not any(c and not c.isspace() for c in cells):
            continue
        _add_row(table, cells, idx + 1, truncated=(idx == last and not ends_clean),
                 damage=damage)
    return table


def _add_row(
    table: RawTable, cells: list[str | None], row_no: int, truncated: bool, damage: bool = True
) -> None:
    """Append one row, or record why it cannot be used (`damage`: look for U+FFFD)."""
    width = len(table.header)
    if len(cells) > width:
        extra = ",".join(c or "" for c in cells[width:])
        table.problems.append((row_no, "*", extra, "ROW_TOO_MANY_CELLS"))
        return
    if truncated and len(cells) < width:
        table.problems.append((row_no, "*", ",".join(c or "" for c in cells), "ROW_TRUNCATED"))
        return
    damaged = next((i for i, c in enumerate(cells) if c and MOJIBAKE in c), None) if damage \
        else None
    if damaged is not None:
        field = table.header[damaged]
        table.problems.append((row_no, field, cells[damaged] or "", "ENCODING_DAMAGED"))
        return
    table.rows.append(cells + [None] * (width - len(cells)))
    table.row_numbers.append(row_no)


def _read_excel(path: Path, known: set[str]) -> RawTable:
    try:
        reader = fastexcel.read_excel(path)
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for a bad workbook
        raise InputError(f"{path.name}: 无法读取 Excel 文件 ({exc})", code="bad_excel") from None
    rows: list[list[str | None]] = [list(r) for r in frame.rows()]
    head = _find_header(rows, known, path)
    header = [clean_header(c) for c in rows[head]]
    table = RawTable(header, [], [], "xlsx", [])
    for idx in range(head + 1, len(rows)):
        cells = [c.strip() if isinstance(c, str) and c.strip() else None for c in rows[idx]]
        while cells and cells[-1] is None and len(cells) > len(header):
            cells.pop()
        if any(cells):
            _add_row(table, cells, idx + 1, truncated=False)
    return table


def _objects_to_table(objs: list[tuple[int, dict[str, object]]], encoding: str) -> RawTable:
    header: list[str] = []
    for _, obj in objs:
        for k in obj:
            if clean_header(k) not in header:
                header.append(clean_header(k))
    table = RawTable(header, [], [], encoding, [])
    for row_no, obj in objs:
        values = {clean_header(k): v for k, v in obj.items()}
        cells = [None if values.get(h) in (None, "") else str(values[h]) for h in header]
        _add_row(table, cells, row_no, truncated=False)
    return table


def _read_json(path: Path) -> RawTable:
    text, encoding = decode(path.read_bytes(), path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path.name}: JSON 格式错误，第 {exc.lineno} 行第 {exc.colno} 列: {exc.msg}",
            code="bad_json",
        ) from None
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise InputError(f"{path.name}: JSON 文件应为对象数组 (array of objects)", code="bad_json")
    return _objects_to_table(list(enumerate(data, start=1)), encoding)


def _read_jsonl(path: Path) -> RawTable:
    text, encoding = decode(path.read_bytes(), path)
    objs: list[tuple[int, dict[str, object]]] = []
    bad: list[tuple[int, str, str, str]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            bad.append((n, "*", line[:200], "JSON_INVALID"))
            continue
        if isinstance(obj, dict):
            objs.append((n, obj))
        else:
            bad.append((n, "*", line[:200], "JSON_INVALID"))
    table = _objects_to_table(objs, encoding)
    table.problems.extend(bad)
    return table

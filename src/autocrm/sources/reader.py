"""Read a source file into a frame of canonical columns, whatever its format and encoding."""

from __future__ import annotations

import json
from pathlib import Path

import fastexcel
from django.utils.translation import gettext

from autocrm.core.errors import InputError
from autocrm.sources.csvfile import read_csv
from autocrm.sources.table import (
    Problem,
    RawTable,
    RowCollector,
    clean_header,
    decode,
    find_header,
)

__all__ = ["RawTable", "objects_to_table", "read_table"]


def read_table(path: Path, known_headers: set[str]) -> RawTable:
    """Read CSV, XLSX, JSON or JSON-lines into a RawTable."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return _read_excel(path, known_headers)
    if suffix == ".json":
        return _read_json(path)
    if suffix == ".jsonl":
        return _read_jsonl(path)
    return read_csv(path, known_headers)


def _read_excel(path: Path, known: set[str]) -> RawTable:
    if path.stat().st_size == 0:
        raise InputError(gettext("%(file)s: the file is empty") % {"file": path.name},
                         code="empty_file")
    try:
        reader = fastexcel.read_excel(path)
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for a bad workbook
        raise InputError(gettext("%(file)s: the Excel file cannot be read (%(error)s)")
                         % {"file": path.name, "error": exc}, code="bad_excel") from None
    rows: list[list[str | None]] = [list(r) for r in frame.rows()]
    head = find_header(rows, known, path)
    header = [clean_header(c) for c in rows[head]]
    table = RowCollector(header)
    for idx in range(head + 1, len(rows)):
        cells = [c.strip() if isinstance(c, str) and c.strip() else None for c in rows[idx]]
        while cells and cells[-1] is None and len(cells) > len(header):
            cells.pop()
        if any(cells):
            table.add(cells, idx + 1)
    return table.table("xlsx")


def objects_to_table(objs: list[tuple[int, dict[str, object]]], encoding: str) -> RawTable:
    """Return a table of (row number, object) pairs: one column per key, in first-seen order."""
    header: list[str] = []
    for _, obj in objs:
        for k in obj:
            if clean_header(k) not in header:
                header.append(clean_header(k))
    table = RowCollector(header)
    for row_no, obj in objs:
        values = {clean_header(k): v for k, v in obj.items()}
        cells = [None if values.get(h) in (None, "") else str(values[h]) for h in header]
        table.add(cells, row_no)
    return table.table(encoding)


def _read_json(path: Path) -> RawTable:
    text, encoding = decode(path.read_bytes(), path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            gettext("%(file)s: invalid JSON at line %(line)s, column %(column)s: %(error)s")
            % {"file": path.name, "line": exc.lineno, "column": exc.colno, "error": exc.msg},
            code="bad_json",
        ) from None
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise InputError(gettext("%(file)s: a JSON file must hold an array of objects")
                         % {"file": path.name}, code="bad_json")
    return objects_to_table(list(enumerate(data, start=1)), encoding)


def _read_jsonl(path: Path) -> RawTable:
    text, encoding = decode(path.read_bytes(), path)
    objs: list[tuple[int, dict[str, object]]] = []
    bad: list[Problem] = []
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
    table = objects_to_table(objs, encoding)
    table.problems.extend(bad)
    return table

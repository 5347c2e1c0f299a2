"""Read a CSV file with Polars, as Python's csv module would cut it into records.

Python decodes the file (UTF-8, else GB18030) and finds the header among the first rows; numpy
finds where each record ends and how many cells it has; Polars parses the records; the csv
module reads only the odd ones (too many cells, a last line cut short, quoting Polars reads
differently). Row numbers and problems are those the csv module would give.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from autocrm.sources.table import (
    HEADER_SCAN_ROWS,
    MOJIBAKE,
    ROW,
    Problem,
    RawTable,
    clean_header,
    column_names,
    decode,
    find_header,
    rows_frame,
)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # a line as io.StringIO(newline="") cuts it
_NOT_SPACE = r"[^\s\x1C-\x1F]"  # str.isspace() is regex \s plus the four information separators
_LF, _CR, _COMMA, _QUOTE = ord("\n"), ord("\r"), ord(","), ord('"')
_CHUNK = 1 << 22  # bytes per step of a byte scan
# Python's csv refuses a field over 128 KiB by default, which stopped a whole command without
# naming the file; cells are read whole here, and the cleaning rules judge their length.
csv.field_size_limit(1 << 30)


@dataclass
class _CsvBody:
    """A CSV file as UTF-8 bytes (without BOM), and its header."""

    header: list[str]
    head: int  # the index of the header record: the rows are the records after it
    body: bytes
    encoding: str
    ends_clean: bool  # the file ends with a line break
    damage: bool  # the decoded text holds U+FFFD somewhere


@dataclass
class _Layout:
    """Where the records of a CSV body end, as the csv module cuts them, and their quoting."""

    ends: np.ndarray  # the offset of each record's LF (or of the end of the body)
    cells: np.ndarray  # how many cells each record has (1 for a blank one)
    quotes: np.ndarray  # the offsets of the quotes that quote a field (open, close, doubled)
    native: bool  # Polars reads these quotes as the csv module does

    def starts(self, i: int) -> int:
        """Return the offset where record `i` starts."""
        return int(self.ends[i - 1]) + 1 if i else 0

    def quoted(self) -> np.ndarray:
        """Return the indices of the records holding a quoted field."""
        starts = np.concatenate([[0], self.ends[:-1] + 1])
        inside = np.searchsorted(self.quotes, self.ends) - np.searchsorted(self.quotes, starts)
        return np.flatnonzero(inside > 0)


def read_csv(path: Path, known: set[str]) -> RawTable:
    """Read a CSV file with Polars; Python finds the header and reads the odd records only."""
    src = _split_csv(path, known)
    quotes, native = _csv_quotes(src.body)
    body = _lone_cr_to_lf(src.body, quotes)
    layout = _Layout(*_records(body, quotes), quotes, native)
    special = _special_records(layout, src)
    frame = _parse(body if native else _blank_out(body, layout, special), src, layout)
    problems, replaced = _python_records(body, layout, special, src)
    if special:
        frame = frame.filter(~pl.col(ROW).is_in([i + 1 for i in special]))
    if replaced.height:
        frame = pl.concat([frame, replaced]).sort(ROW)
    frame, damaged = _usable(frame, src)
    if native and quotes.size:
        frame = _empty_to_null(frame)
    return RawTable(src.header, frame, src.encoding, sorted(problems + damaged, key=_row_of))


def _row_of(problem: Problem) -> int:
    return problem[0]


def _split_csv(path: Path, known: set[str]) -> _CsvBody:
    """Decode the file to choose its encoding and find its header; return it as UTF-8 bytes."""
    data = path.read_bytes()
    text, encoding = decode(data, path)
    records = _head_records(text)
    head = find_header([list(r) for r in records], known, path)
    header = [clean_header(c) for c in records[head]]
    ends_clean, damage = text.endswith(("\n", "\r")), MOJIBAKE in text
    if encoding == "utf-8":
        del text
        body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    else:
        del data
        body = text.encode("utf-8")
    return _CsvBody(header, head, body, encoding, ends_clean, damage)


def _head_records(text: str) -> list[list[str]]:
    """Return the first HEADER_SCAN_ROWS csv records (reading no further)."""
    lines = (match.group() for match in _LINE.finditer(text))
    return list(itertools.islice(csv.reader(lines), HEADER_SCAN_ROWS))


def _csv_quotes(body: bytes) -> tuple[np.ndarray, bool]:
    """Return the offsets of the quotes the csv module reads as quoting, and whether Polars
    reads them alike: when no quote starts a field (all are text), or when every quote opens
    a field, closes it or is doubled inside it."""
    arr = np.frombuffer(body, dtype=np.uint8)
    quotes = _find(arr, _QUOTE)
    if quotes.size == 0 or not _at_field_start(arr, quotes).any():
        return quotes[:0], True
    if _well_paired(arr, quotes):
        return quotes, True
    return _walk_quotes(body, quotes.tolist()), False


def _at_field_start(arr: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Return, for each offset, whether it starts a field (at the start, after , CR or LF)."""
    before = arr[np.maximum(pos - 1, 0)]
    return (pos == 0) | (before == _COMMA) | (before == _LF) | (before == _CR)


def _well_paired(arr: np.ndarray, quotes: np.ndarray) -> bool:
    """Return whether the quotes alternate open/close, opening at a field's start, closing at
    its end, or doubled inside a quoted field."""
    if quotes.size % 2:
        return False
    opens, closes = quotes[0::2], quotes[1::2]
    doubled = closes[:-1] + 1 == opens[1:]
    open_ok = _at_field_start(arr, opens)
    open_ok[1:] |= doubled
    after = arr[np.minimum(closes + 1, arr.size - 1)]
    close_ok = (closes + 1 == arr.size) | (after == _COMMA) | (after == _LF) | (after == _CR)
    close_ok[:-1] |= doubled
    return bool(open_ok.all() and close_ok.all())


def _walk_quotes(body: bytes, quotes: list[int]) -> np.ndarray:
    """Return the quotes the csv module reads as quoting, following its states quote by quote.

    A quote outside a quoted field opens one only at the start of a field; inside one, a
    doubled quote stays inside and any other quote closes it (what follows it is text).
    """
    quoting: list[int] = []
    inside, k = False, 0
    while k < len(quotes):
        pos = quotes[k]
        if inside and k + 1 < len(quotes) and quotes[k + 1] == pos + 1:
            quoting += [pos, pos + 1]
            k += 2
            continue
        if inside or pos == 0 or body[pos - 1] in b",\r\n":
            quoting.append(pos)
            inside = not inside
        k += 1
    return np.array(quoting, dtype=np.int64)


def _outside(quotes: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Return, for each offset, whether it lies outside quoted fields."""
    return np.searchsorted(quotes, pos) % 2 == 0


def _lone_cr_to_lf(body: bytes, quotes: np.ndarray) -> bytes:
    """Turn a CR not followed by LF (outside quotes) into LF: the csv module ends a record there."""
    if b"\r" not in body or body.count(b"\r") == body.count(b"\r\n"):
        return body
    arr = np.frombuffer(body, dtype=np.uint8)
    cr = _find(arr, _CR)
    lone = cr[(cr + 1 == arr.size) | (arr[np.minimum(cr + 1, arr.size - 1)] != _LF)]
    fixed = arr.copy()
    fixed[lone[_outside(quotes, lone)]] = _LF
    return fixed.tobytes()


def _records(body: bytes, quotes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return where each record ends (its LF, or the end) and how many cells it has."""
    arr = np.frombuffer(body, dtype=np.uint8)
    breaks = _find(arr, _LF)
    if quotes.size:
        breaks = breaks[_outside(quotes, breaks)]
    unended = len(body) > (int(breaks[-1]) + 1 if breaks.size else 0)  # no LF after the last
    ends = np.append(breaks, len(body)) if unended else breaks
    cells = np.ones(ends.size, dtype=np.int64)
    for start in range(0, arr.size, _CHUNK):
        commas = np.flatnonzero(arr[start:start + _CHUNK] == _COMMA) + start
        if quotes.size:
            commas = commas[_outside(quotes, commas)]
        first = int(np.searchsorted(ends, start))  # the records this chunk's bytes belong to
        last = min(int(np.searchsorted(ends, start + _CHUNK)), ends.size - 1)
        cells[first:last + 1] += np.diff(np.searchsorted(commas, ends[first:last + 1]), prepend=0)
    return ends, cells


def _find(arr: np.ndarray, value: int) -> np.ndarray:
    """Return the offsets of a byte value, scanning by chunks to keep scratch memory small."""
    parts = [np.flatnonzero(arr[start:start + _CHUNK] == value) + start
             for start in range(0, arr.size, _CHUNK)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _special_records(layout: _Layout, src: _CsvBody) -> list[int]:
    """Return the records below the header that Python reads: those with more cells than the
    header, a last line cut short, and, when Polars cannot read the quoting, those holding a
    quoted field."""
    width = len(src.header)
    special = set(np.flatnonzero(layout.cells > width).tolist())
    last = layout.ends.size - 1
    if not src.ends_clean and layout.cells[last] < width:
        special.add(last)
    if not layout.native:
        special.update(layout.quoted().tolist())
    return sorted(i for i in special if i > src.head)


def _blank_out(body: bytes, layout: _Layout, records: list[int]) -> bytes:
    """Return the body with these records, and all others holding a quoted field, turned to
    spaces, so that Polars reads each record as one row."""
    arr = np.frombuffer(body, dtype=np.uint8).copy()
    for i in sorted(set(records) | set(layout.quoted().tolist())):
        arr[layout.starts(i):int(layout.ends[i])] = ord(" ")
    return arr.tobytes()


def _parse(body: bytes, src: _CsvBody, layout: _Layout) -> pl.DataFrame:
    """Read the records below the header as Utf8 columns (cells past the header dropped,
    missing ones null), numbered."""
    frame = pl.read_csv(
        body, has_header=False, schema={name: pl.Utf8 for name in column_names(src.header)},
        quote_char='"' if layout.native and layout.quotes.size else None,
        truncate_ragged_lines=True, raise_if_empty=False, missing_utf8_is_empty_string=False,
    )
    if frame.height != layout.ends.size:  # cannot happen: the csv module's records are Polars'
        raise RuntimeError(f"Polars read {frame.height} rows, not {layout.ends.size} records")
    numbered = frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW))
    return numbered.slice(src.head + 1)


def _python_records(body: bytes, layout: _Layout, records: list[int], src: _CsvBody
                    ) -> tuple[list[Problem], pl.DataFrame]:
    """Read these records with the csv module: return their problems, and the usable ones."""
    width, last = len(src.header), layout.ends.size - 1
    problems: list[Problem] = []
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    for i in records:
        start = layout.starts(i)
        text = body[start:int(layout.ends[i])].decode("utf-8")
        cells = next(csv.reader(io.StringIO(text, newline="")), [])
        row_no = i + 1
        if not any(c and not c.isspace() for c in cells):
            continue
        problem = _record_problem(cells, row_no, width, i == last and not src.ends_clean)
        if problem is not None:
            problems.append(problem)
            continue
        rows.append([c or None for c in cells] + [None] * (width - len(cells)))
        numbers.append(row_no)
    return problems, rows_frame(src.header, rows, numbers)


def _record_problem(cells: list[str], row_no: int, width: int, truncated: bool
                    ) -> Problem | None:
    """Return why a record cannot be used, or None."""
    if len(cells) > width:
        return (row_no, "*", ",".join(cells[width:]), "ROW_TOO_MANY_CELLS")
    if truncated and len(cells) < width:
        return (row_no, "*", ",".join(cells), "ROW_TRUNCATED")
    return None


def _empty_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """Make quoted empty cells (read as "") null, as unquoted ones are."""
    return frame.with_columns(
        pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in frame.columns if c != ROW
    )


def _usable(frame: pl.DataFrame, src: _CsvBody) -> tuple[pl.DataFrame, list[Problem]]:
    """Drop blank rows, then take out rows with U+FFFD in a cell (looked for only if any)."""
    columns = [c for c in frame.columns if c != ROW]
    frame = _drop_blank(frame, columns)
    if not src.damage:
        return frame, []
    first = pl.coalesce(
        pl.when(pl.col(c).str.contains(MOJIBAKE, literal=True)).then(pl.lit(i))
        for i, c in enumerate(columns)
    ).alias("_damaged")
    marked = frame.with_columns(first)
    problems = [
        (row[-2], src.header[row[-1]], row[row[-1]], "ENCODING_DAMAGED")
        for row in marked.filter(pl.col("_damaged").is_not_null()).iter_rows()
    ]
    return marked.filter(pl.col("_damaged").is_null()).drop("_damaged"), problems


def _drop_blank(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Drop the rows whose cells are all empty or whitespace, looking at the next column only
    while some row is blank so far (most rows have text in their first cell)."""
    blank = pl.repeat(True, frame.height, dtype=pl.Boolean, eager=True)
    for c in columns:
        blank &= ~frame[c].str.contains(_NOT_SPACE).fill_null(False)
        if not blank.any():
            return frame
    return frame.filter(~blank)

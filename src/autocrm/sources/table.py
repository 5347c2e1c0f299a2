"""A source file read into text: its header, its usable rows as a frame, and its problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext

from autocrm.core.errors import InputError

HEADER_SCAN_ROWS = 10
MOJIBAKE = "\ufffd"
ROW = "_row"
Problem = tuple[int, str, str, str]  # (row, field, value, rule)


@dataclass
class RawTable:
    """A file's header, its usable rows and the rows it could not use.

    `frame` holds the usable rows: one Utf8 column per header cell, in header order, named by
    the cleaned header (made unique, see `column_names`), then `_row`, the 1-based row number
    a person would see.
    """

    header: list[str]
    frame: pl.DataFrame
    encoding: str
    problems: list[Problem]  # (row, field, value, rule)

    @property
    def rows(self) -> list[list[str | None]]:
        """Return the usable rows as lists of text (meant for small tables and tests)."""
        return [list(r) for r in self.frame.drop(ROW).rows()]

    @property
    def row_numbers(self) -> list[int]:
        """Return the row number of each usable row."""
        return self.frame[ROW].to_list()


def clean_header(name: object) -> str:
    """Normalise a header cell: strip spaces, BOM and full-width forms."""
    text = str(name or "").replace("\ufeff", "").strip()
    return text.translate(_FULLWIDTH).replace(" ", "")


_FULLWIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


def column_names(header: list[str]) -> list[str]:
    """Return a unique frame column name per header cell: the cell, suffixed when empty or seen."""
    names: list[str] = []
    seen = {ROW}
    for i, h in enumerate(header, start=1):
        name = h or f"#{i}"
        while name in seen:
            name = f"{name}#{i}"
        seen.add(name)
        names.append(name)
    return names


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM), else GB18030."""
    if not data.strip():
        raise InputError(gettext("%(file)s: the file is empty") % {"file": path.name},
                         code="empty_file")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            gettext("%(file)s: unknown encoding (neither UTF-8 nor GBK/GB18030) at byte %(byte)s")
            % {"file": path.name, "byte": exc.start},
            code="bad_encoding",
        ) from None


def find_header(rows: list[list[str | None]], known: set[str], path: Path) -> int:
    """Return the index of the header row: the first of the top rows naming known columns."""
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for c in row if c and clean_header(c) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0:
        first = [c for c in (rows[0] if rows else []) if c]
        raise InputError(
            gettext("%(file)s: no recognisable header in the first %(n)s rows; the first row is "
                    "%(first)s") % {"file": path.name, "n": HEADER_SCAN_ROWS, "first": first[:8]},
            code="no_header",
        )
    return best


@dataclass
class RowCollector:
    """Rows gathered one at a time (XLSX, JSON), then made into a RawTable."""

    header: list[str]
    rows: list[list[str | None]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, cells: list[str | None], row_no: int) -> None:
        """Append one row, or record why it cannot be used."""
        width = len(self.header)
        if len(cells) > width:
            extra = ",".join(c or "" for c in cells[width:])
            self.problems.append((row_no, "*", extra, "ROW_TOO_MANY_CELLS"))
            return
        damaged = next((i for i, c in enumerate(cells) if c and MOJIBAKE in c), None)
        if damaged is not None:
            field_name = self.header[damaged]
            self.problems.append((row_no, field_name, cells[damaged] or "", "ENCODING_DAMAGED"))
            return
        self.rows.append(cells + [None] * (width - len(cells)))
        self.numbers.append(row_no)

    def table(self, encoding: str) -> RawTable:
        """Return the rows gathered so far as a RawTable."""
        frame = rows_frame(self.header, self.rows, self.numbers)
        return RawTable(self.header, frame, encoding, self.problems)


def rows_frame(header: list[str], rows: list[list[str | None]], numbers: list[int]
                ) -> pl.DataFrame:
    """Return rows of header width, with their row numbers, as a RawTable frame."""
    names = column_names(header)
    data: dict[str, list[str | None] | list[int]] = {
        name: [row[i] for row in rows] for i, name in enumerate(names)
    }
    data[ROW] = numbers
    return pl.DataFrame(data, schema={**{n: pl.Utf8 for n in names}, ROW: pl.Int64})

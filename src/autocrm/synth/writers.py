"""File writers: CSV in several encodings, XLSX (streamed XML, optional title row and trailing
empty rows), JSON arrays and JSON lines. All output is byte-for-byte deterministic."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import polars as pl

_CHUNK = 200_000
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def write_csv(frame: pl.DataFrame, path: Path, encoding: str = "utf-8", append: bool = False
              ) -> None:
    """CSV with a header row (none when ``append``ing to an existing file). ``encoding``:
    utf-8, utf-8-sig (BOM), gbk or gb18030."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab" if append else "wb") as fh:
        if encoding in ("utf-8", "utf-8-sig"):
            if encoding == "utf-8-sig" and not append:
                fh.write(b"\xef\xbb\xbf")
            frame.write_csv(fh, include_header=not append, float_precision=2)
            return
        for start in range(0, max(frame.height, 1), _CHUNK):
            buf = io.BytesIO()
            frame.slice(start, _CHUNK).write_csv(buf, include_header=start == 0 and not append,
                                                 float_precision=2)
            fh.write(buf.getvalue().decode("utf-8").encode(encoding))


def _escape(expr: pl.Expr) -> pl.Expr:
    return (expr.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True))


def _shared_strings(frame: pl.DataFrame, numeric: dict[str, np.ndarray]
                    ) -> tuple[pl.DataFrame, pl.Series]:
    """Replace string columns by indices into one shared-string table (as Excel does)."""
    text_cols = [c for c in frame.columns if frame.schema[c] == pl.String]
    masked = frame.with_columns(
        pl.when(pl.Series(numeric[c])).then(None).otherwise(pl.col(c)).alias(c)
        for c in text_cols if c in numeric)
    long = pl.concat([masked[c] for c in text_cols]) if text_cols else \
        pl.Series([], dtype=pl.String)
    sst = pl.concat([pl.Series(frame.columns, dtype=pl.String), long]).drop_nulls()\
        .unique(maintain_order=True)
    codes = long.cast(pl.Enum(sst)).to_physical().cast(pl.String)
    n = frame.height
    idx = pl.DataFrame([codes.slice(i * n, n).alias(c) for i, c in enumerate(text_cols)])
    return idx, sst


def _cells(frame: pl.DataFrame, idx: pl.DataFrame, numeric: dict[str, np.ndarray]
           ) -> list[pl.Expr]:
    exprs = []
    for name in frame.columns:
        raw = pl.col(name).cast(pl.String)
        num = pl.concat_str([pl.lit("<c><v>"), raw, pl.lit("</v></c>")])
        if frame.schema[name] != pl.String:
            cell = pl.when(pl.col(name).is_null()).then(pl.lit("<c/>")).otherwise(num)
        else:
            ref = pl.col(f"__s{name}")
            cell = pl.when(ref.is_not_null()).then(
                pl.concat_str([pl.lit('<c t="s"><v>'), ref, pl.lit("</v></c>")]))
            if name in numeric:
                cell = cell.when(pl.col(f"__n{name}")).then(num)
            cell = cell.otherwise(pl.lit("<c/>"))
        exprs.append(cell)
    return exprs


def _rows_xml(frame: pl.DataFrame, numeric: dict[str, np.ndarray], first_row: int,
              idx: pl.DataFrame) -> str:
    df = pl.concat([frame, idx.rename({c: f"__s{c}" for c in idx.columns})], how="horizontal")
    df = df.with_columns(
        pl.Series("__r", np.arange(first_row, first_row + frame.height)).cast(pl.String),
        *[pl.Series(f"__n{k}", v) for k, v in numeric.items() if k in frame.columns])
    rows = df.select(pl.concat_str([
        pl.lit('<row r="'), pl.col("__r"), pl.lit('">'), *_cells(frame, idx, numeric),
        pl.lit("</row>")]).alias("x"))["x"]
    return rows.str.join("").item() if rows.len() else ""


def _text_row(values: list[str], row: int, sst: dict[str, int] | None = None) -> str:
    if sst is not None:
        cells = "".join(f'<c t="s"><v>{sst[v]}</v></c>' for v in values)
    else:
        cells = "".join(
            f'<c t="inlineStr"><is><t xml:space="preserve">'
            f'{v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}</t></is></c>'
            for v in values)
    return f'<row r="{row}">{cells}</row>'


def _sst_xml(sst: pl.Series) -> bytes:
    items = pl.select(pl.concat_str([pl.lit('<si><t xml:space="preserve">'), _escape(pl.lit(sst)),
                                     pl.lit("</t></si>")]).str.join("")).item() if sst.len() else ""
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
            f'schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{sst.len()}">')
    return (head + items + "</sst>").encode("utf-8")


def write_xlsx(frame: pl.DataFrame, path: Path, numeric: dict[str, np.ndarray] | None = None,
               title: str | None = None, trailing_empty: int = 0, sheet: str = "Sheet1") -> None:
    """One-sheet workbook with a shared-string table; ``numeric`` marks string cells (by
    column) to store as numbers; ``title`` adds a row above the header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    numeric = {k: v for k, v in (numeric or {}).items() if k in frame.columns}
    idx, sst = _shared_strings(frame, numeric)
    head = {v: i for i, v in enumerate(sst.head(frame.width).to_list())}
    parts = [_SHEET_HEAD]
    row = 1
    if title:
        parts.append(_text_row([title], 1))
        row = 2
    parts.append(_text_row(frame.columns, row, head))
    for start in range(0, frame.height, _CHUNK):
        nums = {k: v[start:start + _CHUNK] for k, v in numeric.items()}
        parts.append(_rows_xml(frame.slice(start, _CHUNK), nums, row + 1 + start,
                               idx.slice(start, _CHUNK)))
    last = row + frame.height
    parts.extend(_text_row([""], last + k) for k in range(1, trailing_empty + 1))
    parts.append(_SHEET_TAIL)
    members = {
        "[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS,
        "xl/workbook.xml": _WORKBOOK.format(name=sheet),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS, "xl/styles.xml": _STYLES,
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            _add(zf, name, text.encode("utf-8"))
        _add(zf, "xl/sharedStrings.xml", _sst_xml(sst))
        _add(zf, "xl/worksheets/sheet1.xml", "".join(parts).encode("utf-8"))


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    zf.writestr(info, data, compresslevel=1)


def json_lines(frame: pl.DataFrame) -> list[str]:
    """One compact JSON object (UTF-8, keys in column order) per row."""
    if frame.height == 0:
        return []
    return frame.select(pl.struct(pl.all()).struct.json_encode().alias("j"))["j"].to_list()


def write_json_array(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = json_lines(frame)
    body = ",\n".join(lines)
    path.write_text("[\n" + body + ("\n" if lines else "") + "]\n", encoding="utf-8")


def write_jsonl(frame: pl.DataFrame, path: Path, append: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = json_lines(frame)
    with path.open("a" if append else "w", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))

"""Injection of realistic defects into rendered columns, remembering them per row.

Defect codes written to the truth (``records.parquet``, column ``defects``):
name_typo, name_title, name_space, phone_fullwidth, phone_format, phone_landline, phone_short,
phone_missing, id_fullwidth, id_sci, id_checksum, id_missing, birth_missing, vin_fullwidth,
vin_ocr, model_variant, date_format, date_serial, date_future, date_ancient, duplicate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from .config import TODAY, DefectRates
from .pools import homophones

CODES = (
    "name_typo", "name_title", "name_space", "phone_fullwidth", "phone_format", "phone_landline",
    "phone_short", "phone_missing", "id_fullwidth", "id_sci", "id_checksum", "id_missing",
    "birth_missing", "vin_fullwidth", "vin_ocr", "model_variant", "date_format", "date_serial",
    "date_future", "date_ancient", "duplicate",
)
_BIT = {c: 1 << i for i, c in enumerate(CODES)}
DATE_VARIANTS = ("%Y-%m-%d", "%Y/%-m/%-d", "%Y%m%d", "%Y年%-m月%-d日", "%Y.%m.%d")
TIME_VARIANTS = ("%Y/%-m/%-d %H:%M", "%Y%m%d%H%M%S", "%Y年%-m月%-d日 %H:%M", "%Y.%m.%d %H:%M:%S",
                 "%Y-%m-%dT%H:%M:%S")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_ID_CHARS = "0123456789"


def render(s: pl.Series, fmt: str | pl.Series) -> pl.Series:
    """strftime with one format or a format per row."""
    if isinstance(fmt, str):
        return s.dt.strftime(fmt)
    out = pl.repeat(None, s.len(), dtype=pl.String, eager=True)
    for f in sorted(set(fmt.unique().to_list()) - {None}):
        idx = (fmt == f).arg_true()
        out = out.scatter(idx, s.gather(idx).dt.strftime(f))
    return out


def future(s: pl.Series, fmt: str | pl.Series, r: pl.Series) -> pl.Series:
    """The date moved past today by 30 days to ~8 years."""
    today = pl.lit(TODAY, dtype=pl.Date)
    ahead = (today - pl.col("s").cast(pl.Date)).dt.total_days() + 30 + pl.col("r") % 3000
    moved = pl.DataFrame({"s": s, "r": r}).select(pl.col("s") + pl.duration(days=ahead))
    return render(moved.to_series(), fmt)


def ancient(s: pl.Series, fmt: str | pl.Series, r: pl.Series) -> pl.Series:
    """1899-12-30 (Excel's day zero) or the date 200 years earlier."""
    c = pl.col("s")
    parts = [c.dt.year() - 200, c.dt.month(), pl.min_horizontal(c.dt.day(), pl.lit(28))]
    if s.dtype == pl.Datetime:
        year, month, day = parts
        old = pl.datetime(year=year, month=month, day=day, hour=c.dt.hour(),
                          minute=c.dt.minute(), second=c.dt.second())
        zero = pl.lit(EXCEL_EPOCH).cast(s.dtype)
    else:
        old = pl.date(*parts)
        zero = pl.lit(EXCEL_EPOCH.date())
    df = pl.DataFrame({"s": s, "r": r})
    return render(df.select(pl.when(pl.col("r") % 2 == 1).then(zero).otherwise(old)
                            .cast(s.dtype)).to_series(), fmt)


def other_format(s: pl.Series, fmt: str | pl.Series, r: pl.Series) -> pl.Series:
    """The date in another common text format than ``fmt``."""
    variants = TIME_VARIANTS if s.dtype == pl.Datetime else DATE_VARIANTS
    base = render(s, fmt)
    texts = pl.DataFrame({str(i): s.dt.strftime(v) for i, v in enumerate(variants)})
    k = (r % len(variants)).to_numpy()
    pick = np.array(texts.to_numpy()[np.arange(s.len()), k], dtype=object)
    nxt = np.array(texts.to_numpy()[np.arange(s.len()), (k + 1) % len(variants)], dtype=object)
    same = pick == base.to_numpy()
    return pl.Series(np.where(same, nxt, pick), dtype=pl.String)


def excel_serials(s: pl.Series) -> pl.Series:
    """Excel serial numbers (days since 1899-12-30; fraction of day for date-times)."""
    if s.dtype == pl.Datetime:
        ms = s.dt.cast_time_unit("ms").cast(pl.Int64)
        return (ms / 86_400_000 + 25569).round(5).cast(pl.String)
    return (s.cast(pl.Int32) + 25569).cast(pl.String)


_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def fullwidth(text: str) -> str:
    """ASCII letters and digits to their full-width forms (138 -> １３８)."""
    return text.translate(_FULLWIDTH)


def sci_text(id_number: str, xlsx: bool) -> str:
    """How Excel shows (CSV export) or stores (XLSX) a long digit string as a number."""
    if xlsx:
        return f"{int(id_number[:15]) / 10**14:.14f}".rstrip("0").rstrip(".") + "E+17"
    mantissa = f"{int(id_number[:6]) / 10**5:.5f}".rstrip("0").rstrip(".")
    return f"{mantissa}E+{len(id_number) - 1}"


class Defects:
    """Defect injection for the ``n`` rows of one file of ``source``."""

    def __init__(self, rates: DefectRates, source: str, n: int, rng: np.random.Generator,
                 xlsx: bool | np.ndarray = False) -> None:
        self.rates, self.source, self.n, self.rng = rates, source, n, rng
        self.xlsx = np.broadcast_to(np.asarray(xlsx, dtype=bool), (n,))
        self.mask = np.zeros(n, dtype=np.int64)
        self.numeric: dict[str, np.ndarray] = {}  # field -> rows to store as numbers in XLSX

    def _draw(self, eligible: np.ndarray, names: list[tuple[str, str]]) -> dict[str, np.ndarray]:
        """Rows per code; ``names`` pairs a DefectRates field with the code it produces."""
        u = self.rng.random(self.n)
        lo, out = 0.0, {}
        for field, code in names:
            hi = min(1.0, lo + self.rates.rate(field, self.source))
            rows = np.flatnonzero(eligible & (u >= lo) & (u < hi))
            out[code] = rows
            self.mask[rows] |= _BIT[code]
            lo = hi
        return out

    def _apply(self, s: pl.Series, rows: np.ndarray, fn: object) -> pl.Series:
        if rows.size == 0:
            return s
        new = [fn(v) for v in s.gather(rows).to_list()]  # type: ignore[operator]
        return s.scatter(rows, pl.Series(new, dtype=s.dtype))

    def name(self, s: pl.Series, surname: pl.Series, given: pl.Series, gender: pl.Series
             ) -> pl.Series:
        """Typos, 先生/女士 and inner spaces in person names (companies untouched)."""
        eligible = (gender.to_numpy() > 0) & s.is_not_null().to_numpy()
        rows = self._draw(eligible, [("name_typo", "name_typo"), ("name_title", "name_title"),
                                     ("name_space", "name_space")])
        homo = homophones()
        sur, giv, gen = surname.to_numpy(), given.to_numpy(), gender.to_numpy()
        pick = self.rng.integers(0, 1 << 30, self.n)
        out = s.clone()

        def typo(i: int) -> str:
            g = giv[i]
            k = pick[i] % len(g)
            alts = homo.get(g[k], ["明"])
            return sur[i] + g[:k] + alts[pick[i] // 7 % len(alts)] + g[k + 1:]

        def title(i: int) -> str:
            return sur[i] + ("先生" if gen[i] == 1 else "女士")

        def space(i: int) -> str:
            if len(giv[i]) == 1 or pick[i] % 3:
                return sur[i] + " " * (1 + pick[i] % 2) + giv[i]
            return " ".join(sur[i] + giv[i])

        for code, fn in (("name_typo", typo), ("name_title", title), ("name_space", space)):
            r = rows[code]
            if r.size:
                out = out.scatter(r, pl.Series([fn(int(i)) for i in r], dtype=pl.String))
        return out

    def phone(self, s: pl.Series, area: pl.Series | None = None, missing: bool = False
              ) -> pl.Series:
        """Full-width, formatted, landline, short or missing mobiles."""
        names = [("fullwidth", "phone_fullwidth"), ("phone_format", "phone_format"),
                 ("landline", "phone_landline"), ("short_phone", "phone_short")]
        if missing:
            names.append(("missing_phone", "phone_missing"))
        rows = self._draw(s.is_not_null().to_numpy(), names)
        r = self.rng.integers(0, 1 << 30, self.n)
        areas = area.to_numpy() if area is not None else np.full(self.n, "010")
        s = self._apply(s, rows["phone_fullwidth"], fullwidth)
        styles = ("+86 {0}-{1}-{2}", "0086 {0}{1}{2}", "{0} {1} {2}", "{0}-{1}-{2}",
                  "+86{0}{1}{2}", "86-{0}{1}{2}")
        it = iter(r[rows["phone_format"]])
        s = self._apply(s, rows["phone_format"], lambda v: styles[next(it) % 6].format(
            v[:3], v[3:7], v[7:]))
        land = rows["phone_landline"]
        if land.size:
            nums = [f"{a}-{x % 6 + 2}{x // 7 % 10**6:06d}{'' if len(a) == 4 else x % 10}"
                    for a, x in zip(areas[land], r[land], strict=True)]
            s = s.scatter(land, pl.Series(nums, dtype=pl.String))
        it2 = iter(r[rows["phone_short"]])
        s = self._apply(s, rows["phone_short"], lambda v: _drop_digits(v, next(it2)))
        return self._apply(s, rows.get("phone_missing", np.array([], int)), lambda v: None)

    def id_number(self, s: pl.Series, missing: bool = False, sci: bool = False) -> pl.Series:
        """Full-width, Excel-mangled, mistyped or missing ID numbers (RIC or USCC)."""
        names = [("fullwidth", "id_fullwidth"), ("id_checksum", "id_checksum")]
        if missing:
            names.append(("missing_id", "id_missing"))
        ok = s.is_not_null().to_numpy()
        eligible = ok
        if sci:
            digits = s.str.contains(r"^\d{18}$").fill_null(False).to_numpy()
            names.insert(1, ("id_sci", "id_sci"))
            rows = self._draw(eligible, names)
            not_digit = rows["id_sci"][~digits[rows["id_sci"]]]
            self.mask[not_digit] &= ~_BIT["id_sci"]
            rows["id_sci"] = rows["id_sci"][digits[rows["id_sci"]]]
        else:
            rows = self._draw(eligible, names)
        r = self.rng.integers(0, 1 << 30, self.n)
        s = self._apply(s, rows["id_fullwidth"], fullwidth)
        if sci:
            flags = iter(self.xlsx[rows["id_sci"]])
            s = self._apply(s, rows["id_sci"], lambda v: sci_text(v, bool(next(flags))))
            self._numeric("id_number", rows["id_sci"])
        it = iter(r[rows["id_checksum"]])
        s = self._apply(s, rows["id_checksum"], lambda v: _typo_digit(v, next(it)))
        return self._apply(s, rows.get("id_missing", np.array([], int)), lambda v: None)

    def vin(self, s: pl.Series) -> pl.Series:
        """Full-width VINs and O-for-0 / I-for-1 confusions."""
        has = s.str.contains("[01]").fill_null(False).to_numpy()
        rows = self._draw(s.is_not_null().to_numpy(), [("fullwidth", "vin_fullwidth"),
                                                        ("vin_ocr", "vin_ocr")])
        bad = rows["vin_ocr"][~has[rows["vin_ocr"]]]
        self.mask[bad] &= ~_BIT["vin_ocr"]
        s = self._apply(s, rows["vin_fullwidth"], fullwidth)
        ocr = rows["vin_ocr"][has[rows["vin_ocr"]]]
        it = iter(self.rng.integers(0, 1 << 30, ocr.size))
        return self._apply(s, ocr, lambda v: _ocr(v, next(it)))

    def model(self, s: pl.Series, year: pl.Series) -> pl.Series:
        """Dealer spellings of the model name (奥迪A4L, a4l, A4L 2019款)."""
        rows = self._draw(s.is_not_null().to_numpy(), [("model_variant", "model_variant")])
        r = rows["model_variant"]
        if r.size == 0:
            return s
        k = self.rng.integers(0, 3, r.size)
        yrs = year.to_numpy()[r]
        vals = s.gather(r).to_list()
        new = [("奥迪" + v, v.lower(), f"{v} {y}款")[j] for v, y, j in zip(vals, yrs, k,
                                                                         strict=True)]
        return s.scatter(r, pl.Series(new, dtype=pl.String))

    def date(self, field: str, s: pl.Series, fmt: str | pl.Series, text: bool = True,
             serial: bool = False, missing: str | None = None) -> pl.Series:
        """Render a Date/Datetime column with ``fmt`` (one format, or one per row); some values
        in another text format, as Excel serials, in the future, before 1900, or missing
        (``missing`` = DefectRates field, code birth_missing)."""
        out = render(s, fmt)
        names = [("future_date", "date_future"), ("ancient_date", "date_ancient")]
        if text:
            names.append(("date_format", "date_format"))
        if serial:
            names.append(("date_serial", "date_serial"))
        if missing:
            names.append((missing, "birth_missing"))
        rows = self._draw(s.is_not_null().to_numpy(), names)
        r = pl.Series(self.rng.integers(0, 1 << 30, self.n))
        plan = {"date_future": future, "date_ancient": ancient, "date_format": other_format,
                "date_serial": lambda v, f, k: excel_serials(v)}
        for code, fn in plan.items():
            rr = rows.get(code)
            if rr is not None and rr.size:
                f = fmt if isinstance(fmt, str) else fmt.gather(rr)
                out = out.scatter(rr, fn(s.gather(rr), f, r.gather(rr)))
        if "date_serial" in rows:
            self._numeric(field, rows["date_serial"])
        if missing and rows["birth_missing"].size:
            out = out.scatter(rows["birth_missing"], None)
        return out

    def _numeric(self, field: str, rows: np.ndarray) -> None:
        mask = self.numeric.setdefault(field, np.zeros(self.n, dtype=bool))
        mask[rows] = True

    def mark(self, rows: np.ndarray, code: str) -> None:
        """Record defect ``code`` on ``rows`` changed by the caller."""
        self.mask[rows] |= _BIT[code]

    def duplicates(self) -> np.ndarray:
        """Row order with exact duplicates: each original index, repeated for duplicated rows.
        Marks the copies with ``duplicate``."""
        rate = self.rates.rate("duplicate_row", self.source)
        dup = self.rng.random(self.n) < rate
        order = np.repeat(np.arange(self.n), 1 + dup.astype(np.int64))
        copy = np.zeros(order.size, dtype=bool)
        copy[1:] = order[1:] == order[:-1]
        self.mask = self.mask[order] | np.where(copy, _BIT["duplicate"], 0)
        self.numeric = {k: v[order] for k, v in self.numeric.items()}
        self.n = order.size
        return order

    def row_codes(self) -> pl.Series:
        """Comma-separated codes per row ("" when clean)."""
        uniq, inv = np.unique(self.mask, return_inverse=True)
        text = [",".join(c for c in CODES if m & _BIT[c]) for m in uniq]
        return pl.Series("defects", text, dtype=pl.String).gather(inv.ravel())


def _drop_digits(v: str, r: int) -> str:
    k = 1 + r % 2
    pos = 3 + r // 3 % (len(v) - 3 - k)
    return v[:pos] + v[pos + k:]


def _typo_digit(v: str, r: int) -> str:
    pos = r % (len(v) - 1)
    chars = _ID_CHARS if v[pos].isdigit() else "ABCDEFGHJKLMNPQRTUWXY"
    new = chars[(chars.index(v[pos]) + 1 + r // 97 % (len(chars) - 1)) % len(chars)] \
        if v[pos] in chars else "0"
    return v[:pos] + new + v[pos + 1:]


def _ocr(v: str, r: int) -> str:
    spots = [i for i, c in enumerate(v) if c in "01"]
    i = spots[r % len(spots)]
    return v[:i] + ("O" if v[i] == "0" else "I") + v[i + 1:]

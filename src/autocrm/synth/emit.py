"""Shared plumbing of the feeds: the simulated world, rendering helpers, and writing one file
together with its ground-truth records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .config import DefectRates, feed_columns, feed_key
from .defects import Defects
from .geo import Geo
from .writers import write_csv, write_json_array, write_jsonl, write_xlsx

RECORD_SCHEMA = {
    "source": pl.String, "feed": pl.String, "file": pl.String, "row": pl.Int64,
    "key": pl.String, "person_id": pl.String, "vin": pl.String, "defects": pl.String,
}


@dataclass
class World:
    """Everything that is true: people, dealers, vehicles, ownerships, service periods."""

    geo: Geo
    people: pl.DataFrame
    dealers: pl.DataFrame
    vehicles: pl.DataFrame
    owners: pl.DataFrame
    service: pl.DataFrame
    rates: DefectRates
    seed: int

    def rng(self, *stream: int) -> np.random.Generator:
        """Independent generator per named stream, so feeds do not depend on each other."""
        return np.random.default_rng([self.seed, *stream])


@dataclass(frozen=True)
class FilePart:
    """One physical file of an output."""

    rel: str  # path relative to the output directory
    encoding: str = "utf-8"
    title: str | None = None
    trailing_empty: int = 0
    append: bool = False  # continue a CSV/JSONL file written by a previous chunk

    @property
    def fmt(self) -> str:
        return self.rel.rsplit(".", 1)[-1]


@dataclass
class Output:
    """Rendered values per canonical field plus the truth per row, for one file or for several
    files of the same feed (``part`` = index into ``files`` per row, rows grouped by part)."""

    source: str
    feed: str
    files: list[FilePart]
    fields: dict[str, pl.Series]
    person_id: pl.Series
    vin: pl.Series
    defects: Defects
    part: np.ndarray | None = None


def to_date(day: np.ndarray | pl.Series) -> pl.Series:
    """Days since 1970-01-01 (negative = null when ``day`` < -40000) to a Date series."""
    s = pl.Series(np.asarray(day), dtype=pl.Int64)
    return pl.select(pl.when(s > -40_000).then(s).cast(pl.Int32).cast(pl.Date)).to_series()


def to_datetime(day: np.ndarray, rng: np.random.Generator, start_h: int = 8, end_h: int = 21
                ) -> pl.Series:
    """A time of day between ``start_h`` and ``end_h`` added to each day."""
    secs = rng.integers(start_h * 3600, end_h * 3600, np.asarray(day).size)
    ms = (np.asarray(day).astype(np.int64) * 86400 + secs) * 1000
    return pl.Series(ms, dtype=pl.Int64).cast(pl.Datetime("ms"))


def phone_at(world: World, pidx: np.ndarray, day: np.ndarray, rng: np.random.Generator,
             second: float = 0.3) -> pl.Series:
    """The mobile a person gives at ``day`` (new number after a change; sometimes the second
    one) as strings."""
    p = world.people
    phone1 = p["phone1"].to_numpy()[pidx]
    phone2 = p["phone2"].to_numpy()[pidx]
    phone3 = p["phone3"].to_numpy()[pidx]
    change = p["change_day"].to_numpy()[pidx]
    out = np.where((phone3 > 0) & (day >= change), phone3, phone1)
    out = np.where((phone2 > 0) & (rng.random(pidx.size) < second), phone2, out)
    return pl.Series(out.astype(np.int64)).cast(pl.String)


def serial_ids(prefix: str, day: np.ndarray, width: int = 5, group: np.ndarray | None = None
               ) -> pl.Series:
    """prefix + yyyymmdd + per-day (and per-group) sequence in row order, unique within the
    file."""
    day = np.asarray(day).astype(np.int64)
    g = np.zeros(day.size, np.int64) if group is None else np.asarray(group).astype(np.int64)
    order = np.lexsort((np.arange(day.size), day, g))
    gs, ds = g[order], day[order]
    new = np.ones(day.size, dtype=bool)
    new[1:] = (gs[1:] != gs[:-1]) | (ds[1:] != ds[:-1])
    starts = np.flatnonzero(new)
    seq = np.empty(day.size, dtype=np.int64)
    seq[order] = np.arange(day.size) - np.repeat(starts, np.diff(np.append(starts, day.size))) + 1
    return pl.select(pl.concat_str([
        pl.lit(prefix), to_date(day).dt.strftime("%Y%m%d"),
        pl.Series(seq).cast(pl.String).str.zfill(width)])).to_series()


def person_ids(world: World, pidx: np.ndarray) -> pl.Series:
    """True person_id strings; -1 gives null."""
    ids = world.people["person_id"]
    valid = pidx >= 0
    out = pl.Series("person_id", [None] * pidx.size, dtype=pl.String)
    if valid.any():
        out = out.scatter(np.flatnonzero(valid), ids.gather(pidx[valid]))
    return out


def vins(world: World, vidx: np.ndarray) -> pl.Series:
    ids = world.vehicles["vin"]
    out = pl.Series("vin", [None] * vidx.size, dtype=pl.String)
    valid = vidx >= 0
    if valid.any():
        out = out.scatter(np.flatnonzero(valid), ids.gather(vidx[valid]))
    return out


def _write(frame: pl.DataFrame, numeric: dict[str, np.ndarray], path: Path, part: FilePart,
           written: int) -> int:
    """Write one file (or append a chunk); return the row number (1-based, as a reader sees
    it) of its first data row (or object index for JSON). ``written`` = data rows already
    in the file."""
    if part.fmt == "csv":
        write_csv(frame, path, part.encoding, part.append)
        return 2 + written
    if part.fmt == "xlsx":
        write_xlsx(frame, path, numeric, part.title, part.trailing_empty)
        return 3 if part.title else 2
    if part.fmt == "json":
        write_json_array(frame, path)
    else:
        write_jsonl(frame, path, part.append)
    return 1 + written


def emit(out_dir: Path, out: Output, written: dict[str, int] | None = None
         ) -> tuple[pl.DataFrame, dict[str, int]]:
    """Write the file(s) of one output (with exact duplicates injected); return the truth
    records and the number of data rows written per file. ``written`` holds the rows already
    in files that chunks append to."""
    columns = feed_columns(out.source, out.feed)
    n = out.person_id.len()
    frame = pl.DataFrame([
        (out.fields[f] if f in out.fields else pl.Series([None] * n, dtype=pl.String))
        .alias(header) for header, f in columns.items()])
    out.fields.clear()  # the frame holds the data now; free the parts early
    order = out.defects.duplicates()
    frame = frame[order]
    part = np.zeros(order.size, np.int64) if out.part is None else out.part[order]
    numeric = {h: out.defects.numeric[f] for h, f in columns.items() if f in out.defects.numeric}
    bounds = np.searchsorted(part, np.arange(len(out.files) + 1))
    rows = np.empty(order.size, dtype=np.int64)
    counts = {}
    for i, fp in enumerate(out.files):
        a, b = int(bounds[i]), int(bounds[i + 1])
        done = (written or {}).get(fp.rel, 0) if fp.append else 0
        first = _write(frame.slice(a, b - a), {k: v[a:b] for k, v in numeric.items()},
                       out_dir / fp.rel, fp, done)
        rows[a:b] = np.arange(first, first + b - a)
        counts[fp.rel] = b - a
    header = {f: h for h, f in columns.items()}
    keys = [header[f] for f in feed_key(out.source, out.feed) if f in header]
    key = frame.select(pl.concat_str([pl.col(h).cast(pl.String).fill_null("") for h in keys],
                                     separator="|")).to_series()
    records = pl.DataFrame({
        "source": out.source, "feed": out.feed,
        "file": pl.Series([fp.rel for fp in out.files], dtype=pl.String).gather(part),
        "row": rows, "key": key,
        "person_id": out.person_id.gather(order), "vin": out.vin.gather(order),
        "defects": out.defects.row_codes(),
    }, schema=RECORD_SCHEMA)
    return records, counts


def day_chunks(day: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Split rows sorted by ``day`` into ranges of about ``size`` rows at day boundaries."""
    bounds = [0]
    while bounds[-1] + size < day.size:
        cut = int(np.searchsorted(day, day[bounds[-1] + size], side="left"))
        if cut <= bounds[-1]:
            cut = int(np.searchsorted(day, day[bounds[-1] + size], side="right"))
        bounds.append(cut)
    bounds.append(day.size)
    return [(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a or a == 0]


def _period_lookup(periods: pl.DataFrame, vidx: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Row of ``periods`` (sorted by vidx, start) in force for each (vidx, day)."""
    base = 1 << 21
    keys = periods["vidx"].to_numpy().astype(np.int64) * base + periods["start"].to_numpy() \
        + base // 2
    q = vidx.astype(np.int64) * base + np.asarray(day).astype(np.int64) + base // 2
    row = np.searchsorted(keys, q, side="right") - 1
    first = np.searchsorted(keys, vidx.astype(np.int64) * base, side="left")
    return np.maximum(row, first)


def owner_at(world: World, vidx: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The person owning each vehicle on ``day``."""
    return world.owners["pidx"].to_numpy()[_period_lookup(world.owners, vidx, day)]


def service_at(world: World, vidx: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dealer, person) servicing / owning each vehicle on ``day``."""
    row = _period_lookup(world.service, vidx, day)
    return world.service["dealer"].to_numpy()[row], world.service["pidx"].to_numpy()[row]


def add_months(day: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """Same day of month ``months`` later (day clamped to 28), as days since epoch."""
    d = np.asarray(day).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype(np.int64)
    out = (m + np.asarray(months)).astype("datetime64[D]") + np.minimum(dom, 27)
    return out.astype(np.int64)


def masked(values: np.ndarray | pl.Series, keep: np.ndarray) -> pl.Series:
    """``values`` with nulls where ``keep`` is False."""
    s = values if isinstance(values, pl.Series) else pl.Series(values)
    return pl.select(pl.when(pl.Series(keep)).then(s)).to_series()

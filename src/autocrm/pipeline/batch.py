"""The batch run: extract → clean → match → merge → publish, all or nothing."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone

from autocrm.core import audit, bulk
from autocrm.core.errors import InputError
from autocrm.core.frames import assign
from autocrm.pipeline import nicknames, publish, store
from autocrm.pipeline.extract import Extracted, clean_all, read_mapped
from autocrm.pipeline.finish import finish_loads, propose_merges, record_failure, write_evidence
from autocrm.pipeline.identify import identify
from autocrm.pipeline.profiles import link_vehicle_records, lookup, rebuild_customers
from autocrm.sources.config import get_source
from autocrm.sources.models import Load
from autocrm.vehicles import build as vehicle_build
from autocrm.vehicles.models import VEHICLE_FIELDS

# The tables a batch writes in bulk, whose indexes a large batch builds once at the end.
BULK_TABLES = (
    "sources_sourcerecord", "sources_identitykey", "interactions_interaction",
    "vehicles_repairorder", "vehicles_vehicle", "vehicles_ownership", "customers_customer",
    "customers_customerdealer", "identity_matchevidence", "quality_issue",
)
Progress = Callable[[str, int, int], None]


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    source: str
    feed: str = ""
    status: str = "loaded"  # loaded | skipped | failed
    load_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_unchanged: int = 0  # sent again as stored: the earlier record stays
    rows_rejected: int = 0
    rows_with_issues: int = 0
    duplicates: int = 0
    error: str = ""
    notice: dict[str, object] = field(default_factory=dict)


@dataclass
class BatchReport:
    """What a batch did, per file and in total, with per-stage seconds."""

    batch: str
    files: list[FileReport] = field(default_factory=list)
    records: int = 0
    customers_new: int = 0
    customers_touched: int = 0
    held: int = 0
    merges: int = 0
    vehicles: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)  # peak MiB after each stage


def _noop(stage: str, done: int, total: int) -> None:
    return None


# Small files are read two at a time: Polars and numpy do most of a file's reading outside
# the GIL, and two threads read a day's 131 small files in 1.8 s instead of 2.9. Large ones
# one at a time in the load's own thread: Polars parallelises a large file itself, and what a
# worker thread reads sits in another allocator arena (a million-customer load peaked at
# 10.1 GiB so, 9.6 GiB read in its own thread).
READERS = 2
SMALL_BATCH_BYTES = 256 * 2**20  # files together, on disk


def _read(code: str, path: Path) -> Extracted | InputError:
    try:
        return read_mapped(get_source(code), path)
    except InputError as exc:
        return exc


def _read_all(files: list[tuple[str, Path]]) -> Iterator[Extracted | InputError]:
    """Read and map every file, in order: what it holds, or why it cannot load."""
    if sum(p.stat().st_size for _, p in files if p.is_file()) > SMALL_BATCH_BYTES:
        yield from (_read(code, path) for code, path in files)
        return
    with ThreadPoolExecutor(READERS) as pool:
        yield from pool.map(_read, *zip(*files, strict=True)) if files else ()


def _extract_all(
    files: list[tuple[str, Path]], today: dt.date, report: BatchReport, progress: Progress
) -> list[Extracted]:
    done_hashes = set(Load.objects.filter(status=Load.Status.DONE).values_list("source", "sha256"))
    out: list[Extracted] = []
    for i, ((code, path), ex) in enumerate(zip(files, _read_all(files), strict=True)):
        progress("extract", i, len(files))
        rep = FileReport(str(path), code.upper())
        report.files.append(rep)
        if isinstance(ex, InputError):
            rep.status, rep.error = "failed", ex.message
            continue
        _keep(ex, rep, done_hashes, out)
    clean_all(out, today)
    progress("extract", len(files), len(files))
    return out


def _keep(ex: Extracted, rep: FileReport, done_hashes: set[tuple[str, str]],
          out: list[Extracted]) -> None:
    """Report a file read; keep it for the batch unless the store has its bytes already."""
    rep.feed, rep.rows_read = ex.feed.kind, ex.rows_read
    if ex.diff:
        rep.notice = {"added": ex.diff.added, "missing": ex.diff.missing,
                      "renamed": ex.diff.renamed}
    if (ex.source.code, ex.sha256) in done_hashes:
        rep.status = "skipped"
        return
    done_hashes.add((ex.source.code, ex.sha256))
    out.append(ex)


def _create_loads(batch: str, extracted: list[Extracted]) -> list[tuple[Extracted, int]]:
    now = timezone.now()
    pairs = []
    for ex in extracted:
        load = Load.objects.create(
            batch=batch, source=ex.source.code, feed=ex.feed.kind, file_name=ex.path.name,
            sha256=ex.sha256, dealer_code=ex.dealer_code, encoding=ex.encoding,
            status=Load.Status.DONE, started_at=now, rows_read=ex.rows_read,
        )
        pairs.append((ex, load.id))
    return pairs


def run(
    files: list[tuple[str, Path]],
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
    actor: object = None,
) -> BatchReport:
    """Load files of any sources as one batch; a file that cannot load is reported, not fatal."""
    progress = progress or _noop
    today = today or dt.date.today()
    report = BatchReport(batch=uuid.uuid4().hex[:12])
    t0 = time.perf_counter()
    extracted = _extract_all(files, today, report, progress)
    _timed(report, "extract+clean", t0)
    with transaction.atomic():
        bulk.lock_for_load()
        for rep in report.files:
            if rep.status == "failed":
                record_failure(report.batch, rep)
        large = _publish_all(report, extracted, progress) if extracted else False
        audit.record("load", "batch", report.batch, actor=actor,
                     files=len(files), records=report.records)
        _pause_before_commit()
    if large:  # rows this load wrote, read once by VACUUM, not page by page by readers
        t = time.perf_counter()
        bulk.vacuum(BULK_TABLES)
        _timed(report, "vacuum", t)
    return report


def _publish_all(report: BatchReport, extracted: list[Extracted], progress: Progress) -> bool:
    """Publish; return whether the batch was `large` (it at least doubles the store): such a
    batch builds the big tables' indexes last and trains the matching model."""
    rows = sum(ex.frame.height for ex in extracted)
    if rows <= bulk.next_id("sources_sourcerecord") - 1:
        _publish(report, extracted, progress, large=False)
        return False
    with bulk.indexes_deferred(BULK_TABLES):
        _publish(report, extracted, progress, large=True)
        progress("indexes", 0, 1)
        t = time.perf_counter()
    _timed(report, "indexes", t)
    progress("indexes", 1, 1)
    return True


def _pause_before_commit() -> None:
    """Hold the open transaction when AUTOCRM_PAUSE_BEFORE_COMMIT is set (crash tests only)."""
    seconds = float(os.environ.get("AUTOCRM_PAUSE_BEFORE_COMMIT", "0"))
    if seconds:
        print("AUTOCRM: pausing before commit", file=sys.stderr, flush=True)
        time.sleep(seconds)


def peak_memory_mib() -> float:
    """Return this process's peak resident memory so far, in MiB (Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


def _timed(report: BatchReport, stage: str, start: float) -> float:
    now = time.perf_counter()
    report.stages[stage] = report.stages.get(stage, 0.0) + now - start
    report.memory[stage] = peak_memory_mib()
    return now


def _publish(
    report: BatchReport, extracted: list[Extracted], progress: Progress, *, large: bool
) -> None:
    """Match, merge and write a batch; a `large` one also trains the matching model afresh."""
    from autocrm.pipeline.records import build_records

    t = time.perf_counter()
    pairs = _create_loads(report.batch, extracted)
    records = build_records(pairs, bulk.next_id("sources_sourcerecord"))
    for ex in extracted:
        ex.frame = ex.frame.clear()  # the rows live on in `records`; free the copies
    records, old, unchanged = publish.supersede(records)
    t = _timed(report, "prepare", t)
    progress("match", 0, 1)
    ident = identify(records, old, bulk.next_id("customers_customer"), train=large)
    records = assign(records, lookup(
        "record_id", ident.customers["record_id"], ident.customers["customer_id"]
    ).alias("customer_id"))
    records = nicknames.link_posts(link_vehicle_records(records))
    write_evidence(ident, records)
    t = _timed(report, "match", t)
    progress("merge", 0, 1)
    affected = set(records["customer_id"].drop_nulls().to_list())
    affected |= set(old["customer_id"].drop_nulls().to_list())
    records, held, profile = rebuild_customers(records, affected, set(ident.new_customers),
                                               ident.stored)
    t = _timed(report, "merge", t)
    progress("publish", 0, 1)
    # Only the cars that owner rows name (new or retired) are rebuilt, from all their owner
    # records; the others the batch refers to (repairs, calls) only need their ids.
    rebuilt = vehicle_build.owner_vins(records, old)
    stored = (
        store.fetch("vin", rebuilt, feeds=vehicle_build.OWNER_FEEDS, fields=VEHICLE_FIELDS)
        if bulk.exists("SELECT 1 FROM sources_sourcerecord WHERE vin IS NOT NULL")
        else pl.DataFrame()
    )
    vehicle_records = pl.concat([records, stored], how="diagonal_relaxed") if stored.height \
        else records
    publish.write_records(records)
    publish.write_keys(records)
    vehicles = vehicle_build.write(vehicle_records, rebuilt,
                                   set(records["vin"].drop_nulls().to_list()))
    vehicle_ids = vehicles.ids
    labels = {(ex.source.code, ex.feed.kind): ex.feed.label for ex, _ in pairs}
    publish.write_interactions(records, labels)
    publish.write_repairs(records, vehicle_ids)
    serviced = vehicles.moved | publish.repair_owners(records, old, vehicle_ids)
    # Bought, DMS and club links come from those feeds' records, which `profile` holds for
    # every customer the batch affects; only customers whose such records came or went change.
    publish.write_dealer_links(profile, publish.dealer_customers(records, old), serviced)
    propose_merges(ident, records)
    counts = finish_loads(pairs, records, unchanged)
    _timed(report, "publish", t)
    report.records = records.height
    report.customers_new = len(ident.new_customers)
    report.customers_touched = len(affected)
    report.held, report.merges = held, ident.merges.height
    report.vehicles = len(vehicle_ids)
    for rep in report.files:
        match = next((lid for ex, lid in pairs if str(ex.path) == rep.path), None)
        if match is not None and rep.status == "loaded":
            rep.load_id = match
            rep.rows_loaded = counts[match]["rows_loaded"]
            rep.rows_rejected = counts[match]["rows_rejected"]
            rep.rows_with_issues = counts[match]["rows_with_issues"]
            rep.duplicates = counts[match]["rows_duplicate"]
            rep.rows_unchanged = counts[match]["rows_unchanged"]
    progress("publish", 1, 1)

"""The batch run as named stages over one batch object, all or nothing.

Files (or rows sent by a service) are read and cleaned outside the transaction; the load
lock is then taken and the rest runs in one transaction: prepare → supersede → match → link →
merge → publish → each domain's derive step → finish. Every stage is timed and reported by
one wrapper. A new domain adds its derive step to `DERIVE` (leads from sign-ups, complaints
from calls, points from invoices), nowhere else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext

from autocrm.accounts.actor import SYSTEM, Actor
from autocrm.core import audit, bulk, locks
from autocrm.core.errors import InputError
from autocrm.core.frames import assign
from autocrm.customers import dealer_links, golden, search_terms
from autocrm.customers.models import Customer, CustomerDealer, SearchTerm
from autocrm.identity.models import MatchEvidence
from autocrm.interactions import services as timeline
from autocrm.interactions.models import Interaction
from autocrm.leads import key_accounts
from autocrm.leads import services as leads
from autocrm.pipeline import finish, link, merge, publish
from autocrm.pipeline.extract import (
    Extracted,
    clean_all,
    dealer_from_path,
    from_rows,
    read_mapped,
)
from autocrm.pipeline.identify import Identified, identify
from autocrm.pipeline.records import build_records
from autocrm.quality.models import Issue
from autocrm.sources import loads, record_store
from autocrm.sources.config import entity_feeds, get_source, is_feed
from autocrm.sources.models import IdentityKey, SourceRecord
from autocrm.vehicles import repairs
from autocrm.vehicles.models import Ownership, RepairOrder, Vehicle

# The tables a batch writes in bulk, whose indexes a large batch builds once at the end.
BULK_TABLES = tuple(m._meta.db_table for m in (
    SourceRecord, IdentityKey, Interaction, RepairOrder, Vehicle, Ownership, Customer,
    CustomerDealer, MatchEvidence, Issue, SearchTerm,
))
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
    leads: dict[str, int] = field(default_factory=dict)  # new, existing (customer), merged


def _noop(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class Batch:
    """One batch as it goes through the stages: each stage reads and sets some of these."""

    report: BatchReport
    today: dt.date
    actor: Actor = SYSTEM
    progress: Progress = _noop
    extracted: list[Extracted] = field(default_factory=list)
    large: bool = False  # at least doubles the store: indexes built last, model trained
    pairs: list[tuple[Extracted, int]] = field(default_factory=list)  # file, its load id
    records: pl.DataFrame = field(default_factory=pl.DataFrame)
    old: pl.DataFrame = field(default_factory=pl.DataFrame)  # stored versions replaced
    unchanged: dict[int, int] = field(default_factory=dict)  # load id -> rows sent again
    ident: Identified | None = None
    affected: set[int] = field(default_factory=set)  # customers whose golden rows may change
    profile: pl.DataFrame = field(default_factory=pl.DataFrame)  # their person records
    vehicle_ids: dict[str, int] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)  # customers whose ownership periods changed
    lead_of: dict[int, int] = field(default_factory=dict)  # record id -> its lead

    @property
    def identified(self) -> Identified:
        assert self.ident is not None, "the match stage has not run"
        return self.ident


Stage = tuple[str, Callable[[Batch], None]]

# Small files are read two at a time: Polars and numpy do most of a file's reading outside
# the GIL. Large ones one at a time in the load's own thread: Polars parallelises a large
# file itself, and what a worker thread reads sits in another allocator arena.
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


def read(batch: Batch, files: list[tuple[str, Path]]) -> None:
    """Read and map the files; skip those whose bytes the store holds already."""
    done = loads.done_hashes()
    for i, ((code, path), ex) in enumerate(zip(files, _read_all(files), strict=True)):
        batch.progress("read", i, len(files))
        rep = FileReport(str(path), code.upper())
        batch.report.files.append(rep)
        if isinstance(ex, InputError):
            rep.status, rep.error = "failed", ex.message
            continue
        _keep(batch, ex, rep, done)
    batch.progress("read", len(files), len(files))


def _keep(batch: Batch, ex: Extracted, rep: FileReport, done: set[tuple[str, str]]) -> None:
    """Report a file read; keep it for the batch unless the store has its bytes already."""
    rep.feed, rep.rows_read = ex.feed.kind, ex.rows_read
    if ex.diff:
        rep.notice = {"added": ex.diff.added, "missing": ex.diff.missing,
                      "renamed": ex.diff.renamed}
    if (ex.source.code, ex.sha256) in done:
        rep.status = "skipped"
        return
    done.add((ex.source.code, ex.sha256))
    batch.extracted.append(ex)


def clean(batch: Batch) -> None:
    """Clean every kept file's rows with the quality rules."""
    clean_all(batch.extracted, batch.today)


def prepare(batch: Batch) -> None:
    """Open a load per file and turn the files into one frame of source records.

    The store is asked again, under the load lock, which files it holds: one that a load
    running at the same time stored after this batch read it is skipped now.
    """
    done = loads.done_hashes()
    kept = []
    for ex in batch.extracted:
        if (ex.source.code, ex.sha256) in done:
            _report_of(batch, ex).status = "skipped"
        else:
            kept.append(ex)
    batch.extracted = kept
    batch.pairs = [(ex, loads.start(
        batch.report.batch, source=ex.source.code, feed=ex.feed.kind, file_name=ex.path.name,
        sha256=ex.sha256, dealer_code=ex.dealer_code, encoding=ex.encoding,
        rows_read=ex.rows_read,
    )) for ex in kept]
    batch.records = build_records(batch.pairs, record_store.next_id())
    for ex in kept:
        ex.frame = ex.frame.clear()  # the rows live on in `records`; free the copies


def _report_of(batch: Batch, ex: Extracted) -> FileReport:
    return next(r for r in batch.report.files if r.path == str(ex.path))


def supersede(batch: Batch) -> None:
    """Retire the stored versions of the batch's rows and what was derived from them."""
    batch.records, batch.old, batch.unchanged = record_store.supersede(
        batch.records, entity_feeds("repair"), link.owner_found(batch.records))
    ids = batch.old["id"].to_list()
    timeline.retire_records(ids)
    repairs.retire_records(ids)


def match(batch: Batch) -> None:
    """Give every identity record its customer; store the evidence of each link."""
    batch.ident = identify(batch.records, batch.old, golden.next_id(), train=batch.large)
    customers = batch.ident.customers
    batch.records = assign(batch.records, link.lookup(
        "record_id", customers["record_id"], customers["customer_id"]
    ).alias("customer_id"))


def link_records(batch: Batch) -> None:
    """Give records without identity (cars, posts) their customer; store the match evidence."""
    batch.records = link.link(batch.records)
    finish.write_evidence(batch.identified, batch.records)


def merge_customers(batch: Batch) -> None:
    """Rebuild the golden rows of the customers the batch affects."""
    records, old = batch.records, batch.old
    batch.affected = set(records["customer_id"].drop_nulls().to_list())
    batch.affected |= set(old["customer_id"].drop_nulls().to_list())
    batch.records, held, batch.profile = merge.rebuild_customers(
        records, batch.affected, set(batch.identified.new_customers), batch.identified.stored)
    batch.report.held = held


def publish_records(batch: Batch) -> None:
    """Write the source records, their identity keys and the vehicles they name."""
    rebuilt, owners = publish.owner_records(batch.records, batch.old)
    publish.write_records(batch.records)
    publish.write_keys(batch.records)
    written = publish.write_vehicles(batch.records, rebuilt, owners)
    batch.vehicle_ids, batch.moved = written.ids, written.moved


def derive_timeline(batch: Batch) -> None:
    """Put the batch's event records on the contact timeline."""
    labels = {(ex.source.code, ex.feed.kind): ex.feed.label for ex, _ in batch.pairs}
    timeline.add_record_events(batch.records, labels)


def derive_repairs(batch: Batch) -> None:
    """Write the batch's repair orders of known cars."""
    repairs.write(batch.records, batch.vehicle_ids)


def derive_dealer_links(batch: Batch) -> None:
    """Recompute the dealer relations the batch can change.

    Record relations come from those feeds' records, which `profile` holds for every customer
    the batch affects; only customers whose such records came or went change. Serviced
    relations are recounted for the owners of cars whose repairs or owners changed.
    """
    orders = is_feed(entity_feeds("repair"))
    vins = {v for frame in (batch.records, batch.old) if frame.height
            for v in frame.filter(orders)["vin"].drop_nulls().to_list()}
    owners = repairs.owners([batch.vehicle_ids[v] for v in vins if v in batch.vehicle_ids])
    dealer_links.write(batch.profile, dealer_links.customers_of(batch.records, batch.old),
                       batch.moved | owners)


def derive_search(batch: Batch) -> None:
    """Rebuild the search terms of the customers whose golden rows or cars the batch changed."""
    owners = repairs.owners(batch.vehicle_ids.values()) if batch.vehicle_ids else set()
    search_terms.refresh(batch.affected | batch.moved | owners)


def derive_leads(batch: Batch) -> None:
    """Make the batch's lead records (lists, API rows, sign-ups naming a model, pre-sales
    calls) leads, one open lead per customer."""
    derived = leads.from_records(batch.records, batch.identified.new_customers, batch.actor)
    batch.lead_of = derived.lead_of
    won = leads.close_won(batch.records)
    batch.report.leads = {"new": derived.new, "existing": derived.existing,
                          "merged": derived.merged, "won": won}


def derive_key_accounts(batch: Batch) -> None:
    """Keep the key accounts (companies, owners of several cars) of the batch's customers."""
    owners = repairs.owners(batch.vehicle_ids.values()) if batch.vehicle_ids else set()
    key_accounts.refresh(batch.affected | batch.moved | owners)


def finish_batch(batch: Batch) -> None:
    """Propose merges, write issues and notices, close the loads and fill the report."""
    finish.propose_merges(batch.identified, batch.records)
    counts = finish.finish_loads(batch.pairs, batch.records, batch.unchanged)
    report = batch.report
    report.records = batch.records.height
    report.customers_new = len(batch.identified.new_customers)
    report.customers_touched = len(batch.affected)
    report.merges = batch.identified.merges.height
    report.vehicles = len(batch.vehicle_ids)
    for ex, load_id in batch.pairs:
        rep = _report_of(batch, ex)
        if rep.status == "loaded":
            rep.load_id = load_id
            c = counts[load_id]
            rep.rows_loaded, rep.rows_rejected = c["rows_loaded"], c["rows_rejected"]
            rep.rows_with_issues, rep.duplicates = c["rows_with_issues"], c["rows_duplicate"]
            rep.rows_unchanged = c["rows_unchanged"]


# The domains' derive steps, in order; each reads what publish wrote.
DERIVE: list[Stage] = [
    ("timeline", derive_timeline),
    ("repairs", derive_repairs),
    ("dealer_links", derive_dealer_links),
    ("search", derive_search),
    ("leads", derive_leads),
    ("key_accounts", derive_key_accounts),
]
STAGES: list[Stage] = [
    ("prepare", prepare), ("supersede", supersede), ("match", match), ("link", link_records),
    ("merge", merge_customers), ("publish", publish_records), *DERIVE, ("finish", finish_batch),
]


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


def run_stages(batch: Batch, stages: Sequence[Stage]) -> None:
    """Run stages in order, each timed, its peak memory kept, its progress shown."""
    for name, step in stages:
        batch.progress(name, 0, 1)
        start = time.perf_counter()
        step(batch)
        _timed(batch.report, name, start)
        batch.progress(name, 1, 1)


def run(
    files: list[tuple[str, Path]], *, today: dt.date | None = None,
    progress: Progress | None = None, actor: Actor = SYSTEM,
) -> BatchReport:
    """Load files of any sources as one batch; a file that cannot load is reported, not fatal.

    An unknown source code is refused before anything is read or written.
    """
    for code in {code for code, _ in files}:
        get_source(code)
    batch = Batch(BatchReport(batch=uuid.uuid4().hex[:12]), today or dt.date.today(), actor,
                  progress or _noop)
    start = time.perf_counter()
    read(batch, files)
    _timed(batch.report, "read", start)
    run_stages(batch, [("clean", clean)])
    _commit(batch, files=len(files))
    return batch.report


def run_rows(source: str, feed: str, rows: Sequence[dict[str, Any]], actor: Actor, *,
             today: dt.date | None = None, name: str = "") -> BatchReport:
    """Load rows a service or client sends (keyed by the feed's headers or its field names)
    through the same mapping, cleaning, matching and publishing as a file.

    The rows are one load of their own, named `name` (by default after the source and feed),
    and become source records like a file's: golden values are rebuilt only from records.
    The same rows sent again are skipped like a file sent again.
    """
    src = get_source(source)
    if feed not in src.feeds:
        known = ", ".join(sorted(src.feeds))
        raise InputError(gettext("the source system %(source)s has no feed %(feed)r (known: "
                                 "%(known)s)") % {"source": src.code, "feed": feed, "known": known},
                         code="unknown_feed")
    body = json.dumps([src.code, feed, list(rows)], ensure_ascii=False, sort_keys=True,
                      default=str)
    label = name or f"{src.code}-{feed}-rows"
    ex = from_rows(src, src.feeds[feed], rows, label, hashlib.sha256(body.encode()).hexdigest())
    batch = Batch(BatchReport(batch=uuid.uuid4().hex[:12]), today or dt.date.today(), actor)
    rep = FileReport(label, src.code)
    batch.report.files.append(rep)
    _keep(batch, ex, rep, loads.done_hashes())
    run_stages(batch, [("clean", clean)])
    _commit(batch, files=1)
    return batch.report


def _commit(batch: Batch, *, files: int) -> None:
    """Take the load lock and run the stages in one transaction; vacuum after a large one."""
    report = batch.report
    with locks.load_transaction(lambda queued: batch.progress("wait", 0 if queued else 1, 1)):
        for rep in report.files:
            if rep.status == "failed":
                path = Path(rep.path)
                rep.load_id = loads.failed(report.batch, source=rep.source, feed=rep.feed,
                                           file_name=path.name, error=rep.error,
                                           dealer_code=dealer_from_path(path))
        if batch.extracted:
            _publish(batch)
        audit.record("load", "batch", report.batch, actor=batch.actor.user,
                     files=files, records=report.records)
        _pause_before_commit()
    audit.drain()  # reads logged while this load held the database
    if batch.large:  # rows this load wrote, read once by VACUUM, not page by page by readers
        start = time.perf_counter()
        bulk.vacuum(BULK_TABLES)
        _timed(report, "vacuum", start)


def _publish(batch: Batch) -> None:
    """Run the stages; a batch that at least doubles the store builds the big tables'
    indexes last and trains the matching model afresh. A batch whose files another load
    stored meanwhile (all skipped in `prepare`) stops there."""
    run_stages(batch, STAGES[:1])
    if not batch.pairs:
        return
    batch.large = batch.records.height > record_store.next_id() - 1
    if not batch.large:
        run_stages(batch, STAGES[1:])
        return
    with bulk.indexes_deferred(BULK_TABLES):
        run_stages(batch, STAGES[1:])
        batch.progress("indexes", 0, 1)
        start = time.perf_counter()
    _timed(batch.report, "indexes", start)
    batch.progress("indexes", 1, 1)


def _pause_before_commit() -> None:
    """Hold the open transaction when AUTOCRM_PAUSE_BEFORE_COMMIT is set (crash tests only)."""
    seconds = float(os.environ.get("AUTOCRM_PAUSE_BEFORE_COMMIT", "0"))
    if seconds:
        print("AUTOCRM: pausing before commit", file=sys.stderr, flush=True)
        time.sleep(seconds)

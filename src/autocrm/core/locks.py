"""Who waits for whom: loads queue behind one another and say so; readers never wait on a load.

On SQLite one writer holds the database from its first write to its commit (a load: the whole
load), so a reader's small write (an audit row, a token's last use) must not queue behind it;
see `without_waiting`. On PostgreSQL rows are locked, not the database, and loads queue on an
advisory lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import OperationalError, connection, transaction

LOAD_LOCK = 7261001
# A load waits for the one before it however long it takes (an hour at most on SQLite).
LOAD_WAIT_MS = 3_600_000
# A reader's own small write waits this long for a writer, then takes its other way.
READER_WAIT_MS = 100
DEFAULT_WAIT_MS = 30_000

T = TypeVar("T")


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@contextmanager
def busy_timeout(ms: int) -> Iterator[None]:
    """Let SQLite statements of this connection wait `ms` for the writer, then restore."""
    if not is_sqlite():
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(ms)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {DEFAULT_WAIT_MS}")


def writer_busy() -> bool:
    """Return True when another connection holds SQLite's write lock (always False elsewhere)."""
    if not is_sqlite() or connection.in_atomic_block:
        return False
    with busy_timeout(0), connection.cursor() as cursor:
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except (OperationalError, sqlite3.OperationalError) as exc:
            if _is_locked(exc):
                return True
            raise
        cursor.execute("ROLLBACK")
    return False


def without_waiting(write: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a reader's small write unless SQLite's writer holds the lock past READER_WAIT_MS.

    Return (True, result) when it ran, (False, None) when the database was held; inside a
    transaction (which already holds the lock) it simply runs.
    """
    if not is_sqlite() or connection.in_atomic_block:
        return True, write()
    try:
        with busy_timeout(READER_WAIT_MS):
            return True, write()
    except (OperationalError, sqlite3.OperationalError) as exc:
        if _is_locked(exc):
            return False, None
        raise


@contextmanager
def load_transaction(waiting: Callable[[bool], None]) -> Iterator[None]:
    """One transaction holding the load lock; loads run one after another.

    `waiting(True)` is called when another load holds the lock and this one queues behind it,
    `waiting(False)` when the lock is taken after such a wait.
    """
    if not is_sqlite():
        with transaction.atomic():
            queued = not _try_pg_lock()
            if queued:
                waiting(True)
            lock_for_load()
            if queued:
                waiting(False)
            yield
        return
    queued = writer_busy()
    if queued:
        waiting(True)
    with busy_timeout(LOAD_WAIT_MS), transaction.atomic():
        if queued:
            waiting(False)
        yield


def _try_pg_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOAD_LOCK])
        return bool(cursor.fetchone()[0])


def lock_for_load() -> None:
    """Serialise loads: SQLite's IMMEDIATE transaction already does; take a lock on PostgreSQL.

    A load looks up tens of thousands of keys in tables of millions of rows. At PostgreSQL's
    default random_page_cost (4, made for spinning disks) the planner scans whole tables
    instead of a few index scans. 1.1 is the usual value for SSDs and a cached database. Merge joins
    are off for the same reason: where a column follows the table's order (VINs of records
    written in customer order), the planner chose to walk its whole index in step with the
    sorted keys, far slower than looking the keys up in the index.
    """
    if is_sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK])
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        cursor.execute("SET LOCAL enable_mergejoin = off")

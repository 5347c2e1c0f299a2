"""Write audit entries; every service that changes state calls `record` in its transaction,
every read of personal data calls `record_access`.

A read must never wait on a load. On SQLite a load holds the database's one write lock until it
commits, so an access entry that cannot be written within a moment is appended to a spool file
beside the database (one JSON line, flushed to disk) and moved into the log by the next access
entry that gets through, by every load when it commits and before the log is read. Nothing is
lost and nothing waits; on PostgreSQL the entry is always written at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from autocrm.core import bulk, locks
from autocrm.core.models import AuditEntry

COLUMNS = ["at", "actor_id", "action", "object_type", "object_id", "customer_id", "detail"]


def record(
    action: str,
    obj_type: str,
    obj_id: object,
    *,
    actor: Any = None,
    customer_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Append one audit entry."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        customer_id=customer_id,
        detail=detail,
    )


def record_access(
    action: str,
    obj_type: str,
    obj_id: object,
    *,
    actor: Any = None,
    customer_id: int | None = None,
    **detail: Any,
) -> None:
    """Append one entry for a read (view, reveal, export) without waiting on a load."""
    if not locks.is_sqlite():
        record(action, obj_type, obj_id, actor=actor, customer_id=customer_id, **detail)
        return
    user = actor if getattr(actor, "is_authenticated", False) else None

    def write() -> None:
        if not _spooled():
            record(action, obj_type, obj_id, actor=user, customer_id=customer_id, **detail)
            return
        with transaction.atomic():
            record(action, obj_type, obj_id, actor=user, customer_id=customer_id, **detail)
            _write_spooled()

    written, _ = locks.without_waiting(write)
    if not written:
        row = [timezone.now().isoformat(), user.pk if user else None, action, obj_type,
               str(obj_id), customer_id, detail]
        with _spool() as spool:
            spool.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            spool.flush()
            os.fsync(spool.fileno())


def drain() -> int:
    """Move spooled access entries into the log (when the database is free); return how many."""
    if not locks.is_sqlite() or not _spooled():
        return 0
    written, count = locks.without_waiting(_write_spooled)
    return count if written and count else 0


def _write_spooled() -> int:
    """Write every spooled entry, with its own time, in one transaction; empty the spool."""
    with _spool() as spool, transaction.atomic():
        spool.seek(0)
        rows = [json.loads(line) for line in spool if line.strip()]
        bulk.insert_rows("core_auditentry", COLUMNS, (_typed(r) for r in rows))
        spool.truncate(0)
        return len(rows)


def _typed(row: list[Any]) -> list[Any]:
    return [dt.datetime.fromisoformat(row[0]), *row[1:]]


def _spooled() -> bool:
    path = _spool_path()
    return path.exists() and path.stat().st_size > 0


def _spool_path() -> Path:
    """The spool beside the SQLite file (so a test database never drains into the demo's)."""
    name = Path(str(connection.settings_dict["NAME"]))
    return name.with_name(name.name + ".audit-spool")


@contextmanager
def _spool() -> Iterator[IO[str]]:
    """The spool file, held exclusively (other processes append to it too)."""
    path = _spool_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as spool:
        fcntl.flock(spool, fcntl.LOCK_EX)
        try:
            yield spool
        finally:
            fcntl.flock(spool, fcntl.LOCK_UN)

"""The loads of a batch: one row per file, with its counts and interface-change notice."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from autocrm.sources.mapping import HeaderDiff
from autocrm.sources.models import InterfaceNotice, Load


def done_hashes() -> set[tuple[str, str]]:
    """Return (source, sha256) of every file the store has loaded."""
    return set(Load.objects.filter(status=Load.Status.DONE).values_list("source", "sha256"))


def start(batch: str, *, source: str, feed: str, file_name: str, sha256: str,
          dealer_code: str, encoding: str, rows_read: int) -> int:
    """Open the load of one file of a batch; return its id."""
    return Load.objects.create(
        batch=batch, source=source, feed=feed, file_name=file_name, sha256=sha256,
        dealer_code=dealer_code, encoding=encoding, status=Load.Status.DONE,
        started_at=timezone.now(), rows_read=rows_read,
    ).id


def failed(batch: str, *, source: str, feed: str, file_name: str, error: str,
           dealer_code: str = "") -> int:
    """Keep the load of a file that could not load at all (with its dealer, who must see
    it); return its id."""
    now = timezone.now()
    return Load.objects.create(
        batch=batch, source=source, feed=feed, file_name=file_name, sha256="",
        dealer_code=dealer_code,
        status=Load.Status.FAILED, error=error, started_at=now, finished_at=now,
    ).id


def notice(load_id: int, source: str, feed: str, file_name: str, diff: HeaderDiff) -> None:
    """Record that a file's columns differed from its feed's mapping."""
    if diff:
        InterfaceNotice.objects.create(
            load_id=load_id, source=source, feed=feed, file_name=file_name,
            added=diff.added, missing=diff.missing, renamed=diff.renamed,
        )


def finish(load_id: int, **counts: Any) -> None:
    """Close a load with its row counts."""
    Load.objects.filter(id=load_id).update(finished_at=timezone.now(), **counts)

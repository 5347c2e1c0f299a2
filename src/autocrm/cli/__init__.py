"""The `autocrm` command: one entry point for every job."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import django


@contextmanager
def _migrations_serialised() -> Iterator[None]:
    """Let one command at a time bring the schema up to date: two commands starting on a
    fresh store would both create its tables, and the second would crash."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(7261002)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(7261002)")
        return
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.DATA_DIR / "migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def setup() -> None:
    """Configure Django and bring the database schema up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    django.setup()
    from django.core.management import call_command

    with _migrations_serialised():
        call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    """Run the command line."""
    from autocrm.cli.app import app

    sys.exit(app())

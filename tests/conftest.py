"""Shared fixtures: real SQLite files or a real PostgreSQL server, chosen by DATABASE_URL."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

os.environ.setdefault("AUTOCRM_HOME", tempfile.mkdtemp(prefix="autocrm-test-"))


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Start every test in the default language (Chinese): a request in English leaves English
    active on its thread, which would leak into the next test's messages."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Yield the environment of a fresh, empty database of the backend under test."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["AUTOCRM_HOME"] = str(tmp_path / "home")
    if django_connection().vendor != "postgresql":
        yield env
        return
    params = django_connection().get_connection_params()
    name = f"crash_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(host=params["host"], user=params["user"], dbname="postgres",
                            autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = f"postgres://{params['user']}@{params['host'].replace('/', '%2F')}/{name}"
    yield env
    admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()



@pytest.fixture
def two_dealers(tmp_path: Path) -> dict[str, int]:
    """Load 张伟 (of D11001, also serviced at D11002) and 李娜 (of D11002); their ids."""
    from tests.factories import load_two_dealers

    return load_two_dealers(tmp_path)


def django_connection() -> Any:
    """Return Django's default connection (imported late, after settings are configured)."""
    from django.db import connection

    return connection

"""The store's settings: a SQLite store named by DATABASE_URL gets the default store's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHOW = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "autocrm.settings"
import django
django.setup()
from django.db import connection
from django.conf import settings
db = settings.DATABASES["default"]
with connection.cursor() as c:
    c.execute("PRAGMA journal_mode")
    mode = c.fetchone()[0]
    c.execute("PRAGMA busy_timeout")
    busy = c.fetchone()[0]
print(json.dumps([db["NAME"], db["OPTIONS"]["transaction_mode"], mode, busy]))
"""


def test_a_sqlite_url_gets_wal_immediate_transactions_and_a_busy_timeout(tmp_path: Path) -> None:
    env = {**os.environ, "AUTOCRM_HOME": str(tmp_path / "home"),
           "DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3"}
    out = subprocess.run([sys.executable, "-c", SHOW], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert json.loads(out) == [str(tmp_path / "other.sqlite3"), "IMMEDIATE", "wal", 30000]

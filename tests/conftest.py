"""Shared fixtures: real SQLite files or a real PostgreSQL server, chosen by DATABASE_URL."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("AUTOCRM_HOME", tempfile.mkdtemp(prefix="autocrm-test-"))

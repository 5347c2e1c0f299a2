#!/usr/bin/env bash
# Install autocrm with its test tools, then run the whole test suite on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[dev]'
.venv/bin/ruff check src tests bench scripts
.venv/bin/lint-imports
AUTOCRM_HOME=$(mktemp -d) .venv/bin/mypy src
pgdir=$(mktemp -d /tmp/autocrm-pg.XXXXXX)
chmod 755 "$pgdir"
trap 'bash scripts/pg.sh stop "$pgdir"' EXIT
url=$(bash scripts/pg.sh start "$pgdir")
echo "== tests on SQLite =="
.venv/bin/python -m pytest "$@"
echo "== tests on PostgreSQL =="
DATABASE_URL="$url" .venv/bin/python -m pytest "$@"

"""Two loads started at once on a fresh store: neither crashes, the file is loaded once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.factories import FIN_HEADER, fin_row, ric, scalar, vin, write_csv


def test_two_loads_of_one_file_at_once_load_it_once(tmp_path: Path,
                                                    fresh_db: dict[str, str]) -> None:
    rows = [fin_row(f"F{i:04d}", "张伟", ric(seq=f"{i:03d}"), f"1380000{i:04d}", vin(i))
            for i in range(1, 201)]
    path = write_csv(tmp_path / "fin.csv", FIN_HEADER, rows)
    cmd = [sys.executable, "-m", "autocrm.cli", "load", "FIN", str(path)]
    procs = [subprocess.Popen(cmd, env=fresh_db, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    assert scalar(fresh_db, "SELECT COUNT(*) FROM sources_load") == 1
    assert scalar(fresh_db, "SELECT COUNT(*) FROM sources_sourcerecord") == 200
    assert scalar(fresh_db, "SELECT COUNT(*) FROM customers_customer") == 200


READER = """
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
django.setup()
from autocrm.accounts.actor import SYSTEM
from autocrm.customers.services import view_customer
stop, customer = sys.argv[1], int(sys.argv[2])
waits, errors = [], []
print("ready", flush=True)
while not os.path.exists(stop):
    start = time.perf_counter()
    try:
        view_customer(customer, SYSTEM)
    except Exception as exc:
        errors.append(repr(exc))
    waits.append(time.perf_counter() - start)
    time.sleep(0.05)
print(json.dumps({"views": len(waits), "longest": max(waits), "errors": errors[:5]}))
"""


def test_a_reader_neither_fails_nor_waits_while_two_loads_run(tmp_path: Path,
                                                               fresh_db: dict[str, str]) -> None:
    first = write_csv(tmp_path / "fin1.csv", FIN_HEADER, [
        fin_row(f"F{i:04d}", "张伟", ric(seq=f"{i:03d}"), f"1380000{i:04d}", vin(i))
        for i in range(1, 401)])
    second = write_csv(tmp_path / "fin2.csv", FIN_HEADER, [
        fin_row(f"G{i:04d}", "李娜", ric(birth="19900101", seq=f"{i:03d}"), f"1390000{i:04d}",
                vin(1000 + i)) for i in range(1, 101)])
    cmd = [sys.executable, "-m", "autocrm.cli", "load", "FIN"]
    subprocess.run([*cmd, str(first)], env=fresh_db, check=True, capture_output=True)
    customer = scalar(fresh_db, "SELECT MIN(id) FROM customers_customer")
    views_before = scalar(fresh_db, "SELECT COUNT(*) FROM core_auditentry WHERE action = 'view'")
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(stop), str(customer)],
                              env=fresh_db, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"
    # each load holds the database 3 s before it commits, while the reader keeps reading
    held = {**fresh_db, "AUTOCRM_PAUSE_BEFORE_COMMIT": "3"}
    loads = [subprocess.Popen([*cmd, str(second)], env=held, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in loads]
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert [p.returncode for p in loads] == [0, 0], [e[-2000:] for _, e in outs]
    assert sum("等待另一个导入完成" in o for o, _ in outs) == 1, [o for o, _ in outs]
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["errors"] == [], err[-2000:]
    assert seen["longest"] < 1.0, seen
    assert seen["views"] >= 40, seen  # it read all through both loads (about 6 s)
    assert scalar(fresh_db, "SELECT COUNT(*) FROM sources_load") == 2
    assert scalar(fresh_db, "SELECT COUNT(*) FROM customers_customer") == 500
    # every view is in the audit log, those made while a load held the database included
    subprocess.run([sys.executable, "-c", DRAIN], env=fresh_db, check=True)
    assert scalar(fresh_db, "SELECT COUNT(*) FROM core_auditentry WHERE action = 'view'") == (
        views_before + seen["views"])


DRAIN = """
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
django.setup()
from autocrm.core import audit
audit.drain()
"""

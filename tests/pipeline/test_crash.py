"""A load killed midway leaves the store as before, and a re-run completes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.factories import FIN_HEADER, fin_row, ric, scalar, vin, write_csv


def test_killed_load_leaves_nothing_and_rerun_completes(tmp_path: Path,
                                                       fresh_db: dict[str, str]) -> None:
    rows = [fin_row(f"F{i:04d}", "张伟", ric(seq=f"{i:03d}"), f"1380000{i:04d}", vin(i))
            for i in range(1, 301)]
    path = write_csv(tmp_path / "fin.csv", FIN_HEADER, rows)
    cmd = [sys.executable, "-m", "autocrm.cli", "load", "FIN", str(path)]
    env = {**fresh_db, "AUTOCRM_PAUSE_BEFORE_COMMIT": "60"}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "pausing before commit" in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert scalar(fresh_db, "SELECT COUNT(*) FROM sources_sourcerecord") == 0
    assert scalar(fresh_db, "SELECT COUNT(*) FROM sources_load") == 0
    done = subprocess.run(cmd, env=fresh_db, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert scalar(fresh_db, "SELECT COUNT(*) FROM sources_sourcerecord") == 300
    assert scalar(fresh_db, "SELECT COUNT(*) FROM customers_customer") == 300

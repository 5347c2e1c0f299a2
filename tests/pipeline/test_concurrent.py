"""Two loads started at once on a fresh store: neither crashes, the file is loaded once."""

from __future__ import annotations

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

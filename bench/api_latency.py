"""Measure GET /api/customers/{id} over HTTP on loopback against a loaded store."""

from __future__ import annotations

import http.client
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _customer_ids_and_token(env: dict[str, str], n: int) -> tuple[list[int], str]:
    """Return `n` random customer ids and a bearer token of a call-centre agent."""
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='autocrm.settings';django.setup();"
        "from autocrm.accounts import services as s;"
        "from autocrm.customers.models import Customer as C;"
        "print(s.issue_token(s.set_user('bench-agent', 'bench-Pass-1', 'cc_agent'))[0]);"
        "print(' '.join(map(str,C.objects.values_list('id',flat=True))))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    token, ids_line = out.stdout.splitlines()[-2:]
    ids = [int(x) for x in ids_line.split()]
    return random.Random(7).sample(ids, min(n, len(ids))), token


@contextmanager
def server(env: dict[str, str]) -> Iterator[http.client.HTTPConnection]:
    """Run gunicorn (2 workers, as `autocrm serve`) on a free port; yield a connection to it."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "autocrm.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"], env=env, cwd=ROOT,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield http.client.HTTPConnection("127.0.0.1", port)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def percentiles(times: list[float]) -> dict[str, float]:
    """Return p50 and p99 of millisecond timings."""
    times = sorted(times)
    return {"p50_ms": times[len(times) // 2], "p99_ms": times[max(int(len(times) * 0.99) - 1, 0)],
            "requests": len(times)}


def measure(env: dict[str, str], n: int = 2000) -> dict[str, float]:
    """Start the server, warm it, then time `n` sequential requests for random customers.

    Each request is authenticated with a bearer token and writes its audit entry, as in use.
    """
    ids, token = _customer_ids_and_token(env, n)
    headers = {"Authorization": f"Bearer {token}"}
    with server(env) as conn:
        for cid in ids[:100]:
            conn.request("GET", f"/api/customers/{cid}", headers=headers)
            conn.getresponse().read()
        times = []
        for cid in ids:
            t0 = time.perf_counter()
            conn.request("GET", f"/api/customers/{cid}", headers=headers)
            resp = conn.getresponse()
            resp.read()
            times.append((time.perf_counter() - t0) * 1000)
            assert resp.status == 200, resp.status
        return percentiles(times)

"""Time the pages people use, over HTTP on loopback, against a store loaded by the demo.

    python bench/bench_pages.py --customers 20000 [--pg-url URL] [--requests 500]

Logs in as a call-centre agent (HQ) and as the salesperson of the dealer with the most
customers, then times the 360° page, search as you type, the dashboard and the API read of
a customer, beside the floor of the same server answering a static file. Prints the figures
and writes them to docs/benchmarks.md. Never run by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api_latency import percentiles, server  # noqa: E402
from bench.bench_pipeline import generate  # noqa: E402
from bench.common import ROOT, drop, fresh_env, machine, write_section  # noqa: E402

PASSWORD = "Bench-pass-1"
QUERIES = ["z", "zw", "wang", "王", "李", "张伟", "138", "LFV", "苏A"]


def _sample(env: dict[str, str]) -> dict[str, Any]:
    """Return customer ids for HQ, the busiest dealer's salesperson and their customer ids."""
    code = (
        "import django,os,json;os.environ['DJANGO_SETTINGS_MODULE']='autocrm.settings';"
        "django.setup();from django.db.models import Count;"
        "from autocrm.customers.models import Customer as C, CustomerDealer as D;"
        "top=D.objects.values('dealer_code').annotate(n=Count('customer_id',distinct=True))"
        ".order_by('-n')[0]['dealer_code'];"
        "print(json.dumps({'hq':list(C.objects.values_list('id',flat=True)),'dealer':top,"
        "'mine':list(D.objects.filter(dealer_code=top).values_list('customer_id',flat=True)"
        ".distinct())}))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _login(conn: http.client.HTTPConnection, username: str) -> dict[str, str]:
    """Log in through the login form; return the cookie header of the session."""
    conn.request("GET", "/accounts/login/")
    resp = conn.getresponse()
    page = resp.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf and token, "no CSRF token on the login page"
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                   "csrfmiddlewaretoken": token.group(1)})
    conn.request("POST", "/accounts/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf[1]}",
        "Referer": "http://127.0.0.1/accounts/login/"})
    resp = conn.getresponse()
    resp.read()
    session = re.search(r"sessionid=([^;]+)", resp.getheader("Set-Cookie") or "")
    assert resp.status == 302 and session, f"login of {username} failed ({resp.status})"
    return {"Cookie": f"sessionid={session[1]}; csrftoken={csrf[1]}"}


def _time(conn: http.client.HTTPConnection, paths: list[str],
          headers: dict[str, str]) -> dict[str, float]:
    times = []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status == 200, (path, resp.status)
    return percentiles(times)


def _token(conn: http.client.HTTPConnection, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD})
    conn.request("POST", "/api/auth/token", body, {"Content-Type": "application/json"})
    return str(json.loads(conn.getresponse().read())["token"])


def measure(env: dict[str, str], n: int) -> dict[str, dict[str, float]]:
    """Time each page for an HQ agent and a dealer salesperson."""
    sample = _sample(env)
    rng = random.Random(7)
    users = {"hq": ("cc_agent", sample["hq"]),
             "dealer": (f"{sample['dealer'].lower()}_sales", sample["mine"])}
    out: dict[str, dict[str, float]] = {}
    with server(env) as conn:
        out["floor (static file)"] = _time(conn, ["/static/css/app.css"] * n, {})
        for who, (username, ids) in users.items():
            cookie = _login(conn, username)
            picks = [rng.choice(ids) for _ in range(n)]
            _time(conn, [f"/customers/{i}/" for i in picks[:50]], cookie)  # warm-up
            out[f"{who}: 360° page"] = _time(conn, [f"/customers/{i}/" for i in picks], cookie)
            search = [f"/customers/search/?q={urllib.parse.quote(rng.choice(QUERIES))}"
                      for _ in range(n)]
            out[f"{who}: search as you type"] = _time(conn, search,
                                                      {**cookie, "HX-Request": "true"})
            out[f"{who}: dashboard"] = _time(conn, ["/"] * min(n, 200), cookie)
            bearer = {"Authorization": f"Bearer {_token(conn, username)}"}
            out[f"{who}: API customer read"] = _time(
                conn, [f"/api/customers/{i}" for i in picks], bearer)
    return out


def _load(env: dict[str, str], data: Path, customers: int) -> None:
    subprocess.run([sys.executable, "-m", "autocrm.cli", "demo", "--no-serve", "--customers",
                    str(customers), "--data", str(data), "--password", PASSWORD],
                   env={**env, "COLUMNS": "200"}, cwd=ROOT, check=True, capture_output=True)
    if "DATABASE_URL" in env:  # settle the fresh store, so autovacuum does not run during timing
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--pg-url")
    args = parser.parse_args()
    data = generate(args.customers, args.seed)
    lines = [
        f"Measured {dt.date.today()} on {machine()}; {args.customers:,} customers loaded by "
        f"`autocrm demo`; gunicorn with 2 workers; {args.requests} sequential requests per row "
        "(a random customer of the user's reach each time), after a warm-up. Each 360° read "
        "writes its audit entry. Floor: the same server answering a static file. On "
        "PostgreSQL the store is vacuumed and analysed after the load.", "",
        "| backend | request | p50 ms | p99 ms | p50 vs floor |", "|---|---|---|---|---|",
    ]
    for backend in ["sqlite"] + (["postgres"] if args.pg_url else []):
        env, name = fresh_env(backend, args.pg_url)
        try:
            _load(env, data, args.customers)
            figures = measure(env, args.requests)
        finally:
            drop(backend, args.pg_url, name)
        floor = figures["floor (static file)"]["p50_ms"]
        for label, f in figures.items():
            ratio = f["p50_ms"] / floor
            lines.append(f"| {backend} | {label} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} | "
                         f"{ratio:.1f}× |")
            print(backend, label, f)
    write_section(f"Pages at {args.customers:,} customers", "\n".join(lines))


if __name__ == "__main__":
    main()

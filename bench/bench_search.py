"""Search as agents type, over HTTP, on a store the real pipeline loaded at a large size.

Per backend: one full load (`bench/stages.py load`) into a store kept under --home, so that a
rerun reuses it (--reload loads again); then gunicorn (2 workers, `api_latency.server`), a
call-centre agent (HQ, every customer) and a dealer salesperson of the dealer with the most
related customers, and queries of every class drawn from the store itself (real customers'
phones, VINs, plates, ID numbers, names, pinyin; short low-selectivity queries; queries that
match nothing). Each run sends --requests `GET /api/customers/search?q=` per class and user
(and --page-requests of the page fragment, HX-Request, for the agent), one request of every
class in turn, so that a slower spell of the shared machine hits every class alike; the 360°
`GET /api/customers/{id}` of the same rounds is the baseline. Figures are medians over --runs.
Everything runs on an export of HEAD's src/ (not on the working tree, which others edit)
unless --working-tree. A class that misses a target is explained: the SQL `search.find` runs
for its slowest queries, each statement's time in-process and its plan.
Usage: python bench/bench_search.py --customers 1000000 --pg-url URL [--backends sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.api_latency import server  # noqa: E402
from bench.common import ROOT, child, machine, write_section  # noqa: E402

P50_TARGET, P99_TARGET = 30.0, 100.0
PASSWORD = "bench-Search-Pass-1"
CLASSES = ["phone", "phone_start", "phone_last4", "vin", "vin_tail", "plate", "plate_local",
           "id", "id_start", "name", "pinyin", "initials", "customer_no", "short", "nomatch"]
# Short, low-selectivity queries as an agent starts typing; and queries that match nothing
# (no mobile starts 100, no VIN is all Z, no ID number starts 000, no name is 龘龘).
SHORT = ["138", "139", "186", "张", "王", "李", "z", "w", "l", "zh"]
NOMATCH = ["10000000000", "ZZZZZZZZZZZZZZZZZ", "000000", "龘龘", "qxqxqx", "晋Z0Z0Z0",
           "#999999999", "100099", "XZ9Z9Z", "0000000000000000X"]


# --- the store ---------------------------------------------------------------------------

def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                          capture_output=True, check=False).stdout.strip()


def export_head(home: Path) -> Path:
    """Export the committed code (HEAD's src/) under `home`, to run on it, not on a working
    tree that others edit; return its src directory."""
    out = home / f"src-{_commit()}"
    if not (out / "src" / "autocrm").exists():
        out.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "HEAD", "src"], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out / "src"


def _admin(pg_url: str, sql: str) -> Any:
    import psycopg

    with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else None


def store(backend: str, data: Path, home: Path, pg_url: str | None, reload: bool,
          src: Path | None) -> tuple[dict[str, str], dict[str, Any]]:
    """Return the environment of the loaded store of `backend` and its load's report.

    The store of a size and seed is loaded once; its report (load.json) marks it done.
    """
    tag = f"{backend}-{data.name.removeprefix('data-')}"
    root = home / tag
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["AUTOCRM_HOME"] = str(root)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    db = "bench_search_" + data.name.removeprefix("data-").replace("-", "_")
    if backend == "postgres":
        assert pg_url, "--pg-url is needed for postgres"
        env["DATABASE_URL"] = pg_url.rsplit("/", 1)[0] + "/" + db
    marker = root / "load.json"
    exists = backend == "sqlite" or bool(
        _admin(env["DATABASE_URL"], f"SELECT 1 FROM pg_database WHERE datname = '{db}'"))
    if marker.exists() and exists and not reload:
        return env, json.loads(marker.read_text())
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    if backend == "postgres":
        _admin(env["DATABASE_URL"], f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        _admin(env["DATABASE_URL"], f"CREATE DATABASE {db}")
    print(backend, "loading", data, flush=True)
    result = child(["bench/stages.py", "load", str(data)], env)
    result["commit"] = _commit()
    marker.write_text(json.dumps(result))
    return env, result


# --- child jobs (in Django, on the store) ---------------------------------------------------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _pinyin(name: str) -> tuple[str, str]:
    from pypinyin import lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(name) if s.isascii() and s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)


def _queries(ids: list[int], need: int, rng: random.Random) -> dict[str, list[list[Any]]]:
    """Return [query, customer id] of every class, drawn from these customers."""
    from autocrm.customers.models import Customer
    from autocrm.vehicles.selectors import cars_of

    out: dict[str, list[list[Any]]] = {c: [] for c in CLASSES}
    cars: dict[int, list[tuple[str, str]]] = {}
    for row in cars_of(ids).iter_rows():
        cars.setdefault(row[0], []).append((row[1] or "", row[2] or ""))
    rows = Customer.objects.filter(id__in=ids).values_list("id", "name", "id_number", "phones")
    for cid, name, id_number, phones in rows:
        phone = next((p for p in phones or [] if len(p) == 11 and p.startswith("1")), "")
        if phone:
            out["phone"].append([phone, cid])
            out["phone_start"].append([phone[:rng.randint(5, 8)], cid])
            out["phone_last4"].append([phone[-4:], cid])
        for vin, plate in cars.get(cid, [])[:1]:
            if len(vin) == 17:
                out["vin"].append([vin, cid])
                out["vin_tail"].append([vin[-rng.randint(6, 8):], cid])
            if len(plate) >= 7 and not plate[0].isascii():
                out["plate"].append([plate, cid])
                out["plate_local"].append([plate[1:], cid])
        if len(id_number or "") == 18:
            out["id"].append([id_number, cid])
            out["id_start"].append([id_number[:rng.randint(6, 10)], cid])
        if name and not name.isascii():
            out["name"].append([name, cid])
            full, initials = _pinyin(name)
            if len(full) >= 2:
                out["pinyin"].append([full, cid])
                out["initials"].append([initials, cid])
        out["customer_no"].append([f"#{cid}", cid])
    for c in CLASSES[:-2]:
        rng.shuffle(out[c])
        out[c] = out[c][:need]
    out["short"] = [[q, None] for q in SHORT]
    out["nomatch"] = [[q, None] for q in NOMATCH]
    return out


def job_sample(need: int, seed: int) -> dict[str, Any]:
    """Create the two users, their tokens and a session; draw the queries of each."""
    _django()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from autocrm.accounts import services as s
    from autocrm.customers.models import Customer, CustomerDealer, SearchTerm

    rng = random.Random(seed)
    dealer = (CustomerDealer.objects.values("dealer_code")
              .annotate(n=Count("customer_id", distinct=True)).order_by("-n").first())
    agent = s.set_user("bench-search-agent", PASSWORD, "cc_agent")
    sales = s.set_user("bench-search-sales", PASSWORD, "dealer_sales", dealer["dealer_code"])
    client = Client()
    client.force_login(agent)
    all_ids = list(Customer.objects.values_list("id", flat=True))
    mine = list(CustomerDealer.objects.filter(dealer_code=dealer["dealer_code"])
                .values_list("customer_id", flat=True).distinct())
    pick = 3 * need
    return {
        "customers": len(all_ids), "terms": SearchTerm.objects.count(),
        "dealer": dealer["dealer_code"], "dealer_customers": len(mine),
        "tokens": {"agent": s.issue_token(agent, "bench-search")[0],
                   "sales": s.issue_token(sales, "bench-search")[0]},
        "session": [settings.SESSION_COOKIE_NAME,
                    client.cookies[settings.SESSION_COOKIE_NAME].value],
        "baseline": rng.sample(all_ids, min(need, len(all_ids))),
        "queries": {
            "agent": _queries(rng.sample(all_ids, min(pick, len(all_ids))), need, rng),
            "sales": _queries(rng.sample(mine, min(pick, len(mine))), need, rng),
        },
    }


def job_explain(user: str, queries: list[str]) -> dict[str, Any]:
    """Run `search.find` for each query as the bench user; return each SQL statement's time
    (in-process, the second of two runs) and the plan of the slowest."""
    _django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from autocrm.accounts.actor import actor_for
    from autocrm.customers import search

    actor = actor_for(get_user_model().objects.get(username=f"bench-search-{user}"))
    out = []
    for q in queries:
        search.find(q, actor)  # warm
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            result = search.find(q, actor)
            total = (time.perf_counter() - t0) * 1000
        statements = [{"sql": str(c["sql"]), "ms": float(c["time"]) * 1000}
                      for c in captured.captured_queries]
        slow: dict[str, Any] = max(statements, key=lambda st: float(st["ms"]))
        explain = ("EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql"
                   else "EXPLAIN QUERY PLAN ")
        with connection.cursor() as cur:
            cur.execute(explain + slow["sql"])
            plan = "\n".join(" | ".join(str(x) for x in row) for row in cur.fetchall())
        out.append({"query": q, "find_ms": total, "hits": len(result.hits),
                    "statements": statements, "slowest": slow, "plan": plan})
    return {"vendor": connection.vendor, "explained": out}


# --- the measurement -----------------------------------------------------------------------

def percentiles(times: list[float]) -> dict[str, float]:
    """Return the median and the nearest-rank p99 of millisecond timings (the p99 of fewer
    than 100 is their largest)."""
    ordered = sorted(times)
    return {"p50_ms": statistics.median(ordered),
            "p99_ms": ordered[max(math.ceil(0.99 * len(ordered)) - 1, 0)]}


def _server_memory(port: int) -> dict[str, float]:
    """Return the peak resident MiB (VmHWM) of the gunicorn processes bound to `port`."""
    peaks = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "gunicorn" in cmd and f"127.0.0.1:{port}" in cmd:
                status = (proc / "status").read_text()
                kb = next(line.split()[1] for line in status.splitlines()
                          if line.startswith("VmHWM"))
                peaks.append(int(kb) / 1024)
        except (OSError, StopIteration):
            continue
    return {"max_mib": max(peaks, default=0.0), "sum_mib": sum(peaks)}


def _get(conn: http.client.HTTPConnection, path: str,
         headers: dict[str, str]) -> tuple[float, int, bytes]:
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    ms = (time.perf_counter() - t0) * 1000
    assert resp.status == 200, (path, resp.status, body[:300])
    return ms, resp.status, body


def _plan(page_requests: int) -> list[tuple[str, str]]:
    keys = [("agent", "baseline")]
    keys += [(u, c) for u in ("agent", "sales") for c in CLASSES]
    keys += [("agent-page", c) for c in CLASSES] if page_requests else []
    return keys


def measure(env: dict[str, str], sample: dict[str, Any], runs: int, requests: int,
            page_requests: int, warmup: int, slow_requests: int) -> dict[str, Any]:
    """Start the server; warm it; run `runs` interleaved rounds; return the timings.

    A class whose warm-up median is over the p99 target gets only `slow_requests` per run:
    it misses either way, and at a second a request the full count would take hours.
    """
    auth = {u: {"Authorization": f"Bearer {t}"} for u, t in sample["tokens"].items()}
    name, value = sample["session"]
    auth["agent-page"] = {"Cookie": f"{name}={value}", "HX-Request": "true"}
    keys = _plan(page_requests)

    def pool(user: str, cls: str) -> list[list[Any]]:
        if cls == "baseline":
            return [[cid, cid] for cid in sample["baseline"]]
        return sample["queries"]["agent" if user == "agent-page" else user][cls]

    def path(user: str, cls: str, q: Any) -> str:
        if cls == "baseline":
            return f"/api/customers/{q}"
        base = "/customers/search/?q=" if user == "agent-page" else "/api/customers/search?q="
        return base + urllib.parse.quote(str(q), safe="")

    timings: dict[tuple[str, str], list[list[float]]] = {k: [] for k in keys}
    hits: dict[tuple[str, str], list[int]] = {k: [] for k in keys}
    found: dict[tuple[str, str], list[bool]] = {k: [] for k in keys}
    slowest: dict[tuple[str, str], list[tuple[float, str]]] = {k: [] for k in keys}
    with server(env) as conn:
        port = conn.port
        warm: dict[tuple[str, str], list[float]] = {k: [] for k in keys}
        for i in range(warmup):  # from the end of each pool: not the queries timed first
            for user, cls in keys:
                items = pool(user, cls)
                warm[(user, cls)].append(
                    _get(conn, path(user, cls, items[-1 - i % len(items)][0]), auth[user])[0])
        quota = {k: page_requests if k[0] == "agent-page" else requests for k in keys}
        for k in keys:
            if warm[k] and statistics.median(warm[k]) > P99_TARGET:
                quota[k] = min(quota[k], slow_requests)
        print("warm-up medians ms:", {f"{u} {c}": round(statistics.median(v), 1)
                                      for (u, c), v in warm.items() if v}, flush=True)
        t_start = time.time()
        for run in range(runs):
            per_run: dict[tuple[str, str], list[float]] = {k: [] for k in keys}
            for i in range(requests):
                for user, cls in keys:
                    if i >= quota[(user, cls)]:
                        continue
                    items = pool(user, cls)
                    q, target = items[(run * requests + i) % len(items)]
                    ms, _, body = _get(conn, path(user, cls, q), auth[user])
                    per_run[(user, cls)].append(ms)
                    slowest[(user, cls)].append((ms, str(q)))
                    if cls == "baseline":
                        continue
                    if user == "agent-page":
                        ids = body.count(b"data-customer=")
                        hits[(user, cls)].append(ids)
                        continue
                    answer = json.loads(body)
                    hits[(user, cls)].append(len(answer["hits"]))
                    if target is not None:
                        found[(user, cls)].append(any(h["id"] == target
                                                      for h in answer["hits"]))
            for k in keys:
                timings[k].append(per_run[k])
            print(f"run {run + 1}: baseline p50 "
                  f"{percentiles(per_run[('agent', 'baseline')])['p50_ms']:.1f} ms, "
                  f"{time.time() - t_start:.0f} s", flush=True)
        memory = _server_memory(port)
    return {"keys": keys, "timings": timings, "hits": hits, "found": found, "quota": quota,
            "slowest": {k: sorted(v, reverse=True)[:3] for k, v in slowest.items()},
            "memory": memory}


def summarize(m: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (user, class): requests, median over runs of p50 and p99, hits median, found share."""
    out = {}
    for k in m["keys"]:
        runs = [percentiles(t) for t in m["timings"][k] if t]
        out[k] = {
            "n": sum(len(t) for t in m["timings"][k]),
            "p50": statistics.median(r["p50_ms"] for r in runs),
            "p99": statistics.median(r["p99_ms"] for r in runs),
            "p50_runs": [r["p50_ms"] for r in runs],
            "hits": statistics.median(m["hits"][k]) if m["hits"][k] else float("nan"),
            "found": (sum(m["found"][k]) / len(m["found"][k])) if m["found"][k] else None,
        }
    return out


# --- the report ----------------------------------------------------------------------------

def _example(sample: dict[str, Any], user: str, cls: str) -> str:
    if cls == "baseline":
        return "`/api/customers/{id}`"
    items = sample["queries"]["agent" if user == "agent-page" else user][cls]
    if cls in ("short", "nomatch"):
        return ", ".join(f"`{q}`" for q, _ in items[:4]) + " …"
    return f"`{items[0][0]}`" if items else ""


def table(backend: str, sample: dict[str, Any], stats: dict) -> list[str]:
    base = stats[("agent", "baseline")]["p50"]
    rows = []
    for (user, cls), s in stats.items():
        found = "" if s["found"] is None else f"{100 * s['found']:.0f}%"
        hits = "" if s["hits"] != s["hits"] else f"{s['hits']:g}"  # NaN: the baseline
        rows.append(
            f"| {backend} | {user} | {cls} | {_example(sample, user, cls)} | {s['n']:,} | "
            f"{s['p50']:.1f} | {s['p99']:.1f} | "
            f"{hits} | {found} | "
            f"{s['p50'] / base:.2f}× |")
    return rows


def verdict(backend: str, stats: dict) -> tuple[list[str], list[tuple[str, str]]]:
    """Say per target whether every class met it; return the missed (user, class) keys."""
    searched = {k: s for k, s in stats.items() if k[1] != "baseline"}
    lines, missed = [], []
    for label, key, target in (("p50", "p50", P50_TARGET), ("p99", "p99", P99_TARGET)):
        over = [(k, s[key]) for k, s in searched.items() if s[key] > target]
        missed += [k for k, _ in over if k not in missed]
        worst = max(searched.items(), key=lambda kv: kv[1][key])
        if over:
            which = ", ".join(f"{u} {c} {v:.1f} ms" for (u, c), v in over)
            lines.append(f"- {backend}, {label} ≤ {target:.0f} ms: **not met** ({which}).")
        else:
            lines.append(f"- {backend}, {label} ≤ {target:.0f} ms: **met** for every class "
                         f"(worst {worst[0][0]} {worst[0][1]} {worst[1][key]:.1f} ms).")
    return lines, missed


def explain_missed(env: dict[str, str], m: dict[str, Any],
                   missed: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Explain the slowest queries of each missed class, in-process on the same store."""
    records = []
    for user, cls in missed:
        api_user = "agent" if user == "agent-page" else user
        queries = list(dict.fromkeys(q for _, q in m["slowest"][(user, cls)]))[:2]
        ex = child(["bench/bench_search.py", "--job", "explain", "--user", api_user,
                    "--explain", json.dumps(queries)], env)
        for e in ex["explained"]:
            print(json.dumps(e, ensure_ascii=False), flush=True)
            records.append({"user": user, "cls": cls, "query": e["query"],
                            "find_ms": e["find_ms"],
                            "statements": [st["ms"] for st in e["statements"]],
                            "sql": e["slowest"]["sql"], "slowest_ms": e["slowest"]["ms"],
                            "plan": e["plan"]})
    return records


def _cut(text: str, n: int) -> str:
    """Shorten a long line (a plan's list of thousands of ids)."""
    return text if len(text) <= n else text[:n] + " …"


def render_explained(backend: str, records: list[dict[str, Any]]) -> list[str]:
    """One line per explained query; each distinct plan of a slowest statement once."""
    if not records:
        return []
    lines = [f"### {backend}", ""]
    plans: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        st = ", ".join(f"{x:.0f}" for x in r["statements"])
        lines.append(f"- {r['user']} {r['cls']} `{r['query']}`: find() {r['find_ms']:.0f} ms "
                     f"in-process; its statements {st} ms.")
        plans.setdefault(r["plan"], []).append(r)
    for plan, rs in plans.items():
        which = ", ".join(dict.fromkeys(f"{r['user']} {r['cls']}" for r in rs))
        slow = max(rs, key=lambda r: r["slowest_ms"])
        lines += ["", f"The slowest statement of {len(rs)} of them ({which}) runs so; "
                  f"e.g. {slow['slowest_ms']:.0f} ms for `{slow['query']}`:", "", "```sql",
                  _cut(slow["sql"], 2000), "```", "", "```",
                  "\n".join(_cut(line, 240) for line in plan.splitlines()), "```"]
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--home", type=Path, default=Path("/tmp/bench-search-home"))
    parser.add_argument("--reload", action="store_true", help="load the stores again")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300, help="per class, user and run")
    parser.add_argument("--page-requests", type=int, default=100,
                        help="of the page fragment per class and run (agent; 0: none)")
    parser.add_argument("--warmup", type=int, default=10, help="requests per class first")
    parser.add_argument("--slow-requests", type=int, default=30,
                        help="per run for a class whose warm-up median is over the p99 target")
    parser.add_argument("--working-tree", action="store_true",
                        help="run on the working tree, not on an export of HEAD")
    parser.add_argument("--saved", default="",
                        help="backends whose figures an earlier run saved under --home")
    parser.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    parser.add_argument("--job", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--need", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--user", default="agent", help=argparse.SUPPRESS)
    parser.add_argument("--explain", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job == "sample":
        print(json.dumps(job_sample(args.need, args.seed), ensure_ascii=False))
        return
    if args.job == "explain":
        print(json.dumps(job_explain(args.user, json.loads(args.explain)), ensure_ascii=False))
        return
    from bench.bench_pipeline import generate

    data = generate(args.customers, args.seed)
    src = None if args.working_tree else export_head(args.home)
    rows = ["| backend | user | class | e.g. | n | p50 ms | p99 ms | hits median | "
            "finds the customer | p50 / baseline p50 |", "|---" * 10 + "|"]
    facts: list[str] = []
    verdicts: list[str] = []
    explained: list[str] = []
    for backend in args.backends.split(","):
        saved = args.home / f"result-{backend}-{data.name.removeprefix('data-')}.json"
        if backend in args.saved.split(","):  # measured by an earlier invocation
            part = json.loads(saved.read_text())
            rows += part["rows"]
            verdicts += part["verdicts"]
            facts += part["facts"]
            explained += (render_explained(backend, part["explain_raw"])
                          if "explain_raw" in part else part["explained"])
            continue
        if backend == "postgres" and not args.pg_url:
            continue
        env, load = store(backend, data, args.home, args.pg_url, args.reload,
                          src)
        print(backend, "load", json.dumps({k: load[k] for k in ("seconds", "stages")}),
              flush=True)
        need = args.requests * args.runs + args.warmup
        sample = child(["bench/bench_search.py", "--job", "sample", "--need", str(need),
                        "--seed", str(args.seed)], env)
        print(backend, "sample", {c: len(v) for c, v in sample["queries"]["agent"].items()},
              {c: len(v) for c, v in sample["queries"]["sales"].items()}, flush=True)
        m = measure(env, sample, args.runs, args.requests, args.page_requests, args.warmup,
                    args.slow_requests)
        stats = summarize(m)
        rows += table(backend, sample, stats)
        lines, missed = verdict(backend, stats)
        verdicts += lines
        base = stats[("agent", "baseline")]
        facts.append(
            f"- {backend}: store loaded at commit {load.get('commit', '?')} in "
            f"{load['seconds']:.0f} s, stage \"search\" {load['stages'].get('search', 0):.1f} s; "
            f"{sample['customers']:,} customers, {sample['terms']:,} search terms; dealer "
            f"{sample['dealer']} ({sample['dealer_customers']:,} related customers) for "
            f"dealer_sales; baseline p50 {base['p50']:.1f} ms, p99 {base['p99']:.1f} ms "
            f"(runs' p50 {', '.join(f'{x:.1f}' for x in base['p50_runs'])}); server peak "
            f"resident memory {m['memory']['max_mib']:,.0f} MiB per process, "
            f"{m['memory']['sum_mib']:,.0f} MiB master and 2 workers.")
        print("\n".join(rows + lines), flush=True)
        raw = explain_missed(env, m, missed)
        explained += render_explained(backend, raw)
        saved.write_text(json.dumps({"rows": table(backend, sample, stats), "verdicts": lines,
                                     "facts": facts[-1:], "explain_raw": raw,
                                     "raw": {f"{u} {c}": v for (u, c), v in stats.items()}},
                                    ensure_ascii=False))
    text = "\n".join([
        f"Measured {dt.date.today()} on {machine()} (2 cores shared with other engineers' "
        f"test runs: figures are noisy); {args.customers:,} customers (`autocrm generate`, "
        f"seed {args.seed}), commit {_commit()}"
        f"{' (working tree)' if args.working_tree else ' (an export of it)'}; "
        "`bench/bench_search.py`. Each store was "
        "loaded once by the real pipeline; gunicorn with 2 workers; requests sequential "
        "over loopback HTTP with a bearer token (the page fragment with a session and "
        "`HX-Request`). Per run, one request of every class in turn; "
        f"{args.requests} per class and user per run ({args.page_requests} of the page), "
        f"after {args.warmup} warm-up requests per class (a class whose warm-up median was "
        f"over {P99_TARGET:.0f} ms: {args.slow_requests} per run, see n); p50 and p99 are "
        "medians over "
        f"{args.runs} runs. Users: cc_agent (HQ, all customers) and dealer_sales of the dealer "
        "with the most related customers; queries drawn from random customers each reaches "
        "(its phone, VIN, plate, ID number, name, pinyin); phone_start is the first 5–8 "
        "digits, vin_tail the last 6–8 characters, id_start the first 6–10 digits; short: "
        "`" + "`, `".join(SHORT) + "`; nomatch: `" + "`, `".join(NOMATCH) + "`. "
        "\"finds the customer\": share of answers listing the customer the query was drawn "
        "from. Baseline: the 360° `GET /api/customers/{id}` (cc_agent, random customers) in "
        "the same rounds.", "", *facts, "", *rows, "",
        f"Targets (issue 16): p50 ≤ {P50_TARGET:.0f} ms, p99 ≤ {P99_TARGET:.0f} ms for every "
        "query class over HTTP.", "", *verdicts,
        *(["", "Missed classes, the SQL of their slowest queries (same store, in-process):",
           "", *explained] if explained else []),
    ])
    print(text)
    if not args.no_doc:
        write_section(f"Search at {args.customers:,} customers", text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

"""One full load per backend at a large size, then the API's latency on that store.

The repeated-runs benchmark (bench_pipeline.py) takes too long at a million customers; this
one loads once per backend, without scoring against the ground truth (that alone needs several
GiB), and reports each stage's seconds and the load's own peak memory.
After each full load it loads two deltas of 1% (a realistic day, bench/day.py, and the delta
the sessions before measured) into copies of the store, --delta-runs times each.
Usage: python bench/bench_large.py --customers 1000000 --pg-url URL
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.api_latency import measure  # noqa: E402
from bench.bench_pipeline import generate, make_delta  # noqa: E402
from bench.common import (  # noqa: E402
    child,
    drop,
    drop_snapshot,
    fresh_env,
    machine,
    restore,
    snapshot,
    write_section,
)
from bench.day import make_day  # noqa: E402

STAGES = ["read", "clean", "prepare", "supersede", "match", "link", "merge", "publish", "timeline",
          "repairs", "dealer_links", "finish", "indexes", "vacuum"]
DELTA_STAGES = STAGES[:-2]


def _delta_runs(backend: str, env: dict[str, str], name: str, deltas: dict[str, Path],
                runs: int) -> dict[str, list[dict]]:
    """Load each delta `runs` times, each time into the store as the full load left it."""
    results: dict[str, list[dict]] = {kind: [] for kind in deltas}
    if not runs:
        return results
    snapshot(backend, env, name)
    first = True
    for _ in range(runs):  # the kinds alternate, so that a slower spell hits both
        for kind, files in deltas.items():
            if not first:
                restore(backend, env, name)
            first = False
            results[kind].append(child(["bench/stages.py", "delta", str(files)], env))
            print(backend, kind, json.dumps(results[kind][-1]), flush=True)
    drop_snapshot(backend, env, name)
    return results


def _delta_row(backend: str, kind: str, results: list[dict]) -> str:
    ordered = sorted(results, key=lambda r: r["seconds"])
    mid = ordered[len(ordered) // 2]
    runs = ", ".join(f"{r['seconds']:.1f}" for r in results)
    return (f"| {backend} | {kind} | {mid['records']:,} | {mid['unchanged']:,} | "
            f"{mid['touched']:,} | {runs} | **{mid['seconds']:.1f}** | "
            f"{max(r['peak_mib'] for r in results):,.0f} | "
            + " | ".join(f"{mid['stages'].get(s, 0.0):.1f}" for s in DELTA_STAGES) + " |")


DELTA_TEXT = """Daily incremental load into that store, each run into the store as the full load
left it (a copy), its files in the page cache as on a server whose database fits in memory; stages
of the median run; peak is the delta process's. Two deltas of 1% of the source rows:
"day" (`bench/day.py`): a seeded 1% of every source file as its system sends it on a day,
new repair orders, calls, surveys, complaints, web sign-ups and renewed contracts for
existing customers and cars, half the sampled DMS customers and club members with a new
mobile (each a different number), the other sampled masters sent again unchanged;
"earlier" (`bench_pipeline.make_delta`, measured in the sessions before): the head of every
dealer's customer file with the same 278 new phones in all 200 dealers, and renewed
contracts. "records" counts the rows written; "unchanged" the rows sent again as stored."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--delta-runs", type=int, default=3,
                        help="loads of the 1%% delta into the full store (0: none)")
    args = parser.parse_args()
    data = generate(args.customers, args.seed)
    deltas = {"day": make_day(data), "earlier": make_delta(data)}
    rows = ["| backend | full run s | rows/s | peak MiB | API p50 ms | API p99 ms | "
            + " | ".join(f"{s} s" for s in STAGES) + " |",
            "|---|---|---|---|---|---|" + "---|" * len(STAGES)]
    delta_rows = ["| backend | delta | records | unchanged | customers touched | runs s | "
                  "median s | peak MiB | " + " | ".join(f"{s} s" for s in DELTA_STAGES) + " |",
                  "|---|---|---|---|---|---|---|---|" + "---|" * len(DELTA_STAGES)]
    records = 0
    for backend in args.backends.split(","):
        if backend == "postgres" and not args.pg_url:
            continue
        env, name = fresh_env(backend, args.pg_url)
        result = child(["bench/stages.py", "load", str(data)], env)
        print(backend, json.dumps(result), flush=True)
        api = measure(env)  # on the store as the full load left it, before any delta
        print(backend, "api", api, flush=True)
        measured = _delta_runs(backend, env, name, deltas, args.delta_runs)
        delta_rows += [_delta_row(backend, kind, runs) for kind, runs in measured.items() if runs]
        drop(backend, args.pg_url, name)
        records = int(result["records"])
        peak = max(result["memory"].values())
        stages = result["stages"]
        rows.append(
            f"| {backend} | {result['seconds']:.1f} | {records / result['seconds']:,.0f} | "
            f"{peak:,.0f} | {api['p50_ms']:.1f} | {api['p99_ms']:.1f} | "
            + " | ".join(f"{stages.get(s, 0.0):.1f}" for s in STAGES) + " |"
        )
    text = "\n".join([
        f"Measured {dt.date.today()} on {machine()}; {args.customers:,} customers, "
        f"{records:,} source records; one full load per backend into an empty store "
        "(`bench/bench_large.py`), without scoring against the ground truth; peak is the "
        "load's own (`BatchReport.memory`); API: 2,000 sequential `GET /api/customers/{id}` "
        "over HTTP after the load.", "", *rows,
    ])
    if len(delta_rows) > 2:
        text += "\n".join(["", "", DELTA_TEXT, "", *delta_rows])
    print(text)
    write_section(f"Unification at {args.customers:,} customers, single runs", text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

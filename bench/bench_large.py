"""One full load per backend at a large size, then the API's latency on that store.

The repeated-runs benchmark (bench_pipeline.py) takes too long at a million customers; this
one loads once per backend, without scoring against the ground truth (that alone needs several
GiB), and reports each stage's seconds and the load's own peak memory.
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
from bench.bench_pipeline import generate  # noqa: E402
from bench.common import child, drop, fresh_env, machine, write_section  # noqa: E402

STAGES = ["extract+clean", "prepare", "match", "merge", "publish", "indexes"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--backends", default="postgres,sqlite")
    args = parser.parse_args()
    data = generate(args.customers, args.seed)
    rows = ["| backend | full run s | rows/s | peak MiB | API p50 ms | API p99 ms | "
            + " | ".join(f"{s} s" for s in STAGES) + " |",
            "|---|---|---|---|---|---|" + "---|" * len(STAGES)]
    records = 0
    for backend in args.backends.split(","):
        if backend == "postgres" and not args.pg_url:
            continue
        env, name = fresh_env(backend, args.pg_url)
        result = child(["bench/stages.py", "load", str(data)], env)
        print(backend, json.dumps(result), flush=True)
        api = measure(env)
        print(backend, "api", api, flush=True)
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
    print(text)
    write_section(f"Unification at {args.customers:,} customers, single runs", text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

"""Benchmark full unification, incremental loads, matching quality and the 360° API.

Usage: python bench/bench_pipeline.py --customers 1000000 --runs 3 --pg-url URL
Prints the figures and writes them to docs/benchmarks.md. Never run by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import api_latency  # noqa: E402
from bench.common import OUT, child, drop, fresh_env, machine, median, write_section  # noqa: E402
from bench.day import make_day  # noqa: E402


def generate(customers: int, seed: int) -> Path:
    """Generate the data set once per size and seed."""
    from autocrm.synth import generate as gen

    data = OUT / f"data-c{customers}-s{seed}"
    if not (data / "truth" / "records.parquet").exists():
        gen(data, customers=customers, seed=seed)
    return data


def make_delta(data: Path, share: float = 0.01) -> Path:
    """Write a day's delta: changed phones of dealer customers and new finance contracts."""
    from autocrm.sources.config import get_source
    from autocrm.sources.reader import read_table

    delta = data.parent / f"{data.name}-delta"
    if delta.exists():
        return delta
    truth = pl.read_parquet(data / "truth" / "records.parquet")
    target = int(truth.height * share / 2)
    dms = get_source("DMS").feeds["customer"]
    files = sorted((data / "DMS").rglob("customers.*"))
    per_file = max(1, target // max(1, len(files)))
    for path in files:
        table = read_table(path, dms.header_names())
        frame = pl.DataFrame(table.rows, schema=table.header, orient="row")
        changed = frame.head(per_file).with_columns(
            pl.format("139{}", pl.int_range(pl.len()).cast(pl.Utf8).str.zfill(8)).alias("手机")
        )
        out = delta / "DMS" / path.parent.name / "customers_delta.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        changed.write_csv(out)
    fin = get_source("FIN").feeds["contract"]
    path = next((data / "FIN").iterdir())
    table = read_table(path, fin.header_names())
    frame = pl.DataFrame(table.rows, schema=table.header, orient="row").head(target)
    renewed = frame.with_columns(
        pl.format("R{}", pl.col("合同编号")).alias("合同编号"),
        pl.lit("2026-11-01").alias("签约日期"), pl.lit("2026-11-01").alias("保险起期"),
        pl.lit("2027-10-31").alias("保险止期"),
    )
    (delta / "FIN").mkdir(parents=True, exist_ok=True)
    renewed.write_csv(delta / "FIN" / "fin_delta.csv")
    return delta


def run_full(backend: str, data: Path, runs: int, pg_url: str | None) -> tuple[list, dict]:
    """Run the full unification `runs` times on fresh databases; keep the last for the API."""
    results, last_env, last_name = [], {}, ""
    for i in range(runs):
        env, name = fresh_env(backend, pg_url)
        results.append(child(["bench/stages.py", "full", str(data)], env))
        print(backend, "full", json.dumps(results[-1], default=str), flush=True)
        if i < runs - 1:
            drop(backend, pg_url, name)
        else:
            last_env, last_name = env, name
    api = api_latency.measure(last_env)
    print(backend, "api", api, flush=True)
    drop(backend, pg_url, last_name)
    return results, api


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    data = generate(args.customers, args.seed)
    delta = make_day(data)
    rows = pl.read_parquet(data / "truth" / "records.parquet").height
    lines = [f"Measured {dt.date.today()} on {machine()}; {args.customers:,} customers, "
             f"{rows:,} source rows; median of {args.runs} runs unless noted.", ""]
    env = dict(os.environ)
    floor = [child(["bench/stages.py", "floor", str(data), _fresh_pg(args.pg_url)], env)
             for _ in range(args.runs)] if args.pg_url else []
    splink = child(["bench/stages.py", "splink", str(data)], dict(os.environ))
    print("splink", splink, flush=True)
    floor_s = median([f["seconds"] for f in floor]) if floor else float("nan")
    lines += _table_header()
    for backend in args.backends.split(","):
        if backend == "postgres" and not args.pg_url:
            continue
        results, api = run_full(backend, data, args.runs, args.pg_url)
        incs = []
        for _ in range(args.runs):
            inc_env, inc_name = fresh_env(backend, args.pg_url)
            incs.append(child(["bench/stages.py", "incremental", str(data), str(delta)], inc_env))
            print(backend, "incremental", json.dumps(incs[-1], default=str), flush=True)
            drop(backend, args.pg_url, inc_name)
        inc = {"seconds": median([i["seconds"] for i in incs])}
        lines.append(_row(backend, results, api, inc, floor_s, splink["seconds"], rows))
    lines += ["", _stages(results), "", *_quality(results, splink, floor_s)]
    text = "\n".join(lines)
    print(text)
    write_section(f"Unification at {args.customers:,} customers", text)


def _fresh_pg(url: str) -> str:
    env, _ = fresh_env("postgres", url)
    return env["DATABASE_URL"]


def _table_header() -> list[str]:
    return [
        "| backend | full run s | rows/s | vs floor | vs Splink alone | peak MiB | "
        "incremental 1% s | API p50 ms | API p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]


def _row(backend: str, results: list, api: dict, inc: dict, floor_s: float, splink_s: float,
         rows: int) -> str:
    secs = median([r["seconds"] for r in results])
    peak = max(r["peak_mib"] for r in results)
    return (f"| {backend} | {secs:.1f} | {rows / secs:,.0f} | {secs / floor_s:.1f}× | "
            f"{secs / splink_s:.1f}× | {peak:,.0f} | {inc['seconds']:.1f} | "
            f"{api['p50_ms']:.1f} | {api['p99_ms']:.1f} |")


def _stages(results: list) -> str:
    stages = results[-1]["stages"]
    parts = ", ".join(
        f"{k} {median([r['stages'][k] for r in results]):.1f}s" for k in stages
    )
    return f"Per stage (median, last backend): {parts}."


def _quality(results: list, splink: dict, floor_s: float) -> list[str]:
    ours = results[-1]
    return [
        f"Baselines in the same run: floor (Polars read + bare COPY into PostgreSQL) "
        f"{floor_s:.1f}s; Splink alone (DuckDB, default-style settings, same cleaned rows) "
        f"{splink['seconds']:.1f}s.",
        "",
        "| matching | precision | recall | F1 |",
        "|---|---|---|---|",
        f"| autocrm | {ours['precision']:.4f} | {ours['recall']:.4f} | {ours['f1']:.4f} |",
        f"| Splink alone | {splink['precision']:.4f} | {splink['recall']:.4f} | "
        f"{splink['f1']:.4f} |",
    ]


if __name__ == "__main__":
    main()

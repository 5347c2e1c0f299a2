"""Child-process jobs of the benchmarks; each prints one JSON line."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

# isort: off
import autocrm  # noqa: F401  (sets Polars' allocator up before Polars loads)
import polars as pl
# isort: on

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import peak_rss_mib  # noqa: E402


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def full(data: Path) -> dict[str, object]:
    """Unify every file below `data` into an empty store."""
    _django()
    from autocrm.cli.demo import source_files
    from autocrm.dealers.services import import_dealers
    from autocrm.pipeline import batch
    from autocrm.pipeline.evaluation import match_quality

    import_dealers(data / "dealers.csv")
    files = source_files(data)
    t0 = time.perf_counter()
    report = batch.run(files)
    seconds = time.perf_counter() - t0
    scores = match_quality(data / "truth")
    return {"seconds": seconds, "stages": report.stages, "records": report.records,
            "customers": report.customers_new, "peak_mib": peak_rss_mib(),
            "precision": scores.precision, "recall": scores.recall, "f1": scores.f1}


def load(data: Path) -> dict[str, object]:
    """Unify every file below `data` into an empty store, without scoring against the truth."""
    _django()
    from autocrm.cli.demo import source_files
    from autocrm.dealers.services import import_dealers
    from autocrm.pipeline import batch

    import_dealers(data / "dealers.csv")
    t0 = time.perf_counter()
    report = batch.run(source_files(data))
    return {"seconds": time.perf_counter() - t0, "stages": report.stages,
            "memory": report.memory, "records": report.records,
            "customers": report.customers_new}


def incremental(data: Path, delta: Path) -> dict[str, object]:
    """Load everything, then time the load of the delta files."""
    first = full(data)
    from autocrm.cli.demo import source_files
    from autocrm.pipeline import batch

    files = source_files(delta)
    t0 = time.perf_counter()
    report = batch.run(files)
    return {"seconds": time.perf_counter() - t0, "records": report.records,
            "full_seconds": first["seconds"], "stages": report.stages,
            "held": report.held, "touched": report.customers_touched}


def delta(files_dir: Path) -> dict[str, object]:
    """Load the files below `files_dir` into the existing store: a day's incremental load."""
    _django()
    from autocrm.cli.demo import source_files
    from autocrm.pipeline import batch

    t0 = time.perf_counter()
    report = batch.run(source_files(files_dir))
    return {"seconds": time.perf_counter() - t0, "stages": report.stages,
            "records": report.records, "touched": report.customers_touched,
            "unchanged": sum(f.rows_unchanged for f in report.files),
            "held": report.held, "peak_mib": peak_rss_mib()}


def _read_any(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return pl.read_excel(path, engine="calamine", infer_schema_length=0)
    if suffix == ".jsonl":
        return pl.read_ndjson(path, infer_schema_length=None)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    if suffix == ".json":
        return pl.DataFrame(json.loads(text), infer_schema_length=None)
    return pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=True)


def floor(data: Path, pg_url: str) -> dict[str, object]:
    """Read every file with Polars and COPY the rows into PostgreSQL as they are."""
    import django
    import psycopg

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    django.setup()
    from autocrm.cli.demo import source_files

    t0 = time.perf_counter()
    rows = 0
    with psycopg.connect(pg_url) as conn:
        for i, (_, path) in enumerate(source_files(data)):
            frame = _read_any(path).cast(pl.Utf8)
            cols = ", ".join(f"c{j} text" for j in range(frame.width))
            conn.execute(f"CREATE TABLE f{i} ({cols})")
            buf = frame.write_csv(include_header=False)
            with conn.cursor().copy(f"COPY f{i} FROM STDIN (FORMAT csv)") as copy:
                copy.write(buf)
            rows += frame.height
        conn.commit()
    return {"seconds": time.perf_counter() - t0, "rows": rows, "peak_mib": peak_rss_mib()}


def splink_alone(data: Path) -> dict[str, object]:
    """Deduplicate the same cleaned customer rows with Splink alone, default-style settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    import django

    django.setup()
    import datetime as dt

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from autocrm.cli.demo import source_files
    from autocrm.identity.evaluate import pairwise_scores
    from autocrm.pipeline.extract import extract
    from autocrm.pipeline.records import build_records, identity_frame
    from autocrm.sources.config import get_source

    today = dt.date.today()
    pairs = [(extract(get_source(c), p, today), i) for i, (c, p) in enumerate(source_files(data))]
    records = build_records(pairs, 1)
    frame = identity_frame(records).join(
        records.select("record_id", "source", "feed", "record_key"), on=["record_id", "source"]
    )
    people = frame.select(
        pl.col("record_id").alias("unique_id"), "name", "phone", "id_number",
        pl.col("birth_date").cast(pl.Utf8), "city",
    )
    tmp = Path(tempfile.mkdtemp())
    people.write_parquet(tmp / "people.parquet")
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"CREATE TABLE people AS SELECT * FROM read_parquet('{tmp}/people.parquet')")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("id_number"), cl.ExactMatch("phone"),
            cl.JaroWinklerAtThresholds("name"), cl.ExactMatch("birth_date"),
            cl.ExactMatch("city"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_number"), block_on("phone"), block_on("name", "city"),
        ],
    )
    linker = Linker("people", settings, DuckDBAPI(con))
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_number")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name", "city"))
    preds = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(preds, 0.9)
    con.execute(f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) "
                f"TO '{tmp}/clusters.parquet' (FORMAT parquet)")
    found = pl.read_parquet(tmp / "clusters.parquet")
    seconds = time.perf_counter() - t0
    truth = pl.read_parquet(data / "truth" / "records.parquet").filter(
        pl.col("person_id").is_not_null()
    )
    keyed = frame.select(pl.col("record_id").alias("unique_id"), "source", "feed",
                         pl.col("record_key").alias("key"))
    joined = keyed.join(truth, on=["source", "feed", "key"]).join(
        found.with_columns(pl.col("unique_id").cast(pl.Int64),
                           pl.col("cluster_id").cast(pl.Utf8)), on="unique_id")
    pred = joined.select(pl.col("unique_id"), pl.col("cluster_id"))
    true = joined.select(pl.col("unique_id"), pl.col("person_id").alias("cluster_id"))
    s = pairwise_scores(pred, true, "unique_id")
    return {"seconds": seconds, "rows": people.height, "precision": s.precision,
            "recall": s.recall, "f1": s.f1, "peak_mib": peak_rss_mib()}


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    if job == "full":
        result = full(Path(args[0]))
    elif job == "load":
        result = load(Path(args[0]))
    elif job == "delta":
        result = delta(Path(args[0]))
    elif job == "incremental":
        result = incremental(Path(args[0]), Path(args[1]))
    elif job == "floor":
        result = floor(Path(args[0]), args[1])
    else:
        result = splink_alone(Path(args[0]))
    print(json.dumps(result, default=str))

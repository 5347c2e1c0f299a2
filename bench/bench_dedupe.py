"""`autocrm dedupe` against Splink alone (default-style settings) on generated people tables.

Usage: python bench/bench_dedupe.py --rows 10000 100000 [--write]
(--write replaces the section's table; the notes under it are kept by hand.)
Both read the same CSV (Latin-script people with typos, swapped fields, missing values as
empty or NA, dates as YYYYMMDD) in the same run; F1 is pairwise against the known truth.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autocrm.identity import dedupe  # noqa: E402
from autocrm.identity.evaluate import pairwise_scores  # noqa: E402
from bench.common import machine, write_section  # noqa: E402
from tests.identity import synth_latin  # noqa: E402
from tests.identity.test_dedupe_product import AT_SCALE, PEOPLE  # noqa: E402

SCALE = 500_000  # from this size both tools block on the surname with the first initial


def run_dedupe(source: Path, tmp: Path, rows: int) -> tuple[float, pl.DataFrame]:
    """Time the command's work (read, normalise, match, write) with the docs' config."""
    (tmp / "m.toml").write_text(AT_SCALE if rows >= SCALE else PEOPLE, encoding="utf-8")
    start = time.perf_counter()
    dedupe.run(source, tmp / "m.toml", tmp / "out.csv")
    seconds = time.perf_counter() - start
    out = pl.read_csv(tmp / "out.csv", infer_schema=False)
    return seconds, out.with_columns(pl.col("cluster_id").cast(pl.Int64))


def run_splink(source: Path, tmp: Path, rows: int) -> tuple[float, pl.DataFrame]:
    """Splink 4 on DuckDB as its tutorial sets it up, reading the same file; at scale with
    the blocks docs/matching.md gives for a million rows."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    surname_initial = block_on("surname", "substr(first_name, 1, 1)")
    start = time.perf_counter()
    frame = pl.read_csv(source, infer_schema=False).with_columns(
        pl.when(pl.col(c).is_in(["NA", ""])).then(None).otherwise(pl.col(c).str.to_lowercase())
        .alias(c) for c in synth_latin.COLUMNS
    ).rename({"rec_id": "unique_id"})
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y%m%d"),
            cl.LevenshteinAtThresholds("address", 2), cl.ExactMatch("city"),
            cl.ExactMatch("postcode"), cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname"), block_on("first_name", "dob"), block_on("postcode")]
        if rows < SCALE else [surname_initial, block_on("first_name", "dob"),
                              block_on("dob", "postcode"), block_on("email")],
        retain_intermediate_calculation_columns=False,
    )
    frame.write_parquet(tmp / "people.parquet")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE people AS SELECT * FROM read_parquet('{tmp}/people.parquet')")
    linker = Linker("people", settings, db_api=DuckDBAPI(con))
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname") if rows < SCALE else surname_initial)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    con.execute(f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) "
                f"TO '{tmp}/splink.parquet' (FORMAT parquet)")
    out = pl.read_parquet(tmp / "splink.parquet")
    seconds = time.perf_counter() - start
    codes = out.with_columns(pl.col("cluster_id").cast(pl.Utf8).rank("dense").cast(pl.Int64))
    return seconds, codes.rename({"unique_id": "record_id"})


def measure(rows: int) -> list[str]:
    """Both tools on one table; one report line each."""
    frame = synth_latin.people(rows)
    truth = frame.select(pl.col("rec_id").alias("record_id"), pl.col("person").alias("cluster_id"))
    lines = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        source = tmp / "people.csv"
        frame.drop("person").write_csv(source)
        for tool, run in (("autocrm dedupe", lambda: run_dedupe(source, tmp, rows)),
                          ("Splink alone", lambda: run_splink(source, tmp, rows))):
            seconds, clusters = run()
            s = pairwise_scores(clusters, truth, "record_id")
            line = (f"| {rows:,} | {tool} | {seconds:.1f} | {rows / seconds:,.0f} | "
                    f"{s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} |")
            print(line, flush=True)
            lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    lines = ["| rows | tool | seconds | records/s | precision | recall | F1 |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for rows in args.rows:
        lines.extend(measure(rows))
    if args.write:
        write_section("dedupe against Splink alone", "\n".join([
            f"Machine: {machine()}. Generated Latin-script people (`tests/identity/synth_latin.py`:"
            " typos, swapped names, day/month swaps, missing values as empty or NA, dates as "
            "YYYYMMDD); `autocrm dedupe` with the docs' config (`docs/matching.md`, no key), "
            "Splink 4.0 alone as its tutorial sets it up (NameComparison, DateOfBirthComparison, "
            "EmailComparison, prior from a first name + surname + birth date rule with recall "
            "0.7, u by 1M random pairs, EM on surname and on first name + birth date, threshold "
            "0.9). Same file, same run; seconds include reading the CSV and writing clusters.",
            "", *lines]))


if __name__ == "__main__":
    main()

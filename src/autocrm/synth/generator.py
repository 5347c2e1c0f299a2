"""``generate``: build the world, write every source file and the ground truth."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import polars as pl

from .config import DefectRates, GenerationSummary
from .emit import Output, World, emit, to_date
from .feeds_cc_web import cc_outputs, web_outputs
from .feeds_club_svy import club_members, svy_surveys
from .feeds_dms import dms_outputs, repair_orders
from .feeds_fin_inv import fin_contracts, inv_invoices
from .feeds_lead import lead_outputs, lead_truth
from .fleet import build_dealers, build_ownerships, build_service, build_vehicles
from .geo import load_geo
from .people import build_people
from .writers import write_csv

Progress = Callable[[str, int, int], None]
RESALE_SHARE = 0.08
PROSPECT_SHARE = 0.10
FLUSH_ROWS = 1_000_000
STAGES = ("world", "FIN", "INV", "DMS", "CC", "WEB", "SVY", "CLUB", "LEAD", "truth")


def build_world(customers: int, seed: int, dealers: int | None, rates: DefectRates) -> World:
    """The true state of the world, without writing anything."""
    geo = load_geo()
    n_dealers = dealers if dealers is not None else max(5, min(200, customers // 500))
    dealer_df = build_dealers(n_dealers, geo, seed)
    prospects = int(round(customers * PROSPECT_SHARE))
    w = dealer_df["weight"].to_numpy()
    home = np.random.default_rng([seed, 0]).choice(n_dealers, customers + prospects, p=w / w.sum())
    people = build_people(customers, prospects, home, dealer_df["city"].to_numpy(), geo, rates,
                          seed)
    vehicles = build_vehicles(people, dealer_df, geo, seed)
    owners = build_ownerships(vehicles, people, RESALE_SHARE, seed)
    service = build_service(owners, vehicles, people, dealer_df, seed)
    return World(geo, people, dealer_df, vehicles, owners, service, rates, seed)


def _write_truth(world: World, truth: Path) -> None:
    p, v, geo = world.people, world.vehicles, world.geo
    pl.concat([p.select(
        "person_id", "kind", "name", "id_number",
        pl.col("gender").replace_strict({1: "男", 2: "女"}, default=None, return_dtype=pl.String),
        "birth_date",
        pl.concat_list([pl.col("phone1"), pl.col("phone2"), pl.col("phone3")])
        .list.eval(pl.element().filter(pl.element() > 0).cast(pl.String)).alias("phones"),
        pl.Series("province", geo.prov_name[p["prov"].to_numpy()]),
        pl.Series("city", geo.city_name[p["city"].to_numpy()]),
        "address", "is_customer",
    ), lead_truth(world)]).write_parquet(truth / "persons.parquet")
    v.select(
        "vin", "model", "config", "plate", to_date(v["purchase"].to_numpy()).alias("purchase_date"),
        world.dealers["dealer_code"].gather(v["dealer"].to_numpy()).alias("dealer_code"),
    ).write_parquet(truth / "vehicles.parquet")
    o = world.owners
    end = o["end"].to_numpy()
    pl.DataFrame({
        "vin": v["vin"].gather(o["vidx"].to_numpy()),
        "person_id": p["person_id"].gather(o["pidx"].to_numpy()),
        "start": to_date(o["start"].to_numpy()),
        "end": to_date(np.where(end >= 0, end, -10**6)),
    }).write_parquet(truth / "ownerships.parquet")


def _outputs(world: World) -> Iterator[tuple[str, Output]]:
    for out in fin_contracts(world):
        yield "FIN", out
    for out in inv_invoices(world):
        yield "INV", out
    orders = repair_orders(world)
    for out in dms_outputs(world, orders):
        yield "DMS", out
    for out in cc_outputs(world):
        yield "CC", out
    for out in web_outputs(world):
        yield "WEB", out
    for out in svy_surveys(world, orders):
        yield "SVY", out
    yield "CLUB", club_members(world)
    yield "LEAD", lead_outputs(world)


def generate(out_dir: Path, customers: int = 20_000, seed: int = 42, dealers: int | None = None,
             defects: DefectRates | None = None, progress: Progress | None = None
             ) -> GenerationSummary:
    """Write a realistic multi-source data set of ``customers`` customers under ``out_dir``
    (layout ``<SOURCE>/...``, ``dealers.csv``) plus its ground truth under ``truth/``.

    Same arguments give byte-identical files. ``dealers`` defaults to
    ``max(5, min(200, customers // 500))``; ``defects`` to :class:`DefectRates` defaults.
    ``progress(stage, done, total)`` is called when the world is built and after each source
    (stages: world, FIN, INV, DMS, CC, WEB, SVY, CLUB, LEAD, truth). Existing files are overwritten,
    other files in ``out_dir`` are left alone."""
    out_dir = Path(out_dir)
    rates = defects or DefectRates()
    report = progress or (lambda stage, done, total: None)
    report("world", 0, len(STAGES))
    world = build_world(customers, seed, dealers, rates)
    report("world", 1, len(STAGES))
    truth = out_dir / "truth"
    parts = truth / "_parts"
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True)
    d = world.dealers
    write_csv(pl.DataFrame({"经销商代码": d["dealer_code"], "经销商名称": d["dealer_name"],
                            "省份": d["province"], "城市": d["city_name"]}),
              out_dir / "dealers.csv")
    _write_truth(world, truth)
    summary = GenerationSummary(
        out_dir, persons=world.people.height,
        companies=int((world.people["kind"] == "company").sum()),
        vehicles=world.vehicles.height, dealers=d.height)
    _write_feeds(out_dir, _outputs(world), parts, summary, report)
    files = sorted(parts.glob("*.parquet"))
    pl.concat([pl.scan_parquet(f) for f in files]).sink_parquet(truth / "records.parquet")
    shutil.rmtree(parts)
    report("truth", len(STAGES), len(STAGES))
    return summary


def _write_feeds(out_dir: Path, outputs: Iterable[tuple[str, Output]], parts: Path,
                 summary: GenerationSummary, report: Progress) -> None:
    """Write every output; buffer truth records and flush them in a few large parts.
    Reports each source when its files are written."""
    buffer: list[pl.DataFrame] = []
    size, flushed, current = 0, 0, ""
    for stage, out in outputs:
        if current and stage != current:
            report(current, STAGES.index(current) + 1, len(STAGES))
        current = stage
        records, counts = emit(out_dir, out, summary.files)
        for rel, rows in counts.items():
            summary.files[rel] = summary.files.get(rel, 0) + rows
        buffer.append(records)
        size += records.height
        if size >= FLUSH_ROWS:
            pl.concat(buffer).write_parquet(parts / f"{flushed:05d}.parquet")
            buffer, size, flushed = [], 0, flushed + 1
    report(current, STAGES.index(current) + 1, len(STAGES))
    if buffer:
        pl.concat(buffer).write_parquet(parts / f"{flushed:05d}.parquet")

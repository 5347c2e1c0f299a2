"""Typer application: commands delegate to services; no business rules here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from autocrm.cli import setup
from autocrm.cli.progress import bar

app = typer.Typer(
    help="autocrm — 汽车品牌客户数据平台 (customer data platform)", no_args_is_help=True
)
customer_app = typer.Typer(help="查看客户 (customers)", no_args_is_help=True)
app.add_typer(customer_app, name="customer")
leads_app = typer.Typer(help="线索 (leads)", no_args_is_help=True)
app.add_typer(leads_app, name="leads")
# Not on a terminal (a log, a pipe) the report keeps its width, so file names stay whole.
console = Console() if sys.stdout.isatty() else Console(width=200)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="output directory")],
    customers: Annotated[int, typer.Option(help="number of real customers")] = 20_000,
    seed: Annotated[int, typer.Option(help="random seed")] = 42,
) -> None:
    """Generate realistic source files of every system, with ground truth in OUT/truth."""
    from autocrm.synth import generate as gen

    with bar() as progress:
        summary = gen(out, customers=customers, seed=seed, progress=progress)
    console.print(f"写入 {len(summary.files)} 个文件到 {out} ({sum(summary.files.values())} 行)")


@app.command()
def load(
    source: Annotated[str, typer.Argument(help="FIN, INV, DMS, CC, WEB, SVY, CLUB or LEAD")],
    files: Annotated[list[Path], typer.Argument(help="files of that source")],
) -> None:
    """Load files of one source system through the whole pipeline, all or nothing."""
    setup()
    from autocrm.cli.report import print_batch
    from autocrm.core.errors import InputError
    from autocrm.pipeline import batch

    try:
        with bar() as progress:
            report = batch.run([(source, f) for f in files], progress=progress)
    except InputError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=2) from None
    print_batch(console, report)
    if any(f.status == "failed" for f in report.files):
        raise typer.Exit(code=1)


@customer_app.command("show")
def customer_show(
    key: Annotated[str, typer.Argument(help="unified ID, id, phone, VIN, plate or name")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Show the 360° record of a customer."""
    setup()
    from autocrm.accounts.actor import SYSTEM
    from autocrm.cli.report import print_customer
    from autocrm.customers import search, services
    from autocrm.customers.models import Customer

    query = f"#{key}" if key.isdigit() and len(key) < 11 else key  # here a number is an id
    result = search.find(query, SYSTEM)
    found = [Customer.objects.get(id=h["id"]) for h in result.hits]
    if not found:
        console.print(f"[red]未找到客户 {key} (no customer found)[/red]")
        raise typer.Exit(code=1)
    if len(found) > 1 and not as_json:
        for c in found:
            console.print(f"{c.id}\t{c.unified_id}\t{c.name}\t{c.phone}\t{c.city}")
        console.print(f"找到 {len(found)} 位客户，请用客户编号查看 (several matches)")
        return
    view = services.view_customer(found[0].id, SYSTEM, channel="cli")
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2, default=str))
    else:
        print_customer(console, view)


@leads_app.command("mine")
def leads_mine(
    rule: Annotated[str, typer.Option(help="a rule of leads/config/mining.toml, e.g. year4")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count and list only")] = False,
    out: Annotated[Path | None, typer.Option(help="write the owners found (.xlsx or .csv)")]
    = None,
) -> None:
    """Turn owners matching a repurchase rule into leads in HQ's pool (or only list them)."""
    setup()
    from autocrm.accounts.actor import SYSTEM
    from autocrm.core.errors import InputError
    from autocrm.leads import mining

    try:
        done, found = mining.mine(SYSTEM, rule, dry_run=dry_run)
    except InputError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=2) from None
    if out is not None:
        if out.suffix.lower() == ".xlsx":
            found.write_excel(out, worksheet=rule)
        else:
            found.write_csv(out)
    console.print(f"规则 rule {rule}: 找到 matched {done.matched}, 已有进行中线索 open already "
                  f"{done.open_already}, 新建线索 created {done.created}"
                  + (f"; 写入 {out}" if out else ""))


@leads_app.command("key-accounts")
def leads_key_accounts() -> None:
    """Recount the key accounts (companies, owners of several cars) of the whole store."""
    setup()
    from autocrm.leads import key_accounts

    done = key_accounts.refresh()
    console.print(f"重点客户 key accounts: 新增 added {done['added']}, 移除 removed "
                  f"{done['removed']}, 更新 changed {done['changed']}")


@app.command()
def feedback(
    dealer: Annotated[str, typer.Option(help="dealer code")],
    out: Annotated[Path, typer.Option(help="XLSX file to write")],
) -> None:
    """Write a dealer's error report: every rejected or incomplete row, and its quality score."""
    setup()
    from autocrm.quality import feedback as fb

    count = fb.write_report(dealer, out)
    console.print(f"{dealer}: {count} 条问题写入 {out}")


@app.command()
def dedupe(
    input_csv: Annotated[Path, typer.Argument(help="CSV to deduplicate (UTF-8 or GB18030)")],
    config: Annotated[Path, typer.Option(help="match config (TOML), see docs/matching.md")],
    out: Annotated[Path, typer.Option(help="CSV to write: record_id,cluster_id")],
    pairs: Annotated[Path | None, typer.Option(
        help="also write every scored pair: both ids, match weight, level of each field")] = None,
    link_only: Annotated[str | None, typer.Option(
        "--link-only", help="source column: records of one source are never compared")] = None,
) -> None:
    """Cluster the rows of any table with the matching engine, configured by a TOML file.

    The config format, every comparison and two worked examples: docs/matching.md.
    """
    from rich.markup import escape

    from autocrm.cli.dedupe_report import print_dedupe, steps
    from autocrm.core.errors import InputError
    from autocrm.identity import dedupe as matching

    try:
        with steps(console) as progress:
            report = matching.run(input_csv, config, out, progress=progress, pairs_csv=pairs,
                                  link_only=link_only)
    except InputError as exc:
        console.print(f"[red]{escape(exc.message)}[/red]", soft_wrap=True)  # one line
        raise typer.Exit(code=2) from None
    print_dedupe(console, report, str(out))


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="port on localhost")] = 8000,
    host: Annotated[str, typer.Option(help="interface")] = "127.0.0.1",
) -> None:
    """Serve the web app and API (OpenAPI docs at /api/docs)."""
    setup()
    from autocrm.cli.demo import serve_app

    serve_app(host, port)


@app.command()
def demo(
    customers: Annotated[int, typer.Option(help="number of real customers")] = 20_000,
    seed: Annotated[int, typer.Option(help="random seed")] = 42,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="serve after")] = True,
    port: Annotated[int, typer.Option(help="port on localhost")] = 8000,
    data: Annotated[Path | None, typer.Option(help="where to write source files")] = None,
    password: Annotated[str | None, typer.Option(help="password of every demo user")] = None,
) -> None:
    """Generate multi-source data, unify it into the store, print a summary, serve the app."""
    setup()
    from autocrm.cli.demo import ensure_users, run_demo, serve_app, work_leads

    run_demo(console, customers=customers, seed=seed, data=data)
    ensure_users(console, password)
    work_leads(console, seed)
    if serve_after:
        serve_app("127.0.0.1", port)

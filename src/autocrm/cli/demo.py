"""The demo: generate data, unify it, print what happened, serve the app."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from rich.console import Console
from rich.markup import escape

from autocrm.cli.progress import bar
from autocrm.cli.report import print_batch, print_summary

SOURCE_ORDER = ("FIN", "INV", "CLUB", "DMS", "CC", "SVY", "WEB")
SUFFIXES = {".csv", ".xlsx", ".json", ".jsonl"}


def source_files(root: Path) -> list[tuple[str, Path]]:
    """Return (source, file) for every source file below `root`, in trust order."""
    out = []
    for code in SOURCE_ORDER:
        files = sorted(p for p in (root / code).rglob("*") if p.suffix.lower() in SUFFIXES)
        out += [(code, p) for p in files]
    return out


def run_demo(console: Console, *, customers: int, seed: int, data: Path | None) -> None:
    """Generate (once per size and seed), load everything, print the summary."""
    from autocrm.dealers.services import import_dealers
    from autocrm.pipeline import batch
    from autocrm.synth import generate

    root = data or Path(settings.DATA_DIR) / "demo-data" / f"c{customers}-s{seed}"
    if not (root / "truth" / "records.parquet").exists() or not (root / "LEAD").is_dir():
        console.print(f"生成 {customers} 位客户的多源数据 → {root}")
        with bar() as progress:
            generate(root, customers=customers, seed=seed, progress=progress)
    import_dealers(root / "dealers.csv")
    files = source_files(root)
    console.print(f"加载 {len(files)} 个文件 (loading {len(files)} files)")
    started = time.perf_counter()
    with bar() as progress:
        report = batch.run(files, progress=progress)
    print_batch(console, report, brief=True)
    print_summary(console, root / "truth", time.perf_counter() - started)
    load_prospects(console, root)


def load_prospects(console: Console, root: Path) -> None:
    """Load this month's prospect lists (an auto show, a bought list); print how their rows
    ended and how well they were linked to the right people."""
    from autocrm.pipeline import batch
    from autocrm.pipeline.evaluation import lead_match_quality

    files = sorted(p for p in (root / "LEAD").glob("*") if p.suffix.lower() in SUFFIXES)
    report = batch.run([("LEAD", f) for f in files])
    split = report.leads
    console.print(f"潜客名单 prospect lists: 新线索 {split.get('new', 0)} · 老客户新意向 "
                  f"{split.get('existing', 0)} · 合并到已有线索 {split.get('merged', 0)}")
    if (root / "truth" / "records.parquet").exists():
        s = lead_match_quality(root / "truth")
        console.print(f"线索归属质量 lead linking vs truth: precision {s.precision:.4f}, recall "
                      f"{s.recall:.4f}, F1 {s.f1:.4f}")


def work_leads(console: Console, seed: int) -> None:
    """Give the demo's leads a history: dealers, salespeople, answers, follow-ups, stages."""
    from autocrm.accounts.models import Membership
    from autocrm.leads import history

    salespeople: dict[str, list[int]] = {}
    for code, user in Membership.objects.filter(role__code="dealer_sales").values_list(
            "dealer__code", "user_id"):
        salespeople.setdefault(code, []).append(user)
    done = history.fill(salespeople, seed=seed)
    console.print(f"线索跟进历史 lead history: 跟进中 {done.worked} 条, 跟进记录 "
                  f"{done.follow_ups} 条, 战败 {done.lost} 条, 过期关闭 {done.closed_old} 条")


def ensure_users(console: Console, password: str | None) -> None:
    """Create the demo users (one per role and dealer) and print who is who, once."""
    import secrets

    from rich.table import Table

    from autocrm.accounts.demo import create_demo_users

    password = password or secrets.token_urlsafe(9)
    users = create_demo_users(password)
    table = Table(title="演示用户 demo users", show_lines=False)
    for column in ("用户名 username", "部门 department", "角色 role", "经销商 dealer"):
        table.add_column(column)
    hq = [u for u in users if not u.dealer]
    dealer_users = [u for u in users if u.dealer]
    for u in hq + dealer_users[:6]:
        table.add_row(u.username, u.department, u.role, u.dealer)
    console.print(table)
    if len(dealer_users) > 6:
        console.print(f"… 另有 {len(dealer_users) - 6} 个经销商用户，命名为 <经销商代码>_manager / "
                      "_sales / _service (more dealer users, named the same way)")
    console.print(f"所有演示用户的密码 password of every demo user: {escape(password)}")


def serve_app(host: str, port: int, workers: int = 2) -> None:
    """Serve the app with gunicorn (WSGI, `workers` processes) until interrupted."""
    import os
    import sys

    print(f"autocrm 已启动: http://{host}:{port}/  (API: http://{host}:{port}/api/docs)",
          flush=True)
    os.execv(sys.executable, [
        sys.executable, "-m", "gunicorn", "autocrm.wsgi:application", "--bind",
        f"{host}:{port}", "--workers", str(workers), "--log-level", "warning",
    ])

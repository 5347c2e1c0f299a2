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
    if not (root / "truth" / "records.parquet").exists():
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


def ensure_steward(console: Console, password: str | None) -> None:
    """Create the demo's data-steward login (a superuser) once; print its password."""
    import secrets

    from django.contrib.auth import get_user_model

    users = get_user_model()
    if users.objects.filter(username="steward").exists() and not password:
        console.print("数据管理员登录 steward login: steward (已存在 / exists)")
        return
    password = password or secrets.token_urlsafe(9)
    user, _ = users.objects.get_or_create(username="steward")
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    console.print(f"数据管理员登录 steward login: steward / {escape(password)}  (/admin/)")


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

"""Shared helpers for benchmarks: fresh databases, child processes, medians, the report."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "benchmarks.md"


def machine() -> str:
    """Describe the machine the figures were measured on."""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB"


def fresh_env(backend: str, pg_url: str | None) -> tuple[dict[str, str], str]:
    """Return the environment of an empty database of `backend`, and its name."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    name = f"bench_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        home = OUT / "home" / name
        home.mkdir(parents=True)
        env["AUTOCRM_HOME"] = str(home)
        return env, name
    assert pg_url, "--pg-url is needed for postgres"
    with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = pg_url.rsplit("/", 1)[0] + "/" + name
    env["AUTOCRM_HOME"] = str(OUT / "home" / name)
    return env, name


def drop(backend: str, pg_url: str | None, name: str) -> None:
    """Drop a benchmark database."""
    if backend == "postgres" and pg_url:
        with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _admin(pg_url: str, sql: str) -> None:
    with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _files(backend: str, env: dict[str, str], name: str) -> tuple[list[Path], list[Path]]:
    """Return the files of the store and of its snapshot."""
    if backend == "sqlite":
        home = Path(env["AUTOCRM_HOME"])
        return [home / "autocrm.sqlite3"], [home / "snapshot.sqlite3"]
    url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as conn:
        data = Path(conn.execute("SHOW data_directory").fetchone()[0])  # type: ignore[index]
        oids = dict(conn.execute("SELECT datname, oid FROM pg_database").fetchall())

    def files(db: str) -> list[Path]:
        return sorted((data / "base" / str(oids[db])).iterdir()) if db in oids else []

    return files(name), files(f"{name}_snap")


def _page_cache(keep: list[Path], drop: list[Path]) -> None:
    """Read `keep` into the page cache and evict `drop` from it."""
    for path in drop:
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    for path in keep:
        if path.is_file():
            with path.open("rb") as fh:
                while fh.read(1 << 22):
                    pass


def _settle(backend: str, env: dict[str, str], name: str) -> None:
    """Put the store in the state a running server's is in before the next run.

    A template copy (14 GB at a million customers) leaves gigabytes of dirty pages; a delta
    run that started at once took 20-30% longer while the kernel wrote them back. And the
    store and its snapshot do not both fit in this machine's page cache: the run would read
    from disk what a server whose database fits in memory holds there (a 1% delta into the
    1M store took 37.8 s so, 29.0 s with the store's files cached). So the snapshot's files
    are evicted from the cache and the store's read into it.
    """
    if backend == "postgres":
        _admin(env["DATABASE_URL"], "CHECKPOINT")
    os.sync()
    store, snap = _files(backend, env, name)
    _page_cache(store, snap)


def snapshot(backend: str, env: dict[str, str], name: str) -> None:
    """Keep a copy of a benchmark store, to run the same delta on it more than once."""
    if backend == "postgres":
        _admin(env["DATABASE_URL"],
               f"CREATE DATABASE {name}_snap TEMPLATE {name} STRATEGY FILE_COPY")
    else:
        home = Path(env["AUTOCRM_HOME"])
        shutil.copyfile(home / "autocrm.sqlite3", home / "snapshot.sqlite3")
    _settle(backend, env, name)


def restore(backend: str, env: dict[str, str], name: str) -> None:
    """Put the store back as `snapshot` kept it."""
    if backend == "postgres":
        _admin(env["DATABASE_URL"], f"DROP DATABASE {name} WITH (FORCE)")
        _admin(env["DATABASE_URL"],
               f"CREATE DATABASE {name} TEMPLATE {name}_snap STRATEGY FILE_COPY")
    else:
        home = Path(env["AUTOCRM_HOME"])
        for extra in ("-wal", "-shm"):
            (home / f"autocrm.sqlite3{extra}").unlink(missing_ok=True)
        shutil.copyfile(home / "snapshot.sqlite3", home / "autocrm.sqlite3")
    _settle(backend, env, name)


def drop_snapshot(backend: str, env: dict[str, str], name: str) -> None:
    """Remove what `snapshot` kept."""
    if backend == "postgres":
        _admin(env["DATABASE_URL"], f"DROP DATABASE IF EXISTS {name}_snap")
    else:
        (Path(env["AUTOCRM_HOME"]) / "snapshot.sqlite3").unlink(missing_ok=True)


def child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run `python -m bench.<args>` and return the JSON it prints on its last line.

    The child gets the allocator settings `autocrm` gives itself, as the `autocrm` command
    runs: Polars, imported first in this process, wrote its own default into the environment
    (`_RJEM_MALLOC_CONF` = dirty_decay_ms:500,muzzy_decay_ms:-1, freed pages kept for ever),
    which a child would inherit and keep (a million-customer load then peaked at 14.2 GiB, not
    9.5).
    """
    env = {k: v for k, v in env.items() if k != "_RJEM_MALLOC_CONF"}
    out = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{args} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_rss_mib() -> float:
    """Return this process's peak resident memory in MiB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values: list[float]) -> float:
    """Return the median, or NaN for none."""
    return statistics.median(values) if values else float("nan")


def write_section(title: str, body: str) -> None:
    """Replace (or add) one `## title` section of docs/benchmarks.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    marker = f"## {title}\n"
    start = text.find(marker)
    if start >= 0:
        end = text.find("\n## ", start + len(marker))
        text = text[:start] + text[end + 1 if end >= 0 else len(text):]
    DOC.write_text(text.rstrip("\n") + "\n\n" + marker + body.rstrip("\n") + "\n",
                   encoding="utf-8")

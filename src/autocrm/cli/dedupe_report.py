"""Progress and summary of `autocrm dedupe`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from autocrm.identity.dedupe import DedupeReport


@contextmanager
def steps(console: Console) -> Iterator[Callable[[str], None]]:
    """Yield a callback showing each engine message as a step, the running one spinning."""
    with Progress(SpinnerColumn(finished_text="✓"), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console, transient=False) as prog:
        current: list[TaskID] = []

        def say(message: str) -> None:
            if current:
                prog.update(current[-1], completed=1)
            current.append(prog.add_task(escape(message), total=1))

        try:
            yield say
        except BaseException:
            if current:  # the step that failed is not done: the error line says why
                prog.remove_task(current[-1])
            raise
        if current:
            prog.update(current[-1], completed=1)


def print_dedupe(console: Console, report: DedupeReport, out: str) -> None:
    """Print every warning, then what was compared, linked and clustered, a line each."""
    console = Console(file=console.file, soft_wrap=True, highlight=False,
                      force_terminal=console.is_terminal)
    for warning in report.warnings:
        console.print(f"[yellow]警告 warning:[/yellow] {escape(warning)}")
    console.print(f"记录 records: {report.records}")
    compared = "—" if report.compared is None else str(report.compared)
    console.print(f"比较的候选对 pairs compared: {compared}")
    for rule, count in report.links.items():
        console.print(f"链接 links {rule}: {count}")
    if not report.links:
        console.print("链接 links: 0")
    if report.prior is not None:
        prior = report.prior
        estimates = ", ".join(
            f"{name} {value:.3g}" for name, value in (("keys", prior.keys), ("EM", prior.em))
            if value is not None
        )
        console.print(f"先验 prior: {prior.used:.3g} ({prior.source}"
                      f"{'; ' + estimates if estimates else ''})")
    console.print(f"阈值 threshold: {report.threshold}")
    sizes = ", ".join(f"{size}: {count}" for size, count in report.sizes.items())
    console.print(f"聚类大小 clusters by size: {sizes}")
    console.print(f"写入 {escape(out)}: {report.clusters} 个聚类")

"""Rich progress bars for long stages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

STAGE_ZH = {
    "extract": "读取与清洗", "match": "客户匹配", "merge": "合并黄金记录", "publish": "写入数据库",
    "indexes": "重建索引",
}


@contextmanager
def bar() -> Iterator[Callable[[str, int, int], None]]:
    """Yield a progress callback (stage, done, total) drawing one bar per stage."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), transient=False,
    ) as prog:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(STAGE_ZH.get(stage, stage), total=total)
            prog.update(tasks[stage], completed=done, total=total)

        yield update

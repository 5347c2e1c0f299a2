"""Rich progress bars for long stages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

STAGE_ZH = {
    "read": "读取文件", "clean": "数据清洗", "prepare": "生成源记录", "supersede": "替换旧版本",
    "match": "客户匹配", "link": "关联车辆与帖子", "merge": "合并黄金记录", "publish": "写入数据库",
    "timeline": "写入接触记录", "repairs": "写入维修记录", "dealer_links": "更新经销商关系",
    "search": "更新搜索索引", "leads": "生成线索",
    "finish": "问题与统计", "indexes": "重建索引",
    "wait": "等待另一个导入完成",
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
            if stage == "wait" and done == 0:  # said at once, also in a log file
                prog.console.print("另一个导入正在进行，等待它完成…")
            if stage not in tasks:
                tasks[stage] = prog.add_task(STAGE_ZH.get(stage, stage), total=total)
            prog.update(tasks[stage], completed=done, total=total)

        yield update

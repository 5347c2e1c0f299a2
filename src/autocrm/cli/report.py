"""Print batch reports, the demo summary and customer records as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.models import Count, Sum
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autocrm.pipeline.batch import BatchReport


def print_batch(console: Console, report: BatchReport, brief: bool = False) -> None:
    """Print what happened to each file (or only the failed ones when brief)."""
    table = Table("文件 file", "来源 source", "类型 feed", "状态 status", "读取 read",
                  "入库 loaded", "未变 unchanged", "拒绝 rejected", "问题行 issues", "说明 note")
    for f in report.files:
        if brief and f.status == "loaded":
            continue
        table.add_row(Path(f.path).name, f.source, f.feed, f.status, str(f.rows_read),
                      str(f.rows_loaded), str(f.rows_unchanged), str(f.rows_rejected),
                      str(f.rows_with_issues), f.error)
    if table.row_count:
        console.print(table)
    for f in report.files:
        if f.notice:
            console.print(
                f"[yellow]接口变更 interface change[/yellow] {escape(Path(f.path).name)}: "
                f"新增 added {f.notice['added']}, 缺少 missing {f.notice['missing']}, "
                f"改名 renamed {f.notice['renamed']}"
            )
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in report.stages.items())
    console.print(
        f"批次 {report.batch}: {report.records} 条记录, 新客户 {report.customers_new}, "
        f"涉及客户 {report.customers_touched}, 待审核变更 {report.held}, 合并建议 "
        f"{report.merges}, 车辆 {report.vehicles}  ({stages})"
    )


def print_summary(console: Console, truth_dir: Path, seconds: float) -> None:
    """Print rows per source, rejections per rule, totals and match quality."""
    from autocrm.customers.models import Customer
    from autocrm.pipeline.evaluation import match_quality
    from autocrm.quality.models import Issue
    from autocrm.sources.models import Load
    from autocrm.vehicles.models import RepairOrder, Vehicle

    per_source = Table("来源 source", "文件 files", "读取 read", "入库 loaded", "拒绝 rejected")
    for row in Load.objects.filter(status="done").values("source").annotate(
        n=Count("id"), read=Sum("rows_read"), loaded=Sum("rows_loaded"),
        rejected=Sum("rows_rejected"),
    ).order_by("source"):
        per_source.add_row(row["source"], str(row["n"]), str(row["read"]), str(row["loaded"]),
                           str(row["rejected"]))
    console.print(per_source)
    rules = Table("规则 rule", "级别 severity", "数量 count")
    for issue in Issue.objects.values("rule", "severity").annotate(n=Count("id")).order_by("-n"):
        rules.add_row(issue["rule"], issue["severity"], str(issue["n"]))
    console.print(rules)
    console.print(
        f"黄金客户 customers: {Customer.objects.count()}  车辆 vehicles: "
        f"{Vehicle.objects.count()}  工单 repair orders: {RepairOrder.objects.count()}  "
        f"耗时 {seconds:.1f}s"
    )
    if (truth_dir / "records.parquet").exists():
        s = match_quality(truth_dir)
        console.print(
            f"匹配质量 match quality vs truth: precision {s.precision:.4f}, recall "
            f"{s.recall:.4f}, F1 {s.f1:.4f} (pairs tp {s.tp}, fp {s.fp}, fn {s.fn})"
        )


def print_customer(console: Console, view: dict[str, Any]) -> None:
    """Print a 360° record: profile with lineage, vehicles, timeline."""
    console.print(f"[bold]{view['unified_id']}[/bold] (#{view['id']}, {view['key_type']})")
    prof = Table("字段 field", "值 value", "来源 source", "文件:行 file:row", "规则 rule",
                 "其他候选值 other values")
    for f, e in view["profile"].items():
        others = {str(c["value"]) for c in view["candidates"].get(f, [])} - {str(e["value"])}
        where = f"{e.get('file')}:{e.get('row')}" if e.get("file") else ""
        prof.add_row(f, str(e["value"] or ""), e.get("source", ""), where, e.get("rule", ""),
                     ", ".join(sorted(others)))
    console.print(prof)
    for v in view["vehicles"]:
        console.print(f"[bold]{v['vin']}[/bold] {v['plate']} {v['model']} {v['config']} "
                      f"{v['owned_from']} → {v['owned_until'] or '至今'}")
        for r in v["repairs"]:
            console.print(f"   {r['date']} {r['dealer_code']} {r['type']} {r['items']} "
                          f"{r['mileage'] or ''}km ¥{r['amount'] or ''}")
    timeline = Table("时间 at", "类型 kind", "来源 source", "标题 title", "内容 summary")
    for t in view["timeline"]:
        timeline.add_row(str(t["at"])[:16], t["kind"], t["source"], t["title"],
                         (t["summary"] or "")[:40])
    console.print(timeline)

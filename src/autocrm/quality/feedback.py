"""The dealer's error report (D5): every problem row with how to fix it, and a score over time."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from django.db.models import QuerySet
from django.utils.timezone import localtime

from autocrm.accounts.actor import SYSTEM, Actor
from autocrm.accounts.masking import shown
from autocrm.core import audit
from autocrm.quality.models import Issue
from autocrm.quality.rules import RULES
from autocrm.sources.models import Load

SEVERITY_ZH = {"row": "整行拒收", "field": "字段已删除", "warning": "已自动更正"}
ISSUE_HEADER = ["文件", "行号", "记录键", "字段", "原始值", "规则代码", "问题说明", "修改建议",
                "处理结果", "状态", "加载批次", "加载时间"]
SCORE_HEADER = ["加载时间", "文件", "读取行数", "问题行数", "拒收行数", "质量得分"]


def dealer_issues(dealer: str) -> QuerySet[Issue]:
    """Return the dealer's issues, newest load first."""
    return Issue.objects.filter(dealer_code=dealer).select_related("load").order_by(
        "-load_id", "file_name", "row_no", "field"
    )


def dealer_scores(dealer: str) -> list[tuple]:
    """Return (time, file, read, with issues, rejected, score) for each of the dealer's loads."""
    loads = Load.objects.filter(dealer_code=dealer, status=Load.Status.DONE).order_by("started_at")
    return [
        (localtime(ld.started_at).strftime("%Y-%m-%d %H:%M"), ld.file_name, ld.rows_read,
         ld.rows_with_issues, ld.rows_rejected,
         round(1 - ld.rows_with_issues / ld.rows_read, 4) if ld.rows_read else 1.0)
        for ld in loads
    ]


def write_report(dealer: str, out: Path, actor: Actor | None = None) -> int:
    """Write the dealer's XLSX error report; return the number of open issues.

    Each rejected value is masked as the actor's level masks its field (a mobile, an ID
    number); without an actor (the operator's command line) values are shown whole.
    """
    who = actor or SYSTEM
    issues = list(dealer_issues(dealer))
    book = xlsxwriter.Workbook(str(out))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    sheet = book.add_worksheet("问题明细")
    sheet.write_row(0, 0, ISSUE_HEADER, bold)
    open_count = 0
    for i, it in enumerate(issues, start=1):
        rule = RULES.get(it.rule)
        status = "已更正" if it.resolved_by_id else "待更正"
        open_count += it.resolved_by_id is None
        sheet.write_row(i, 0, [
            it.file_name, it.row_no, it.record_key, it.field, shown(who, it.field, it.value)[0],
            it.rule,
            rule.message_zh if rule else it.rule, rule.fix_zh if rule else "",
            SEVERITY_ZH.get(it.severity, it.severity), status, it.load_id,
            localtime(it.load.started_at).strftime("%Y-%m-%d %H:%M"),
        ])
    sheet.autofilter(0, 0, max(len(issues), 1), len(ISSUE_HEADER) - 1)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 22)
    sheet.set_column(6, 7, 40)
    _score_sheet(book, bold, dealer_scores(dealer))
    book.close()
    audit.record_access("export", "dealer_feedback", dealer, actor=actor.user if actor else None,
                        rows=len(issues))
    return open_count


def _score_sheet(book: xlsxwriter.Workbook, bold: object, scores: list[tuple]) -> None:
    sheet = book.add_worksheet("质量得分")
    sheet.write_row(0, 0, SCORE_HEADER, bold)
    for i, row in enumerate(scores, start=1):
        sheet.write_row(i, 0, row)
    if scores:
        chart = book.add_chart({"type": "line"})
        chart.add_series({
            "name": "质量得分", "categories": ["质量得分", 1, 0, len(scores), 0],
            "values": ["质量得分", 1, 5, len(scores), 5], "marker": {"type": "circle"},
        })
        chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
        chart.set_title({"name": "数据质量得分趋势"})
        sheet.insert_chart("H2", chart)

"""The audit log as an auditor reads it: filters, and the same rows as an XLSX file."""

from __future__ import annotations

import datetime as dt
import json
from typing import IO, Any

import xlsxwriter
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from autocrm.core import audit, days
from autocrm.core.errors import InputError
from autocrm.core.models import ACTIONS, AuditEntry

HEADER = ["时间 Time", "用户 User", "操作 Action", "对象类型 Object type", "对象 Object",
          "客户 Customer", "详情 Detail"]
WIDTHS = [18, 16, 20, 18, 16, 12, 60]


# The days a filter may name: past them a day's bounds overflow what a datetime can hold.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"


def _day(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False,
        widget=DateInput(attrs={"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}),
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )


class AuditFilterForm(forms.Form):
    """The audit log's filters; a field that does not validate is ignored and shown as such."""

    user = forms.CharField(label=_("User"), required=False, max_length=150)
    customer = forms.IntegerField(label=_("Customer ID"), required=False, min_value=1)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = _day(_("From"))
    until = _day(_("To"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True)
        choice = self.fields["action"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", _("Any action")),
                          *((a, ACTIONS.get(a, a)) for a in actions.distinct())]

    def filters(self) -> dict[str, Any]:
        """Return the valid, non-empty filters."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def valid_filters(self) -> dict[str, Any]:
        """Return the non-empty filters, or raise InputError naming the first invalid field."""
        filters = self.filters()
        if self.errors:
            name, errors = next(iter(self.errors.items()))
            detail = " ".join(map(str, errors))
            raise InputError(gettext("invalid filter %(name)s: %(detail)s")
                             % {"name": name, "detail": detail})
        return filters


def entries(filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Return the audit entries matching the filters, newest first (spooled reads included)."""
    audit.drain()
    rows = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if filters.get("user"):
        rows = rows.filter(actor__username=filters["user"])
    if filters.get("customer"):
        rows = rows.filter(customer_id=filters["customer"])
    if filters.get("action"):
        rows = rows.filter(action=filters["action"])
    if filters.get("since"):
        rows = rows.filter(at__gte=days.bounds(filters["since"])[0])
    if filters.get("until"):
        rows = rows.filter(at__lt=days.bounds(filters["until"])[1])
    return rows


def as_text(filters: dict[str, Any]) -> dict[str, str]:
    """Return the filters as strings, for the export's own audit entry."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else str(v) for k, v in filters.items()}


def write_xlsx(rows: QuerySet[AuditEntry], out: IO[bytes]) -> int:
    """Write the entries as an XLSX sheet with Chinese and English headers; return the count."""
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "remove_timezone": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    sheet = book.add_worksheet("审计日志 audit log")
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, HEADER, bold)
    n = 0
    for n, e in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.write_row(n, 0, [
            localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor.get_username() if e.actor else "",
            e.action, e.object_type, e.object_id,
            e.customer_id if e.customer_id is not None else "",
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "",
        ])
    sheet.freeze_panes(1, 0)
    book.close()
    return n

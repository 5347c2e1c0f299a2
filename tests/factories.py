"""Build valid identifiers and source files for tests."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import xlsxwriter

RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}


def ric(region: str = "110105", birth: str = "19850312", seq: str = "123") -> str:
    """Return a valid 18-character resident ID number."""
    body = region + birth + seq
    total = sum(int(c) * w for c, w in zip(body, RIC_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def vin(serial: int, wmi: str = "LFV2A21K") -> str:
    """Return a valid 17-character VIN with its check digit."""
    body = f"{wmi}0A{serial:07d}"  # position 9 is a placeholder
    total = sum(VIN_VALUES[c] * w for c, w in zip(body, VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return body[:8] + check + body[9:]


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8",
              title: str | None = None) -> Path:
    """Write a CSV the way a source system would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        if title:
            w.writerow([title])
        w.writerow(header)
        w.writerows([["" if v is None else v for v in r] for r in rows])
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]],
               title: str | None = None) -> Path:
    """Write an XLSX export, optionally with a title row above the header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    start = 0
    if title:
        sheet.write_row(0, 0, [title])
        start = 1
    sheet.write_row(start, 0, header)
    for i, r in enumerate(rows, start=start + 1):
        sheet.write_row(i, 0, ["" if v is None else v for v in r])
    book.close()
    return path


def write_json(path: Path, objects: list[dict[str, object]], lines: bool = False) -> Path:
    """Write a JSON array or JSON-lines file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if lines:
        path.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in objects) + "\n",
                        encoding="utf-8")
    else:
        path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    return path


FIN_HEADER = ["合同编号", "客户姓名", "证件类型", "证件号码", "手机号码", "车架号", "车型",
              "贷款金额", "期数", "月供", "首次还款日", "保险公司", "保单号", "保险起期",
              "保险止期", "签约日期"]
DMS_CUSTOMER_HEADER = ["经销商代码", "客户编号", "客户姓名", "性别", "出生日期", "证件号码",
                       "手机", "省份", "城市", "详细地址", "职业", "工作单位", "兴趣爱好", "联系人",
                       "亲属", "建档日期"]
DMS_VEHICLE_HEADER = ["经销商代码", "客户编号", "车架号", "车牌号", "车型", "配置", "购车日期",
                      "上牌日期", "首保日期"]
DMS_REPAIR_HEADER = ["经销商代码", "工单号", "车架号", "进厂日期", "里程", "维修类型", "项目",
                     "更换零件", "金额", "技师", "服务顾问"]
INV_HEADER = ["发票号码", "开票日期", "购买方名称", "购买方身份证号码/统一社会信用代码",
              "购买方电话", "车架号码", "厂牌型号", "价税合计", "经销商代码"]


def fin_row(no: str, name: str, id_number: str, phone: str, vin_: str, signed: str = "2024-03-01",
            model: str = "A6L") -> list[object]:
    """Return one FIN contract row."""
    return [no, name, "身份证", id_number, phone, vin_, model, 200000, 36, 6000, "2024-04-01",
            "平安保险", f"P{no}", "2024-03-01", "2025-02-28", signed]


def dms_customer_row(dealer: str, no: str, name: str, id_number: str | None, phone: str | None,
                     address: str = "朝阳区建国路88号") -> list[object]:
    """Return one DMS customer row."""
    return [dealer, no, name, "男", "1985-03-12", id_number, phone, "北京", "北京", address,
            "工程师", "华信科技", "摄影", "李娜", "配偶:李娜", "2024-03-02"]


def scalar(env: dict[str, str], sql: str) -> int:
    """Return the integer result of one SQL query against the store `env` points at."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='autocrm.settings'; "
        "django.setup(); from django.db import connection; c=connection.cursor(); "
        f"c.execute({sql!r}); print(c.fetchone()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip())


PASSWORD = "Pw-for-tests-1"


def ensure_roles() -> None:
    """Re-create the migration's roles after a transactional test emptied the tables."""
    import importlib

    from django.apps import apps

    from autocrm.accounts.models import Role

    if not Role.objects.exists():
        importlib.import_module("autocrm.accounts.migrations.0002_departments_and_roles").create(
            apps, None)
        importlib.import_module("autocrm.accounts.migrations.0005_lead_rights").grant(apps, None)


def make_user(role: str, dealer: str | None = None, username: str | None = None) -> Any:
    """Create a user with a role (and a dealer, created if needed), password PASSWORD."""
    from autocrm.accounts import services
    from autocrm.dealers.models import Dealer

    ensure_roles()
    if dealer:
        Dealer.objects.get_or_create(code=dealer, defaults={"name": f"{dealer} 经销店"})
    return services.set_user(username or f"{role}-{dealer or 'hq'}".lower(), PASSWORD, role,
                             dealer)


ZHANG_ID, LI_ID = ric(), ric(seq="456")


def load_two_dealers(root: Path) -> dict[str, Any]:
    """Load 张伟 (a customer of D11001) and 李娜 (of D11002) through the real pipeline.

    张伟's car was also serviced once at D11002. Returns the two customers' ids.
    """
    import datetime as dt

    from autocrm.customers.models import Customer
    from autocrm.pipeline import batch

    fin = write_csv(root / "FIN" / "fin.csv", FIN_HEADER, [
        fin_row("F001", "张伟", ZHANG_ID, "13800138000", vin(1)),
        fin_row("F002", "李娜", LI_ID, "13700137000", vin(2)),
    ])
    d1 = write_csv(root / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER,
                   [dms_customer_row("D11001", "C1", "张伟", ZHANG_ID, "13800138000")])
    d2 = write_csv(root / "DMS" / "D11002" / "customers.csv", DMS_CUSTOMER_HEADER,
                   [dms_customer_row("D11002", "C7", "李娜", LI_ID, "13700137000",
                                     address="海淀区中关村大街1号")])
    repairs = write_csv(root / "DMS" / "D11001" / "repairs.csv", DMS_REPAIR_HEADER, [
        ["D11001", "R100", vin(1), "2025-05-10", 12000, "保养", "首保", "机油", 680, "王师傅",
         "赵顾问"],
        ["D11002", "R200", vin(1), "2025-09-01", 18000, "维修", "更换刹车片", "刹车片", 1500,
         "钱师傅", "孙顾问"],
    ])
    batch.run([("FIN", fin), ("DMS", d1), ("DMS", d2), ("DMS", repairs)],
              today=dt.date(2026, 11, 1))
    return {"zhang": Customer.objects.get(id_number=ZHANG_ID).id,
            "li": Customer.objects.get(id_number=LI_ID).id}


SEARCH_IDS = {"张伟": ric(seq="111"), "张玮": ric(seq="222"),
              "李娜": ric(region="310104", seq="333")}


def load_search_people(root: Path) -> dict[str, int]:
    """Load 张伟 (mobile ending 3427, car 晋G2719K) and 张玮 (the same mobile start) of D11001,
    and 李娜 of D11002; return their ids by name."""
    import datetime as dt

    from autocrm.customers.models import Customer
    from autocrm.pipeline import batch

    ids = SEARCH_IDS
    fin = write_csv(root / "FIN" / "fin.csv", FIN_HEADER, [
        fin_row("F1", "张伟", ids["张伟"], "13576003427", vin(1)),
        fin_row("F2", "张玮", ids["张玮"], "13576011111", vin(2)),
        fin_row("F3", "李娜", ids["李娜"], "13700137000", vin(3)),
    ])
    d1 = root / "DMS" / "D11001"
    cust = write_csv(d1 / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C1", "张伟", ids["张伟"], "13576003427"),
        dms_customer_row("D11001", "C2", "张玮", ids["张玮"], "13576011111")])
    cars = write_csv(d1 / "vehicles.csv", DMS_VEHICLE_HEADER, [
        ["D11001", "C1", vin(1), "晋G2719K", "A6L", "", "2024-03-01", "2024-03-05", ""]])
    d2 = write_csv(root / "DMS" / "D11002" / "customers.csv", DMS_CUSTOMER_HEADER,
                   [dms_customer_row("D11002", "C7", "李娜", ids["李娜"], "13700137000")])
    batch.run([("FIN", fin), ("DMS", cust), ("DMS", cars), ("DMS", d2)],
              today=dt.date(2026, 11, 1))
    return {name: c for c, name in Customer.objects.values_list("id", "name")}

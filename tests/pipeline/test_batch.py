"""The batch pipeline end to end on small, hand-made source files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from autocrm.customers.models import Customer, CustomerDealer, HeldChange
from autocrm.interactions.models import Interaction
from autocrm.pipeline import batch, extract, merge, publish
from autocrm.quality.models import Issue
from autocrm.sources.models import IdentityKey, InterfaceNotice, Load, SourceRecord
from autocrm.vehicles import build as vehicle_build
from autocrm.vehicles.models import Ownership, RepairOrder, Vehicle
from tests.factories import (
    DMS_CUSTOMER_HEADER,
    DMS_REPAIR_HEADER,
    DMS_VEHICLE_HEADER,
    FIN_HEADER,
    INV_HEADER,
    dms_customer_row,
    fin_row,
    ric,
    vin,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)
ZHANG = ric()
VIN1 = vin(1)


def load(*files: tuple[str, Path]) -> batch.BatchReport:
    return batch.run(list(files), today=TODAY)


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    fin = write_csv(tmp_path / "FIN" / "fin.csv", FIN_HEADER,
                    [fin_row("F001", "张伟", ZHANG, "13800138000", VIN1)], encoding="gb18030")
    dms = tmp_path / "DMS" / "D11001"
    cust = write_csv(dms / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C001", "张玮", ZHANG, "+86 139-0013-9000"),
    ])
    veh = write_xlsx(dms / "vehicles.xlsx", DMS_VEHICLE_HEADER, [
        ["D11001", "C001", VIN1, "京A12345", "A6L 2024", "豪华型", "2024-03-01", "2024-03-05",
         "2024-09-01"],
    ], title="车辆档案导出 2026-11-01")
    rep = write_csv(dms / "repairs.csv", DMS_REPAIR_HEADER, [
        ["D11001", "R001", VIN1, "2024-09-01", "5000", "保养", "首保", "机油", "¥1,200.50",
         "王师傅", "刘顾问"],
    ])
    return {"fin": fin, "cust": cust, "veh": veh, "rep": rep}


def test_sources_unify_into_one_customer_with_lineage(world: dict[str, Path]) -> None:
    report = load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]),
                  ("DMS", world["rep"]))
    assert [f.status for f in report.files] == ["loaded"] * 4
    c = Customer.objects.get()
    assert (c.unified_id, c.key_type, c.name, c.phone) == (ZHANG, "ric", "张伟", "13800138000")
    assert c.lineage["name"]["source"] == "FIN"
    assert c.lineage["name"]["rule"] == "priority"
    assert c.address == "朝阳区建国路88号"
    assert c.lineage["address"]["source"] == "DMS"
    assert sorted(c.phones) == ["13800138000", "13900139000"]
    assert str(c.birth_date) == "1985-03-12"
    v = Vehicle.objects.get()
    assert (v.vin, v.plate, v.model, v.config) == (VIN1, "京A12345", "A6L", "豪华型")
    assert v.lineage["model"]["source"] == "FIN"
    assert str(v.purchase_date) == "2024-03-01"
    assert Ownership.objects.get().customer_id == c.id
    order = RepairOrder.objects.get()
    assert (order.order_no, order.amount, order.mileage) == ("R001", 1200.5, 5000)
    assert list(Interaction.objects.values_list("kind", flat=True)) == ["contract"]
    relations = set(CustomerDealer.objects.values_list("dealer_code", "relation"))
    assert relations == {("D11001", "dms"), ("D11001", "serviced")}


def _links() -> dict[tuple[str, str], tuple[int, dt.date | None, dt.date | None]]:
    rows = CustomerDealer.objects.values_list("id", "dealer_code", "relation", "first_at",
                                              "last_at")
    return {(d, r): (i, f, t) for i, d, r, f, t in rows}


def test_a_later_load_rewrites_only_the_dealer_links_that_changed(
    world: dict[str, Path], tmp_path: Path
) -> None:
    load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]),
         ("DMS", world["rep"]))
    before = _links()
    later = write_csv(tmp_path / "DMS" / "D11001" / "repairs2.csv", DMS_REPAIR_HEADER, [
        ["D11001", "R002", VIN1, "2025-06-01", "15000", "保养", "二保", "机油", "800",
         "王师傅", "刘顾问"],
    ])
    load(("DMS", later))
    after = _links()
    assert after.keys() == {("D11001", "dms"), ("D11001", "serviced")}
    assert after[("D11001", "dms")] == before[("D11001", "dms")]  # the same row, untouched
    served_id, first, last = after[("D11001", "serviced")]
    assert (first, last) == (dt.date(2024, 9, 1), dt.date(2025, 6, 1))
    assert served_id != before[("D11001", "serviced")][0]


def test_a_renewal_of_the_same_car_keeps_its_owner_and_serviced_rows(
    world: dict[str, Path], tmp_path: Path
) -> None:
    load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]),
         ("DMS", world["rep"]))
    owned = Ownership.objects.values_list("id", "customer_id", "start", "end").get()
    served = _links()[("D11001", "serviced")]
    renewal = write_csv(tmp_path / "FIN" / "fin_2025.csv", FIN_HEADER,
                        [fin_row("F002", "张伟", ZHANG, "13800138000", VIN1, signed="2025-03-01")])
    report = load(("FIN", renewal))
    assert (report.records, report.vehicles) == (1, 1)
    assert Ownership.objects.values_list("id", "customer_id", "start", "end").get() == owned
    assert _links()[("D11001", "serviced")] == served  # the same row: no repair changed


def test_a_resale_before_a_repair_moves_the_serviced_link_to_the_new_owner(
    world: dict[str, Path], tmp_path: Path
) -> None:
    load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]),
         ("DMS", world["rep"]))
    first = Customer.objects.get()
    li = ric(seq="456")
    resale = write_csv(tmp_path / "FIN" / "fin_resale.csv", FIN_HEADER,
                       [fin_row("F003", "李强", li, "13700137000", VIN1, signed="2024-06-01")])
    load(("FIN", resale))  # the car changed hands before its first service (2024-09-01)
    second = Customer.objects.get(unified_id=li)
    periods = list(Ownership.objects.order_by("start").values_list("customer_id", "start", "end"))
    assert periods == [(first.id, dt.date(2024, 3, 1), dt.date(2024, 6, 1)),
                       (second.id, dt.date(2024, 6, 1), None)]
    serviced = CustomerDealer.objects.filter(relation="serviced")
    assert list(serviced.values_list("customer_id", "first_at", "last_at")) == [
        (second.id, dt.date(2024, 9, 1), dt.date(2024, 9, 1))]


def test_xlsx_title_row_gives_spreadsheet_row_numbers(world: dict[str, Path]) -> None:
    load(("DMS", world["veh"]))
    assert SourceRecord.objects.get().row_no == 3


def test_same_file_twice_changes_nothing(world: dict[str, Path]) -> None:
    load(("FIN", world["fin"]), ("DMS", world["cust"]))
    before = (SourceRecord.objects.count(), Customer.objects.count(), Load.objects.count())
    again = load(("FIN", world["fin"]), ("DMS", world["cust"]))
    assert [f.status for f in again.files] == ["skipped", "skipped"]
    assert (SourceRecord.objects.count(), Customer.objects.count(), Load.objects.count()) == before


def test_missing_required_column_stops_that_file_only(tmp_path: Path,
                                                      world: dict[str, Path]) -> None:
    header = [h for h in FIN_HEADER if h != "证件号码"]
    row = fin_row("F009", "李娜", ric(seq="456"), "13700137000", vin(2))
    bad = write_csv(tmp_path / "bad.csv", header, [row[:3] + row[4:]])
    report = load(("FIN", bad), ("FIN", world["fin"]))
    assert [f.status for f in report.files] == ["failed", "loaded"]
    assert "证件号码" in report.files[0].error and "bad.csv" in report.files[0].error
    assert Load.objects.get(status="failed").file_name == "bad.csv"
    assert SourceRecord.objects.count() == 1


def test_changed_interface_is_noticed(tmp_path: Path) -> None:
    header = ["VIN" if h == "车架号" else h for h in FIN_HEADER] + ["备注"]
    path = write_csv(tmp_path / "fin.csv", header,
                     [fin_row("F001", "张伟", ZHANG, "13800138000", VIN1) + ["无"]])
    load(("FIN", path))
    notice = InterfaceNotice.objects.get()
    assert notice.added == ["备注"]
    assert notice.renamed == {"VIN": "车架号"}
    assert notice.missing == []
    assert Vehicle.objects.get().vin == VIN1


def test_file_of_another_source_is_refused(world: dict[str, Path]) -> None:
    report = load(("INV", world["fin"]))
    assert report.files[0].status == "failed"
    assert "FIN" in report.files[0].error


def test_doubtful_change_is_held_not_applied(tmp_path: Path, world: dict[str, Path]) -> None:
    load(("FIN", world["fin"]))
    later = write_csv(tmp_path / "fin2.csv", FIN_HEADER,
                      [fin_row("F002", "李伟", ZHANG, "13800138000", vin(3), "2025-01-01")])
    report = load(("FIN", later))
    assert report.held == 1
    c = Customer.objects.get()
    assert c.name == "张伟"
    held = HeldChange.objects.get()
    assert (held.field, held.current_value, held.proposed_value) == ("name", "张伟", "李伟")
    assert SourceRecord.objects.get(record_key="F002").held_fields == ["name"]


def test_row_problems_are_reported_with_row_and_field(tmp_path: Path) -> None:
    rows = [
        dms_customer_row("D11001", "C001", "王先生", None, "1380013"),
        dms_customer_row("D11001", "C002", "赵敏", None, "13600136000"),
        dms_customer_row("D11001", "C002", "赵敏", None, "13600136000"),
    ]
    path = write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER, rows)
    report = load(("DMS", path))
    got = set(Issue.objects.values_list("row_no", "field", "rule"))
    assert (2, "name", "NAME_TITLE_ONLY") in got
    assert (2, "phone", "PHONE_TOO_SHORT") in got
    assert (4, "*", "DUPLICATE_ROW") in got
    assert report.files[0].status == "loaded"
    assert Issue.objects.filter(rule="PHONE_TOO_SHORT").get().dealer_code == "D11001"


def test_new_version_of_a_row_stays_with_its_customer(tmp_path: Path) -> None:
    dms = tmp_path / "DMS" / "D11001"
    first = write_csv(dms / "customers.csv", DMS_CUSTOMER_HEADER,
                      [dms_customer_row("D11001", "C001", "周杰", ZHANG, "13600136000")])
    load(("DMS", first))
    before = Customer.objects.get()
    changed = write_csv(dms / "customers_1102.csv", DMS_CUSTOMER_HEADER,
                        [dms_customer_row("D11001", "C001", "周杰", ZHANG, "13900139001")])
    report = load(("DMS", changed))
    assert report.customers_new == 0
    after = Customer.objects.get()
    assert (after.id, after.unified_id, after.phone) == (before.id, ZHANG, "13900139001")
    assert after.phones == ["13900139001"]
    assert SourceRecord.objects.filter(current=True).count() == 1


def test_a_row_sent_again_unchanged_keeps_its_record_and_touches_no_one(
    tmp_path: Path, world: dict[str, Path]
) -> None:
    load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]))
    stored = SourceRecord.objects.get(source="DMS", feed="customer")
    before = Customer.objects.get()
    dms = tmp_path / "DMS" / "D11001"
    again = write_csv(dms / "customers_1103.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C001", "张玮", ZHANG, "+86 139-0013-9000"),  # as before
        dms_customer_row("D11001", "C002", "赵敏", None, "13600136000"),  # new
    ], encoding="gb18030")
    report = load(("DMS", again))
    rep = report.files[0]
    assert (rep.rows_read, rep.rows_loaded, rep.rows_unchanged) == (2, 1, 1)
    assert Load.objects.get(id=rep.load_id).rows_unchanged == 1
    kept = SourceRecord.objects.get(source="DMS", feed="customer", record_key=stored.record_key)
    assert (kept.id, kept.load_id, kept.current) == (stored.id, stored.load_id, True)
    assert report.customers_touched == 1  # 赵敏, new; 张伟 not touched
    assert Customer.objects.get(id=before.id).updated_at == before.updated_at


def test_a_renewal_repeating_every_value_leaves_the_customer_row_as_it_was(
    tmp_path: Path, world: dict[str, Path]
) -> None:
    load(("FIN", world["fin"]))
    before = Customer.objects.get()
    renewal = write_csv(tmp_path / "FIN" / "fin_2025.csv", FIN_HEADER,
                        [fin_row("F002", "张伟", ZHANG, "13800138000", VIN1, signed="2025-03-01")])
    report = load(("FIN", renewal))
    assert (report.records, report.customers_touched) == (1, 1)
    after = Customer.objects.get()
    assert after.lineage == before.lineage  # the first contract still names each value
    assert after.lineage["name"]["record"] == SourceRecord.objects.get(record_key="F001").id
    assert after.updated_at == before.updated_at  # not rewritten


def test_a_row_sent_again_with_a_field_corrected_is_a_new_version(
    tmp_path: Path, world: dict[str, Path]
) -> None:
    load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]))
    dms = tmp_path / "DMS" / "D11001"
    order = ["D11001", "R009", VIN1, "2025-02-01", "8000", "维修", "刹车", "刹车片", "abc",
             "王师傅", "刘顾问"]
    load(("DMS", write_csv(dms / "repairs.csv", DMS_REPAIR_HEADER, [order])))
    issue = Issue.objects.get(field="amount")
    assert RepairOrder.objects.get().amount is None
    fixed = write_csv(dms / "repairs_1102.csv", DMS_REPAIR_HEADER,
                      [order[:8] + ["800"] + order[9:]])
    report = load(("DMS", fixed))  # the amount is not kept in the record's payload
    assert (report.files[0].rows_loaded, report.files[0].rows_unchanged) == (1, 0)
    assert RepairOrder.objects.get().amount == 800
    issue.refresh_from_db()
    assert issue.resolved_by_id == report.files[0].load_id


def test_an_unlinked_car_sent_again_unchanged_finds_its_owner(tmp_path: Path) -> None:
    dms = tmp_path / "DMS" / "D11001"
    car = ["D11001", "C009", VIN1, "京A12345", "A6L 2024", "豪华型", "2024-03-01",
           "2024-03-05", "2024-09-01"]
    load(("DMS", write_csv(dms / "vehicles.csv", DMS_VEHICLE_HEADER, [car])))
    assert SourceRecord.objects.get(feed="vehicle").customer_id is None  # owner not yet sent
    owner = write_csv(dms / "customers.csv", DMS_CUSTOMER_HEADER,
                      [dms_customer_row("D11001", "C009", "孙丽", None, "13500135000")])
    other = ["D11001", "C010", vin(8), "", "Q5L", "", "", "", ""]  # a file of other bytes
    load(("DMS", owner),
         ("DMS", write_csv(dms / "vehicles_1102.csv", DMS_VEHICLE_HEADER, [car, other])))
    linked = SourceRecord.objects.get(feed="vehicle", current=True, vin=VIN1)
    assert linked.customer_id == Customer.objects.get(name="孙丽").id
    assert Ownership.objects.get().customer_id == linked.customer_id


def test_an_ownerless_car_sent_again_unchanged_keeps_its_record_and_its_golden_values(
    tmp_path: Path
) -> None:
    dms = tmp_path / "DMS" / "D11002"
    car = ["D11002", "C077", VIN1, "京A12345", "a6l", "豪华型", "2024-03-01", "2024-03-05",
           "2024-09-01"]
    load(("INV", write_csv(tmp_path / "INV" / "inv.csv", INV_HEADER,
                           [["I001", "2024-03-01", "张伟", ZHANG, "13800138000", VIN1,
                             "A6L", "300000", "D11001"]])))
    load(("DMS", write_csv(dms / "vehicles.csv", DMS_VEHICLE_HEADER, [car])))
    stored = SourceRecord.objects.get(feed="vehicle")
    before = Vehicle.objects.values_list("model", "dealer_code", "lineage").get()
    again = dms / "vehicles_1102.csv"  # the same row in other bytes, its owner still unknown
    again.write_bytes((dms / "vehicles.csv").read_bytes() + b"\n")
    report = load(("DMS", again))
    assert (report.files[0].rows_loaded, report.files[0].rows_unchanged) == (0, 1)
    assert SourceRecord.objects.get(feed="vehicle", current=True).id == stored.id
    assert SourceRecord.objects.filter(feed="vehicle").count() == 1
    assert Vehicle.objects.values_list("model", "dealer_code", "lineage").get() == before


def test_a_repair_of_an_unknown_car_gives_it_a_bare_row_and_rebuilds_no_other(
    world: dict[str, Path], tmp_path: Path
) -> None:
    load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]))
    known = Vehicle.objects.values_list("id", "vin", "model", "plate", "lineage").get()
    repairs = write_csv(tmp_path / "DMS" / "D11001" / "repairs.csv", DMS_REPAIR_HEADER, [
        ["D11001", "R001", VIN1, "2024-09-01", "5000", "保养", "首保", "机油", "1200", "王师傅",
         "刘顾问"],
        ["D11001", "R002", vin(7), "2025-01-05", "9000", "维修", "刹车", "刹车片", "800",
         "王师傅", "刘顾问"],
    ])
    report = load(("DMS", repairs))
    assert report.vehicles == 2
    assert Vehicle.objects.values_list("id", "vin", "model", "plate", "lineage").get(
        vin=VIN1) == known
    bare = Vehicle.objects.get(vin=vin(7))
    assert (bare.model, bare.plate, bare.purchase_date, bare.lineage) == ("", "", None, {})
    assert sorted(RepairOrder.objects.values_list("order_no", "vehicle__vin")) == [
        ("R001", VIN1), ("R002", vin(7))]
    assert not Ownership.objects.filter(vehicle=bare).exists()


def test_a_batch_that_doubles_the_store_builds_its_indexes_last(world: dict[str, Path]) -> None:
    first = load(("FIN", world["fin"]), ("DMS", world["cust"]), ("DMS", world["veh"]))
    assert "indexes" in first.stages  # 3 records into an empty store
    second = load(("DMS", world["rep"]))
    assert "indexes" not in second.stages  # 1 record beside 3
    assert RepairOrder.objects.get().order_no == "R001"


def test_keys_written_in_parts_are_each_records_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "KEY_PART_ROWS", 1)  # one customer's records per part at most
    people = [("F001", "张伟", ric(seq="123"), "13800138000"),
              ("F002", "李娜", ric(birth="19900101", seq="456"), "13900139000")]
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER,
                    [fin_row(no, name, id_, phone, vin(i + 1)) for i, (no, name, id_, phone)
                     in enumerate(people)])
    load(("FIN", fin))
    unified = dict(Customer.objects.values_list("id", "unified_id"))
    got = {(unified[k.customer_id], k.kind, k.value,
            SourceRecord.objects.get(id=k.record_id).record_key)
           for k in IdentityKey.objects.all()}
    assert got == {
        (people[0][2], "id", people[0][2], "F001"), (people[0][2], "phone", "13800138000", "F001"),
        (people[0][2], "vin", vin(1), "F001"),
        (people[1][2], "id", people[1][2], "F002"), (people[1][2], "phone", "13900139000", "F002"),
        (people[1][2], "vin", vin(2), "F002"),
    }


def test_customers_built_in_parts_keep_their_own_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merge, "PART_ROWS", 1)  # one customer's records per part at most
    people = [("F001", "张伟", ric(seq="123"), "13800138000"),
              ("F002", "李娜", ric(birth="19900101", seq="456"), "13900139000"),
              ("F003", "王芳", ric(birth="19770707", seq="789"), "13700137000")]
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER,
                    [fin_row(no, name, id_, phone, vin(i + 1)) for i, (no, name, id_, phone)
                     in enumerate(people)])
    dms = write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER,
                    [dms_customer_row("D11001", "C001", "李那", people[1][2], "13600136000")])
    load(("FIN", fin), ("DMS", dms))
    got = {c.unified_id: (c.name, c.phone, sorted(c.phones), c.lineage["name"]["rule"],
                          SourceRecord.objects.filter(customer_id=c.id, current=True).count())
           for c in Customer.objects.all()}
    assert got == {
        people[0][2]: ("张伟", "13800138000", ["13800138000"], "sole", 1),
        people[1][2]: ("李娜", "13900139000", ["13600136000", "13900139000"], "priority", 2),
        people[2][2]: ("王芳", "13700137000", ["13700137000"], "sole", 1),
    }
    later = write_csv(tmp_path / "fin2.csv", FIN_HEADER, [
        fin_row("F004", "赵伟", people[0][2], "13800138000", vin(4), "2025-01-01"),
        fin_row("F005", "王芳", people[2][2], "13700137001", vin(5), "2025-01-01"),
    ])
    report = load(("FIN", later))
    assert report.held == 1
    assert HeldChange.objects.get().proposed_value == "赵伟"
    assert SourceRecord.objects.get(record_key="F004").held_fields == ["name"]
    assert SourceRecord.objects.get(record_key="F005").held_fields == []
    assert Customer.objects.get(unified_id=people[2][2]).phone == "13700137001"


def test_vehicles_built_in_parts_keep_their_own_values(
    world: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vehicle_build, "PART_ROWS", 1)  # one owner record per part at most
    more = write_csv(tmp_path / "fin_more.csv", FIN_HEADER, [
        fin_row("F002", "李娜", ric(birth="19900101", seq="456"), "13900139000", vin(2),
                model="Q5L"),
        fin_row("F003", "王芳", ric(birth="19770707", seq="789"), "13700137000", vin(3),
                model="A4L"),
    ])
    load(("FIN", world["fin"]), ("FIN", more), ("DMS", world["cust"]), ("DMS", world["veh"]))
    got = {v.vin: (v.model, v.config, v.plate, str(v.purchase_date), v.lineage["model"]["source"])
           for v in Vehicle.objects.all()}
    assert got == {
        VIN1: ("A6L", "豪华型", "京A12345", "2024-03-01", "FIN"),
        vin(2): ("Q5L", "", "", "None", "FIN"),
        vin(3): ("A4L", "", "", "None", "FIN"),
    }
    assert list(Vehicle.objects.order_by("id").values_list("vin", flat=True)) == sorted(got)


def test_rows_cleaned_in_slices_keep_their_file_row_and_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract, "CLEAN_ROWS", 1)  # every row of the feed cleaned on its own
    first = write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C001", "王先生", None, "1380013"),
        dms_customer_row("D11001", "C002", "赵敏", None, "13600136000"),
    ])
    second = write_csv(tmp_path / "DMS" / "D11002" / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11002", "C001", "钱多", None, "13500135"),
        dms_customer_row("D11002", "C009", "孙丽", None, "13700137000"),
    ])
    report = load(("DMS", first), ("DMS", second))
    assert [(f.rows_loaded, f.rows_rejected) for f in report.files] == [(1, 1), (2, 0)]
    got = sorted(Issue.objects.values_list("dealer_code", "row_no", "field", "rule"))
    assert got == [
        ("D11001", 2, "name", "NAME_TITLE_ONLY"), ("D11001", 2, "name", "REQUIRED_MISSING"),
        ("D11001", 2, "phone", "PHONE_TOO_SHORT"), ("D11002", 2, "phone", "PHONE_TOO_SHORT"),
    ]
    keys = sorted(SourceRecord.objects.values_list("dealer_code", "record_key", "row_no"))
    assert keys == [("D11001", "D11001|C002", 3), ("D11002", "D11002|C001", 2),
                    ("D11002", "D11002|C009", 3)]


def test_rows_a_service_sends_become_source_records_like_a_file() -> None:
    from autocrm.accounts.actor import SYSTEM
    from autocrm.core.errors import InputError

    row = {"dealer_code": "D11001", "customer_no": "W001", "name": "王明",
           "phone": "13600136000", "event_date": "2026-11-01"}
    report = batch.run_rows("DMS", "customer", [row], SYSTEM, today=TODAY)
    assert [(f.status, f.rows_loaded) for f in report.files] == [("loaded", 1)]
    record = SourceRecord.objects.get()
    assert (record.source, record.feed, record.record_key, record.dealer_code) == (
        "DMS", "customer", "D11001|W001", "D11001")
    customer = Customer.objects.get()
    assert (customer.id, customer.phone) == (record.customer_id, "13600136000")
    load_row = Load.objects.get()
    assert (load_row.file_name, load_row.dealer_code) == ("DMS-customer-rows", "D11001")
    assert not InterfaceNotice.objects.exists()  # fields left out of a row are no change
    again = batch.run_rows("DMS", "customer", [row], SYSTEM, today=TODAY)
    assert [f.status for f in again.files] == ["skipped"]
    headers = {"经销商代码": "D11001", "客户编号": "W001", "客户姓名": "王明",
               "手机": "13600136001", "建档日期": "2026-11-02"}
    batch.run_rows("DMS", "customer", [headers], SYSTEM, today=TODAY)
    assert Customer.objects.get().phone == "13600136001"  # the newer record of the same key
    with pytest.raises(InputError, match="没有数据类型 'lead'"):
        batch.run_rows("DMS", "lead", [row], SYSTEM)
    assert Load.objects.count() == 2


def test_the_stages_run_in_their_named_order(world: dict[str, Path]) -> None:
    report = load(("FIN", world["fin"]), ("DMS", world["cust"]))
    assert list(report.stages) == [
        "read", "clean", "prepare", "supersede", "match", "link", "merge", "publish",
        "timeline", "repairs", "dealer_links", "search", "leads", "key_accounts", "finish",
        "indexes", "vacuum"]
    assert [name for name, _ in batch.DERIVE] == [
        "timeline", "repairs", "dealer_links", "search", "leads", "key_accounts"]

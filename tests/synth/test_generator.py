"""Tests of the synthetic multi-source generator (autocrm.synth)."""

from __future__ import annotations

import csv
import io
import json
import math
import tomllib
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from stdnum.cn import ric, uscc

from autocrm.synth import DEFECT_CODES, DefectRates, GenerationSummary, generate

CONFIG = Path(__file__).resolve().parents[2] / "src" / "autocrm" / "sources" / "config"
FEEDS = {  # file name stem -> (source, feed)
    "fin_contracts": ("FIN", "contract"), "invoices": ("INV", "invoice"),
    "customers": ("DMS", "customer"), "vehicles": ("DMS", "vehicle"),
    "repairs": ("DMS", "repair"), "calls": ("CC", "call"), "complaints": ("CC", "complaint"),
    "roadside": ("CC", "roadside"), "registrations": ("WEB", "registration"),
    "events": ("WEB", "event"), "posts": ("WEB", "post"), "surveys": ("SVY", "survey"),
    "members": ("CLUB", "member"), "auto_show": ("LEAD", "list"), "bought_list": ("LEAD", "list"),
}
VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
              **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
              **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def toml_columns(source: str, feed: str) -> list[str]:
    data = tomllib.loads((CONFIG / f"{source}.toml").read_text("utf-8"))
    return list(data["feeds"][feed]["columns"])


def decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_rows(path: Path) -> list[list[object]]:
    """Every row as a person opening the file sees it (row 1 first); JSON: keys then values."""
    if path.suffix == ".csv":
        return [list(r) for r in csv.reader(io.StringIO(decode(path)))]
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        return [list(r) for r in ws.iter_rows(values_only=True)]
    text = path.read_text("utf-8")
    objs = json.loads(text) if path.suffix == ".json" else [
        json.loads(line) for line in text.splitlines()]
    return [list(objs[0])] + [list(o.values()) for o in objs] if objs else []


def header_index(rows: list[list[object]]) -> int:
    """0-based index of the header row (1 when a one-cell title row precedes it)."""
    def filled(row: list[object]) -> int:
        return sum(v not in (None, "") for v in row)

    return 1 if len(rows) > 1 and filled(rows[0]) == 1 and filled(rows[1]) > 1 else 0


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate(tmp_path_factory.mktemp("small"), customers=300, seed=7, dealers=8)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate(tmp_path_factory.mktemp("medium"), customers=3000, seed=11)


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", customers=300, seed=3)
    generate(tmp_path / "b", customers=300, seed=3)
    generate(tmp_path / "c", customers=300, seed=4)
    files_a, files_b = all_files(tmp_path / "a"), all_files(tmp_path / "b")
    assert sorted(files_a) == sorted(files_b)
    assert len(files_a) == len(a.files) + 5  # + dealers.csv and four truth tables
    assert [k for k in files_a if files_a[k] != files_b[k]] == []
    files_c = all_files(tmp_path / "c")
    assert files_c["FIN/fin_contracts.csv"] != files_a["FIN/fin_contracts.csv"]
    assert files_c["truth/persons.parquet"] != files_a["truth/persons.parquet"]


def test_summary_and_layout(small: GenerationSummary) -> None:
    assert (small.persons, small.companies, small.dealers) == (330, 15, 8)
    dealers = pl.read_csv(small.out_dir / "dealers.csv")
    assert dealers.columns == ["经销商代码", "经销商名称", "省份", "城市"]
    assert dealers["经销商代码"].str.contains(r"^D\d{5}$").all()
    assert dealers["经销商名称"].str.ends_with("汽车销售服务有限公司").all()
    for code in dealers["经销商代码"]:
        names = sorted(p.stem for p in (small.out_dir / "DMS" / code).iterdir())
        assert names == ["customers", "repairs", "vehicles"]
    records = pl.read_parquet(small.out_dir / "truth" / "records.parquet")
    counts = dict(records.group_by("file").len().iter_rows())
    assert counts == {k: v for k, v in small.files.items() if v}
    assert set(records["defects"].str.split(",").explode().unique()) <= set(DEFECT_CODES) | {""}


def test_headers_equal_toml_columns(small: GenerationSummary) -> None:
    for rel in small.files:
        path = small.out_dir / rel
        source, feed = FEEDS[path.stem]
        rows = read_rows(path)
        if not rows:
            continue
        header = [v for v in rows[header_index(rows)] if v is not None]
        assert header == toml_columns(source, feed), rel


def test_encodings(small: GenerationSummary) -> None:
    gbk = [small.out_dir / "FIN" / "fin_contracts.csv", small.out_dir / "SVY" / "surveys.csv"]
    dealers = pl.read_parquet(small.out_dir / "truth" / "vehicles.parquet")["dealer_code"]
    assert dealers.len() > 0
    for path in gbk:
        raw = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert raw.decode("gb18030").startswith(toml_columns(*FEEDS[path.stem])[0])
    assert (small.out_dir / "INV" / "invoices.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (small.out_dir / "CC" / "calls.csv").read_text("utf-8").startswith("通话编号,")
    dms = [p for p in (small.out_dir / "DMS").rglob("customers.csv")]
    kinds = set()
    for p in dms:
        try:
            p.read_bytes().decode("utf-8")
            kinds.add("utf-8")
        except UnicodeDecodeError:
            p.read_bytes().decode("gb18030")
            kinds.add("gbk")
    assert kinds == {"utf-8", "gbk"}


def test_xlsx_title_row_and_trailing_rows(small: GenerationSummary) -> None:
    xlsx = sorted((small.out_dir / "DMS").rglob("customers.xlsx"))
    assert xlsx, "seed 7 with 8 dealers has XLSX dealers"
    rows = read_rows(xlsx[0])
    assert rows[0][0] == "客户档案导出 2026-11-01"
    assert rows[1] == toml_columns("DMS", "customer")
    assert rows[-1][0] in ("", None) and rows[-2][0] in ("", None)
    assert str(rows[2][0]).startswith("D")
    members = read_rows(small.out_dir / "CLUB" / "members.xlsx")
    assert members[0] == toml_columns("CLUB", "member")


def test_identifiers_in_truth_are_valid(small: GenerationSummary) -> None:
    everyone = pl.read_parquet(small.out_dir / "truth" / "persons.parquet")
    assert everyone["person_id"].is_unique().all()
    listed = everyone.filter(pl.col("person_id").str.starts_with("L"))  # known to lists only
    assert listed.height == 42 and listed["is_customer"].not_().all()
    assert listed["id_number"].is_null().all() and listed["birth_date"].is_null().all()
    persons = everyone.filter(pl.col("person_id").str.starts_with("P"))
    assert persons.height == small.persons and persons["id_number"].is_unique().all()
    for kind, number, gender, birth in persons.select(
            "kind", "id_number", "gender", "birth_date").iter_rows():
        if kind == "company":
            assert uscc.is_valid(number) and gender is None and birth is None
        else:
            assert ric.is_valid(number), number
            assert gender == ("男" if int(number[16]) % 2 else "女")
            assert number[6:14] == birth.strftime("%Y%m%d")
            assert 1950 <= birth.year <= 2004
    phones = everyone["phones"].explode()
    assert phones.str.contains(r"^1[3-9]\d{9}$").all() and phones.is_unique().all()
    vins = pl.read_parquet(small.out_dir / "truth" / "vehicles.parquet")["vin"]
    for vin in vins:
        assert len(vin) == 17 and not set(vin) & set("IOQ") and vin.startswith("LFV")
        rem = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True)) % 11
        assert vin[8] == ("X" if rem == 10 else str(rem))
    assert vins.is_unique().all()


def test_ownerships(medium: GenerationSummary) -> None:
    own = pl.read_parquet(medium.out_dir / "truth" / "ownerships.parquet")
    vehicles = pl.read_parquet(medium.out_dir / "truth" / "vehicles.parquet")
    resold = own.filter(pl.col("end").is_not_null())
    assert abs(resold.height / vehicles.height - 0.08) < 0.01
    second = own.join(resold.select("vin", pl.col("end").alias("sold")), on="vin")\
        .filter(pl.col("end").is_null())
    assert second.height == resold.height and (second["start"] == second["sold"]).all()
    per_customer = vehicles.height / medium.persons * 1.1
    assert 1.15 < per_customer < 1.45


def rate_of(records: pl.DataFrame, code: str, eligible: pl.Expr | None = None) -> tuple[float, int]:
    rows = records.filter(eligible) if eligible is not None else records
    hits = rows["defects"].str.split(",").list.contains(code).sum()
    return hits / rows.height, rows.height


@pytest.mark.parametrize(("source", "feed", "code", "field", "persons_only"), [
    ("DMS", "customer", "phone_format", "phone_format", False),
    ("DMS", "customer", "id_missing", "missing_id", False),
    ("DMS", "customer", "name_title", "name_title", True),
    ("DMS", "customer", "birth_missing", "missing_birth", True),
    ("DMS", "repair", "vin_fullwidth", "fullwidth", False),
    ("DMS", "repair", "date_format", "date_format", False),
    ("CC", "call", "phone_format", "phone_format", False),
    ("SVY", "survey", "name_typo", "name_typo", True),
])
def test_defect_rates_match_configuration(medium: GenerationSummary, source: str, feed: str,
                                          code: str, field: str, persons_only: bool) -> None:
    records = pl.read_parquet(medium.out_dir / "truth" / "records.parquet").filter(
        (pl.col("source") == source) & (pl.col("feed") == feed)
        & ~pl.col("defects").str.contains("duplicate"))
    if persons_only:
        persons = pl.read_parquet(medium.out_dir / "truth" / "persons.parquet")
        records = records.join(persons.select("person_id", "kind"), on="person_id")\
            .filter(pl.col("kind") == "person")
    expected = DefectRates().rate(field, source)
    observed, n = rate_of(records, code)
    sigma = math.sqrt(expected * (1 - expected) / n)
    assert abs(observed - expected) < 4 * sigma + 0.002, (observed, expected, n)


def test_trusted_sources_are_nearly_clean(medium: GenerationSummary) -> None:
    records = pl.read_parquet(medium.out_dir / "truth" / "records.parquet")
    share = records.group_by("source").agg((pl.col("defects") != "").mean().alias("dirty"))
    dirty = dict(share.iter_rows())
    assert dirty["FIN"] < 0.02 and dirty["INV"] < 0.04
    assert dirty["DMS"] > 5 * dirty["FIN"]


def test_zero_rates_give_clean_files(tmp_path: Path) -> None:
    names = [n for n in DefectRates().names() if n not in ("second_phone", "phone_change")]
    clean = DefectRates(**{n: 0.0 for n in names})
    out = generate(tmp_path, customers=200, seed=5, defects=clean).out_dir
    records = pl.read_parquet(out / "truth" / "records.parquet")
    assert (records["defects"] == "").all()


def truth_row(out: Path, record: dict[str, object]) -> dict[str, object]:
    """The data row a truth record points at, as {header: value}."""
    rows = read_rows(out / str(record["file"]))
    head = header_index(rows)
    row = int(record["row"])  # type: ignore[arg-type]
    if str(record["file"]).endswith((".json", ".jsonl")):
        return dict(zip(rows[0], rows[row], strict=True))
    return dict(zip(rows[head], rows[row - 1], strict=False))


def test_truth_points_to_the_right_rows(medium: GenerationSummary) -> None:
    out = medium.out_dir
    records = pl.read_parquet(out / "truth" / "records.parquet")
    persons = pl.read_parquet(out / "truth" / "persons.parquet")
    by_id = {r["person_id"]: r for r in persons.iter_rows(named=True)}
    checked = 0
    for (source, feed), group in records.group_by(["source", "feed"], maintain_order=True):
        keys = toml_keys(str(source), str(feed))
        sample = group.filter(pl.col("defects") == "").sample(3, seed=1)
        for rec in sample.iter_rows(named=True):
            row = truth_row(out, rec)
            assert "|".join(str(row[k]) for k in keys) == rec["key"], rec
            person = by_id.get(rec["person_id"])
            id_col = {"FIN": "证件号码", "INV": "购买方身份证号码/统一社会信用代码",
                      "DMS": "证件号码"}.get(str(source))
            if person and id_col in row:
                assert row[id_col] == person["id_number"]
            name_col = next((c for c in ("客户姓名", "购买方名称", "姓名") if c in row), None)
            if person and name_col and feed != "call":
                assert row[name_col] == person["name"]
            vin_col = next((c for c in ("车架号", "车架号码") if c in row), None)
            if vin_col and rec["vin"]:
                assert row[vin_col] == rec["vin"]
            checked += 1
    assert checked == 14 * 3


def toml_keys(source: str, feed: str) -> list[str]:
    data = tomllib.loads((CONFIG / f"{source}.toml").read_text("utf-8"))["feeds"][feed]
    header = {f: h for h, f in data["columns"].items()}
    return [header[f] for f in data["key"]]


def test_injected_defects_are_visible_in_files(medium: GenerationSummary) -> None:
    out = medium.out_dir
    records = pl.read_parquet(out / "truth" / "records.parquet").filter(
        pl.col("file").str.ends_with("customers.csv"))
    persons = {r["person_id"]: r for r in pl.read_parquet(
        out / "truth" / "persons.parquet").iter_rows(named=True)}
    seen = set()
    for code, check in (
        ("id_sci", lambda row, p: "E+" in row["证件号码"]),
        ("id_missing", lambda row, p: row["证件号码"] == ""),
        ("id_checksum", lambda row, p: not (ric.is_valid(row["证件号码"])
                                           or uscc.is_valid(row["证件号码"]))),
        ("phone_landline", lambda row, p: row["手机"].startswith("0") and "-" in row["手机"]),
        ("name_title", lambda row, p: row["客户姓名"].endswith(("先生", "女士"))),
        ("phone_fullwidth", lambda row, p: row["手机"][0] == "１"),
    ):
        hits = records.filter(pl.col("defects") == code).head(3)
        for rec in hits.iter_rows(named=True):
            assert check(truth_row(out, rec), persons[rec["person_id"]]), (code, rec)
            seen.add(code)
    assert seen == {"id_sci", "id_missing", "id_checksum", "phone_landline", "name_title",
                    "phone_fullwidth"}


def test_natural_keys_unique_except_duplicates(medium: GenerationSummary) -> None:
    records = pl.read_parquet(medium.out_dir / "truth" / "records.parquet")
    originals = records.filter(~pl.col("defects").str.contains("duplicate"))
    dup = originals.group_by("file", "key").len().filter(pl.col("len") > 1)
    assert dup.height == 0, dup
    copies = records.filter(pl.col("defects").str.contains("duplicate"))
    assert 0 < copies.height < 0.02 * records.height


def test_dms_vehicle_rows_point_to_their_owner_customer_row(medium: GenerationSummary) -> None:
    out = medium.out_dir
    records = pl.read_parquet(out / "truth" / "records.parquet").filter(pl.col("source") == "DMS")
    customers = records.filter(pl.col("feed") == "customer").select(
        "key", pl.col("person_id").alias("owner")).unique()
    checked = 0
    for path in sorted((out / "DMS").rglob("vehicles.csv"))[:4]:
        rows = read_rows(path)
        recs = records.filter(pl.col("file") == path.relative_to(out).as_posix())
        for rec, row in zip(recs.iter_rows(named=True), rows[1:], strict=True):
            key = f"{row[0]}|{row[1]}"
            owner = customers.filter(pl.col("key") == key)["owner"]
            assert owner.to_list() == [rec["person_id"]]
            checked += 1
    assert checked > 100


def test_every_pool_text_encodes_as_gbk() -> None:
    from autocrm.synth import pools, text
    from autocrm.synth.geo import load_geo

    words: list[str] = []
    for name in dir(pools):
        value = getattr(pools, name)
        if name.isupper() and isinstance(value, list | tuple | str):
            words.extend(v for v in ([value] if isinstance(value, str) else value)
                         if isinstance(v, str))
    np_pools = pools.name_pools(42)
    words += [*np_pools.surnames, *np_pools.male, *np_pools.female, *pools.company_words()]
    for group in (text.CALL_NOTES, text.COMPLAINTS):
        words += [t for items in group.values() for t in items]
    words += [t for pair in text.POSTS for t in pair] + text.SURVEY_GOOD + text.SURVEY_BAD
    geo = load_geo()
    words += [*geo.county_name, *geo.city_name, *geo.prov_name]
    for word in words:
        word.encode("gbk")

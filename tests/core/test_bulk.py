"""Bulk helpers: IN-lists inline or through a temporary key table give the same rows."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction

from autocrm.core import bulk
from autocrm.sources.models import IdentityKey

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["inline", "key table"])
def inline_max(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run a test once with values inline and once through a temporary table."""
    limit = bulk.INLINE_MAX if request.param == "inline" else 0
    monkeypatch.setattr(bulk, "INLINE_MAX", limit)
    return limit


@pytest.fixture
def keys() -> None:
    IdentityKey.objects.bulk_create([
        IdentityKey(record_id=i, customer_id=100 + i % 3, kind="phone" if i % 2 else "id",
                    value=f"v{i}")
        for i in range(1, 11)
    ])


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return {t.name for t in connection.introspection.get_table_list(cursor)}


def test_select_in_returns_the_rows_of_the_values(keys: None, inline_max: int) -> None:
    rows = bulk.select_in(
        "SELECT record_id, value FROM sources_identitykey WHERE value IN ({}) ORDER BY record_id",
        ["v2", "v3", "v3", "v99"],
    )
    assert rows == [(2, "v2"), (3, "v3")]
    ints = bulk.select_in("SELECT record_id FROM sources_identitykey WHERE record_id IN ({}) "
                          "ORDER BY record_id", [9, 1, 5])
    assert ints == [(1,), (5,), (9,)]
    assert bulk.select_in("SELECT 1 FROM sources_identitykey WHERE value IN ({})", []) == []


def test_delete_and_execute_in_count_the_rows(keys: None, inline_max: int) -> None:
    assert bulk.delete_in("sources_identitykey", "record_id", [1, 2, 3, 42]) == 3
    changed = bulk.execute_in(
        "UPDATE sources_identitykey SET customer_id = %s WHERE record_id IN ({})", [4, 5], [7]
    )
    assert changed == 2
    assert sorted(IdentityKey.objects.values_list("record_id", "customer_id"))[:3] == [
        (4, 7), (5, 7), (6, 100)
    ]


@pytest.mark.parametrize("inline_rows", [bulk.INLINE_ROWS, 0], ids=["inline", "key table"])
def test_select_join_matches_every_column_once(keys: None, inline_rows: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "INLINE_ROWS", inline_rows)
    wanted = pl.DataFrame({"kind": ["phone", "phone", "id", "id", None],
                           "value": ["v1", "v1", "v1", "v2", "v4"]})
    frame = bulk.select_join_frame(
        "SELECT i.record_id, i.value FROM {} k JOIN sources_identitykey i "
        "ON i.kind = k.kind AND i.value = k.value ORDER BY i.record_id",
        wanted, {"record_id": pl.Int64, "value": pl.Utf8},
    )
    assert frame.rows() == [(1, "v1"), (2, "v2")]
    ids = bulk.select_join_frame(
        "SELECT i.value FROM {} k JOIN sources_identitykey i ON i.record_id = k.record_id "
        "ORDER BY i.value", pl.DataFrame({"record_id": [3, 10, 3, 77]}), {"value": pl.Utf8})
    assert ids["value"].to_list() == ["v10", "v3"]
    assert not any(t.startswith("_keys_") for t in _tables())


def test_key_table_is_gone_after_a_failure() -> None:
    before = _tables()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with bulk.key_table(pl.DataFrame({"v": [1, 2]})):
            raise ZeroDivisionError
    assert _tables() == before


def test_update_rows_sets_values_by_key(keys: None) -> None:
    count = bulk.update_rows("sources_identitykey", "record_id", ["customer_id", "value"],
                             [(2, 900, "x"), (3, 901, "")])
    assert count == 2
    got = dict(IdentityKey.objects.filter(record_id__lte=4)
               .values_list("record_id", "value"))
    assert got == {1: "v1", 2: "x", 3: "", 4: "v4"}
    assert IdentityKey.objects.get(record_id=3).customer_id == 901


def test_update_frame_sets_values_by_key(keys: None) -> None:
    frame = pl.DataFrame({"record_id": [2, 3], "customer_id": [900, 901],
                          "value": ['x,"y"', ""]})
    assert bulk.update_frame("sources_identitykey", "record_id", frame) == 2
    got = dict(IdentityKey.objects.filter(record_id__lte=4)
               .values_list("record_id", "value"))
    assert got == {1: "v1", 2: 'x,"y"', 3: "", 4: "v4"}
    assert IdentityKey.objects.get(record_id=3).customer_id == 901


def test_select_frame_keeps_nulls_empty_text_and_quotes(inline_max: int) -> None:
    IdentityKey.objects.bulk_create([
        IdentityKey(record_id=1, customer_id=0, kind="phone", value='{"a": "x, y"}'),
        IdentityKey(record_id=2, customer_id=7, kind="", value="line\nbreak"),
        IdentityKey(record_id=3, customer_id=8, kind="id", value="z"),
    ])
    schema = {"record_id": pl.Int64, "customer_id": pl.Int64, "kind": pl.Utf8,
              "value": pl.Utf8}
    frame = bulk.select_frame(
        "SELECT record_id, NULLIF(customer_id, 0), kind, value FROM sources_identitykey "
        "WHERE record_id IN ({}) ORDER BY record_id", [2, 1, 99], schema,
    )
    assert frame.schema == pl.Schema(schema)
    assert frame.rows() == [(1, None, "phone", '{"a": "x, y"}'), (2, 7, "", "line\nbreak")]
    none = bulk.select_frame("SELECT record_id, customer_id, kind, value FROM "
                             "sources_identitykey WHERE record_id IN ({})", [99], schema)
    assert none.schema == pl.Schema(schema) and none.height == 0
    assert bulk.select_frame("SELECT 1 FROM sources_identitykey WHERE record_id IN ({})", [],
                             {"x": pl.Int64}).height == 0


def _indexes(*tables: str) -> dict[str, dict[str, object]]:
    with connection.cursor() as cursor:
        return {
            f"{t}.{name}": {k: info[k] for k in ("columns", "unique", "index", "foreign_key")}
            for t in tables
            for name, info in connection.introspection.get_constraints(cursor, t).items()
        }


TABLES = ("sources_sourcerecord", "vehicles_repairorder")


def test_indexes_deferred_builds_every_index_and_key_again() -> None:
    before = _indexes(*TABLES)
    with transaction.atomic():
        with bulk.indexes_deferred(TABLES):
            during = _indexes(*TABLES)
            IdentityKey.objects.create(record_id=1, customer_id=1, kind="phone", value="1")
        assert _indexes(*TABLES) == before
    assert "sources_sourcerecord.sourcerecord_vin" in before
    assert "sources_sourcerecord.sourcerecord_vin" not in during
    kept = {name for name, info in during.items() if info["unique"] or info["foreign_key"]}
    if connection.vendor == "postgresql":
        assert "sources_sourcerecord.sources_sourcerecord_pkey" in before
        fk = "vehicles_repairorder_vehicle_id_4ef665fd_fk_vehicles_vehicle_id"
        assert before[f"vehicles_repairorder.{fk}"]["foreign_key"] == ("vehicles_vehicle", "id")
        assert kept == set()
    else:  # SQLite's keys live in the table itself
        assert kept == {name for name, info in before.items()
                        if info["unique"] or info["foreign_key"]}
        assert "vehicles_repairorder.uniq_repair_order" in kept


def test_indexes_deferred_drops_keys_that_point_into_the_tables() -> None:
    key = "customers_heldchange_customer_id_602d4f58_fk_customers"
    with transaction.atomic():
        with bulk.indexes_deferred(["customers_customer"]):
            during = _indexes("customers_heldchange")
        after = _indexes("customers_heldchange")
    if connection.vendor == "postgresql":
        assert f"customers_heldchange.{key}" not in during
        assert after[f"customers_heldchange.{key}"]["foreign_key"] == ("customers_customer", "id")
    else:
        assert during == after


def test_indexes_deferred_fails_on_a_duplicate_the_load_wrote() -> None:
    IdentityKey.objects.create(id=1, record_id=1, customer_id=1, kind="phone", value="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        with bulk.indexes_deferred(["sources_identitykey"]):
            # SQLite fails here; PostgreSQL when it adds the primary key again
            IdentityKey.objects.create(id=1, record_id=2, customer_id=2, kind="phone", value="2")
    assert list(IdentityKey.objects.values_list("id", "value")) == [(1, "1")]


def test_indexes_deferred_leaves_indexes_after_a_failure() -> None:
    before = _indexes(*TABLES)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with bulk.indexes_deferred(TABLES):
            raise ZeroDivisionError
    assert _indexes(*TABLES) == before


@pytest.mark.django_db(transaction=True)
def test_indexes_deferred_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="transaction"), bulk.indexes_deferred(TABLES):
        pass


@pytest.mark.django_db(transaction=True)
def test_vacuum_leaves_every_page_of_the_table_visible_to_all() -> None:
    if not bulk.is_postgres():
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    with connection.cursor() as cursor:
        # The test server commits asynchronously; VACUUM may mark only rows whose commit is
        # flushed, as it is at once under the default synchronous_commit.
        cursor.execute("SET synchronous_commit = on")
    bulk.insert_frame("sources_identitykey", pl.DataFrame(
        {"record_id": list(range(1, 2001)), "customer_id": list(range(1, 2001)),
         "kind": ["phone"] * 2000, "value": [f"1380000{i:04d}" for i in range(2000)]},
    ))
    bulk.vacuum(["sources_identitykey"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages, relallvisible FROM pg_class "
                       "WHERE relname = 'sources_identitykey'")
        pages, visible = cursor.fetchone()
        cursor.execute("RESET synchronous_commit")
    assert pages > 0
    assert visible == pages

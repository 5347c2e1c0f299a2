"""Bulk writes behind one small interface: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import connection, transaction

BATCH = 50_000
# Up to this many values go inline as `IN (%s, ...)` (as fast as a join at that size); more are
# loaded into a temporary table and joined in one pass, much faster on PostgreSQL for many keys.
INLINE_MAX = 10_000
INLINE_ROWS = 50  # key rows written into the query itself rather than a temporary table
_key_tables = itertools.count(1)


def is_postgres() -> bool:
    """Return True when the default database is PostgreSQL."""
    return connection.vendor == "postgresql"


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows into `table`; naive datetimes are taken as UTC. Return the count."""
    cols = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if is_postgres():
            with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([_pg_value(v) for v in row])
                    count += 1
            return count
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'
        raw = cursor.cursor
        chunk: list[list[Any]] = []
        for row in rows:
            chunk.append([_sqlite_value(v) for v in row])
            if len(chunk) >= BATCH:
                raw.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            raw.executemany(sql, chunk)
            count += len(chunk)
    return count


def _column_type(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "bigint" if is_postgres() else "INTEGER"
    return "text" if is_postgres() else "TEXT"


@contextmanager
def key_table(keys: pl.DataFrame) -> Iterator[str]:
    """Load the distinct non-null rows of `keys` into a temporary table; yield its name.

    The table lives in a savepoint of the caller's transaction and is dropped on the way out.
    """
    name = f"_keys_{next(_key_tables)}"
    cols = ", ".join(f'"{c}" {_column_type(t)}' for c, t in keys.schema.items())
    rows = keys.drop_nulls().group_by(keys.columns).len().drop("len")  # unique(), less memory
    with transaction.atomic(), connection.cursor() as cursor:
        on_commit = " ON COMMIT DROP" if is_postgres() else ""
        cursor.execute(f'CREATE TEMP TABLE "{name}" ({cols}){on_commit}')
        insert_frame(name, rows)
        if is_postgres():
            cursor.execute(f'ANALYZE "{name}"')
        yield name
        cursor.execute(f'DROP TABLE "{name}"')


def _values_frame(values: Sequence[Any]) -> pl.DataFrame:
    return pl.DataFrame({"v": list(values)}, strict=False)


@contextmanager
def _in_list(values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
    """Yield what goes inside `IN (...)` for `values`, and its parameters: marks inline up to
    INLINE_MAX values, else a SELECT from a temporary key table holding them."""
    if len(values) <= INLINE_MAX:
        yield ", ".join(["%s"] * len(values)), list(values)
        return
    with key_table(_values_frame(values)) as name:
        yield f'SELECT "v" FROM "{name}"', []


def execute_in(sql: str, values: Sequence[Any], params: Sequence[Any] = ()) -> int:
    """Run `sql` (with one `IN ({})` placeholder, after `params`) over `values`; return rowcount."""
    if not values:
        return 0
    with _in_list(values) as (inside, args), connection.cursor() as cursor:
        cursor.execute(sql.format(inside), [*params, *args])
        return cursor.rowcount


def delete_in(table: str, column: str, values: Sequence[Any]) -> int:
    """Delete the rows whose `column` is in `values`."""
    return execute_in(f'DELETE FROM "{table}" WHERE "{column}" IN ({{}})', values)


def select_in(sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run `sql` (with one `IN ({})` placeholder) over `values`; return every row."""
    if not values:
        return []
    with _in_list(values) as (inside, args), connection.cursor() as cursor:
        cursor.execute(sql.format(inside), args)
        return cursor.fetchall()


def select_frame(sql: str, values: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run `sql` (with one `IN ({})` placeholder) over `values`; return its rows as a frame.

    On PostgreSQL the rows come as CSV from COPY and Polars parses them: no Python object per
    value, which at half a million rows of ten columns saves seconds.
    """
    if not values:
        return pl.DataFrame(schema=schema)
    with _in_list(values) as (inside, args):
        return _read_frame(sql.format(inside), args, schema)


def select_join_frame(sql: str, keys: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """Run `sql`, whose `{}` names a temporary table holding the distinct rows of `keys`;
    return its rows as a frame of `schema`, read as `select_frame` reads them."""
    if keys.is_empty():
        return pl.DataFrame(schema=schema)
    rows = keys.drop_nulls().unique(maintain_order=True)
    if rows.height <= INLINE_ROWS:  # a request's few keys: no temporary table to create
        if rows.is_empty():
            return pl.DataFrame(schema=schema)
        marks = ", ".join(f'%s AS "{c}"' for c in rows.columns)
        inline = " UNION ALL ".join([f"SELECT {marks}"] * rows.height)
        args = [_sqlite_value(v) for row in rows.iter_rows() for v in row]
        return _read_frame(sql.format(f"({inline})"), args, schema)
    with key_table(keys) as name:
        return _read_frame(sql.format(f'"{name}"'), [], schema)


def _read_frame(query: str, args: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        if not is_postgres():
            cursor.execute(query, args)
            return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")
        buf = io.BytesIO()
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)", args) as copy:
            for block in copy:
                buf.write(block)
    if not buf.tell():
        return pl.DataFrame(schema=schema)
    return pl.read_csv(buf.getvalue(), has_header=False, new_columns=list(schema),
                       schema=schema)


def next_id(table: str) -> int:
    """Return one more than the largest id of `table` (call under lock_for_load)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        return int(cursor.fetchone()[0]) + 1


def update_rows(table: str, key: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Update rows by `key`; each row is (key value, *column values)."""
    if is_postgres():
        return _update_from_copy(
            table, key, columns, lambda name: insert_rows(name, [key, *columns], rows)
        )
    sets = ", ".join(f'"{c}" = %s' for c in columns)
    sql = f'UPDATE "{table}" SET {sets} WHERE "{key}" = %s'
    params = [[_sqlite_value(v) for v in (*row[1:], row[0])] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])
    return len(params)


def _update_from_copy(
    table: str, key: str, columns: Sequence[str], fill: Callable[[str], int]
) -> int:
    """COPY the new values into a temporary copy of the columns (`fill` writes them into the
    table it is given), then one UPDATE ... FROM."""
    name = f"_update_{next(_key_tables)}"
    cols = ", ".join(f'"{c}"' for c in (key, *columns))
    sets = ", ".join(f'"{c}" = k."{c}"' for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE "{name}" ON COMMIT DROP AS SELECT {cols} FROM "{table}" LIMIT 0'
        )
        count = fill(name)
        cursor.execute(f'ANALYZE "{name}"')
        cursor.execute(
            f'UPDATE "{table}" AS t SET {sets} FROM "{name}" AS k WHERE t."{key}" = k."{key}"'
        )
        cursor.execute(f'DROP TABLE "{name}"')
    return count


def _for_storage(frame: pl.DataFrame) -> pl.DataFrame:
    """Render dates, datetimes, lists and structs as the text both backends store."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            exprs.append(col.dt.strftime("%Y-%m-%d %H:%M:%S%.f").alias(name))
        elif dtype == pl.Date:
            exprs.append(col.dt.strftime("%Y-%m-%d").alias(name))
        elif isinstance(dtype, pl.List):
            inner = col.list.eval(pl.format('"{}"', pl.element().cast(pl.Utf8))).list.join(",")
            exprs.append(pl.format("[{}]", inner.fill_null("")).alias(name))
        elif isinstance(dtype, pl.Struct):
            exprs.append(col.struct.json_encode().alias(name))
    return frame.with_columns(exprs) if exprs else frame


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Return the frame with every column as the text the store holds (dates, lists, JSON)."""
    data = _for_storage(frame)
    return data.with_columns(pl.col(c).cast(pl.Utf8) for c, t in data.schema.items()
                             if t != pl.Utf8 and not t.is_integer())


def insert_frame(
    table: str, frame: pl.DataFrame, cluster: str | None = None,
    select: Sequence[str | pl.Expr] | None = None,
) -> int:
    """Insert a frame whose column names are the table's; COPY on PostgreSQL.

    With `select`, the rows inserted are those expressions of `frame`, computed a slice at a
    time in the frame's order: a column derived for the insert alone (a record's JSON payload)
    exists only while the insert runs, not beside the batch from its start.

    With `cluster`, PostgreSQL gets the rows in that column's order, so rows read together
    later (a customer's records) lie on neighbouring pages, not one page each. Each slice gathers
    its rows in that order from the columns `select` reads, then computes `select` on them:
    never a sorted copy of the whole frame, nor a derived column for all rows at once.
    (SQLite keeps a table in its integer key's order whatever the order of the inserts.)
    """
    if frame.is_empty():
        return 0
    exprs = [pl.col(e) if isinstance(e, str) else e for e in select or frame.columns]
    size = BATCH * 4 if is_postgres() else BATCH
    slices: Iterable[pl.DataFrame] = (
        frame.slice(at, size).select(exprs) for at in range(0, frame.height, size)
    )
    names = frame.head(0).select(exprs).columns
    cols = ", ".join(f'"{c}"' for c in names)
    with connection.cursor() as cursor:
        if is_postgres():
            if cluster:  # the rows of each slice are gathered first, then derived: no column
                order = frame[cluster].arg_sort(nulls_last=True)  # is computed for all rows
                reads = {n for e in exprs for n in e.meta.root_names()}
                base = frame.select(c for c in frame.columns if c in reads)  # views
                slices = (base[order.slice(at, size)].select(exprs)
                          for at in range(0, frame.height, size))
            slices = map(_for_storage, slices)
            sql = f'COPY "{table}" ({cols}) FROM STDIN (FORMAT csv)'
            with cursor.cursor.copy(sql) as copy:
                for part in slices:
                    copy.write(part.write_csv(include_header=False, datetime_format=None))
            return frame.height
        marks = ", ".join("?" for _ in names)
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'
        for part in map(_for_storage, slices):
            cursor.cursor.executemany(sql, part.iter_rows())
    return frame.height


def exists(sql: str, params: Sequence[Any] = ()) -> bool:
    """Return True when `sql` (a SELECT) returns a row."""
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT 1", list(params))
        return cursor.fetchone() is not None


def update_frame(table: str, key: str, frame: pl.DataFrame) -> int:
    """Update rows by `key` (the frame's first column) from a frame named like the table."""
    if frame.is_empty():
        return 0
    data = _for_storage(frame)
    if is_postgres():  # CSV from Polars: no Python object per value
        return _update_from_copy(table, key, data.columns[1:],
                                 lambda name: insert_frame(name, data))
    return update_rows(table, key, data.columns[1:], data.iter_rows())


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """Return (name, CREATE statement) of the indexes of `table` that no constraint owns."""
    if is_postgres():
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [table],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
    return [(name, sql) for name, sql in cursor.fetchall()]


def _keys(cursor: Any, tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """Return (table, name, definition) of the keys to drop with the indexes (PostgreSQL only):
    every foreign key from or to `tables`, then their primary and unique keys.

    A key's index is kept up to date row by row like any other; dropping it and adding the key
    again at the end (one sort, one check) makes a first load's COPYs faster.
    SQLite's keys live in the table itself, and its row-id key costs nothing to keep.
    """
    if not is_postgres():
        return []
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE (contype = 'f' AND (conrelid = ANY(%s::regclass[]) "
        "OR confrelid = ANY(%s::regclass[]))) "
        "OR (contype IN ('p', 'u') AND conrelid = ANY(%s::regclass[])) "
        "ORDER BY contype = 'f' DESC, conrelid::regclass::text, conname",
        [list(tables)] * 3,
    )
    return [(table, name, sql) for table, name, sql in cursor.fetchall()]


@contextmanager
def indexes_deferred(tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes and keys of `tables`; build them again on the way out.

    For a load that at least doubles the tables: one sort per index and one join per foreign key
    at the end cost far less than keeping them up to date row by row. Call it inside the load's
    transaction, so a failure leaves every index in place; readers wait for the commit. A
    duplicate the load wrote fails the rebuild of its unique key, which rolls the load back.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_deferred needs the caller's transaction")
    with connection.cursor() as cursor:
        indexes = [i for t in tables for i in _secondary_indexes(cursor, t)]
        keys = _keys(cursor, tables)  # foreign keys first: they lean on the unique ones
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for table, name, sql in reversed(keys):
            if not sql.startswith("FOREIGN KEY"):
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}')
        for _, sql in indexes:
            cursor.execute(sql)
        for table, name, sql in keys:
            if sql.startswith("FOREIGN KEY"):
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}')
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def vacuum(tables: Sequence[str]) -> None:
    """Vacuum `tables` after a large load has committed (PostgreSQL; outside any transaction).

    Rows a load has just written carry no hint bits and no visibility-map entry: the first
    reader of each page sets them and dirties it. Without this, the first 360° views after a
    large load each write back pages, and autovacuum goes over the tables at a time nobody
    chose. VACUUM does it once. (Figures: docs/benchmarks.md.)
    """
    if not is_postgres() or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM " + ", ".join(f'"{t}"' for t in tables))


"""Read a bearer token's user, membership, role and dealer in one plain query.

Every API request starts here, so the query is built once from the models' fields and the
instances are made the way the ORM makes them (`from_db`, the backends' converters), without
compiling a six-table `select_related` on each request. The same query tells whether django-axes
holds recent failed logins of the user or from the caller's address: only then is axes asked
whether the user is locked out, so an ordinary request stays one query.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import connection, models

from autocrm.accounts.models import ApiToken, Department, Membership, Role
from autocrm.dealers.models import Dealer

# Per model: the model, its fields, and per field its column expression and value converters.
Layout = list[tuple[Any, list[Any], list[tuple[Any, list[Any]]]]]
# alias, model, join condition (None for the table the query starts from)
JOINS: list[tuple[str, str, str | None]] = [
    ("t", "token", None),
    ("u", "user", "JOIN {} u ON u.id = t.user_id"),
    ("m", "membership", "LEFT JOIN {} m ON m.user_id = u.id"),
    ("r", "role", "LEFT JOIN {} r ON r.id = m.role_id"),
    ("d", "department", "LEFT JOIN {} d ON d.id = r.department_id"),
    ("k", "dealer", "LEFT JOIN {} k ON k.id = m.dealer_id"),
]


def _models() -> dict[str, type[models.Model]]:
    return {"token": ApiToken, "user": get_user_model(), "membership": Membership,
            "role": Role, "department": Department, "dealer": Dealer}


@cache
def _query() -> tuple[str, Layout]:
    """Return the SQL and, per model in order, its fields and their value converters."""
    found = _models()
    columns, tables, layout = [], [], []
    for alias, name, join in JOINS:
        model = found[name]
        fields = list(model._meta.concrete_fields)
        columns += [f'{alias}."{f.column}"' for f in fields]
        table = connection.ops.quote_name(model._meta.db_table)
        tables.append(join.format(table) if join else f"{table} {alias}")
        cols = [f.get_col(alias) for f in fields]
        layout.append((model, fields, [
            (col, [*connection.ops.get_db_converters(col), *f.get_db_converters(connection)])
            for f, col in zip(fields, cols, strict=True)
        ]))
    sql = (f"SELECT {', '.join(columns)}, {_failures()} FROM {' '.join(tables)} "
           "WHERE t.digest = %s AND t.revoked_at IS NULL")
    return sql, layout


def _failures() -> str:
    """Return whether axes holds attempts of user u or from address %s since instant %s."""
    meta = AccessAttempt._meta
    table = connection.ops.quote_name(meta.db_table)
    username, address, at = (meta.get_field(f).column
                             for f in ("username", "ip_address", "attempt_time"))
    user_model = get_user_model()
    name = next(f.column for f in user_model._meta.concrete_fields
                if f.name == user_model.USERNAME_FIELD)
    return (f'EXISTS (SELECT 1 FROM {table} a WHERE (a."{username}" = u."{name}" '
            f'OR a."{address}" = %s) AND a."{at}" >= %s)')


def _instance(model: type[models.Model], fields: list[Any],
              converters: list[tuple[Any, list[Any]]], values: tuple[Any, ...]) -> Any:
    if values[0] is None:  # no row on the outer-joined side
        return None
    out = []
    for (col, convs), value in zip(converters, values, strict=True):
        for conv in convs:
            value = conv(value, col, connection)
        out.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], out)


def token_with_user(digest: str) -> ApiToken | None:
    """Return the unrevoked token of `digest` with its user, membership, role and dealer."""
    return token_for_use(digest, None, dt.datetime.now(dt.UTC))[0]


def token_for_use(digest: str, address: str | None,
                  since: dt.datetime) -> tuple[ApiToken | None, bool]:
    """Return `token_with_user`, and whether axes holds failures of its user or `address`."""
    sql, layout = _query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [address, connection.ops.adapt_datetimefield_value(since), digest])
        row = cursor.fetchone()
    if row is None:
        return None, False
    objs, at = [], 0
    for model, fields, converters in layout:
        objs.append(_instance(model, fields, converters, row[at:at + len(fields)]))
        at += len(fields)
    token, user, membership, role, department, dealer = objs
    ApiToken._meta.get_field("user").set_cached_value(token, user)
    get_user_model()._meta.get_field("membership").set_cached_value(user, membership)
    if membership is not None:
        Membership._meta.get_field("role").set_cached_value(membership, role)
        Membership._meta.get_field("dealer").set_cached_value(membership, dealer)
        Role._meta.get_field("department").set_cached_value(role, department)
    return token, bool(row[-1])

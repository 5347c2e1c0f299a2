"""Model fields shared by the domain apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class WrittenJSONField(models.JSONField):
    """A JSON value written in bulk and read whole: PostgreSQL `json`, not `jsonb`.

    `jsonb` converts each document to its binary form on the way in, which is worth it only
    for values queried inside the database. A golden customer's lineage is most of its row,
    and nothing queries these values by key. SQLite keeps its JSON text column.
    """

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or not isinstance(value, str):  # psycopg decodes `json` itself
            return value
        return super().from_db_value(value, expression, connection)

"""Query conditions that use an index on both databases."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

# Above every character: `key <= value < key + TOP` holds exactly for values starting with key.
TOP = "\U0010ffff"


def prefix(field: str, key: str) -> Q:
    """Match values of `field` starting with `key`, through the field's index.

    PostgreSQL uses the pattern-ops index Django adds for LIKE; SQLite does not use an index
    for LIKE (it is case-insensitive there), but does for the equivalent range in byte order.
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": key, f"{field}__lt": key + TOP})
    return Q(**{f"{field}__startswith": key})

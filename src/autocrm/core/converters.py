"""Database ids in URLs: positive and within a 64-bit integer, so no lookup can overflow."""

from __future__ import annotations

from typing import Annotated

from ninja import Path

MAX_ID = 2**63 - 1

# An id path parameter of the API: out of range answers 422, never a database error.
DbId = Annotated[int, Path(ge=1, le=MAX_ID)]


class IdConverter:
    """`<id:name>` in page URLs: 1 to 18 digits (anything longer cannot be an id)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)

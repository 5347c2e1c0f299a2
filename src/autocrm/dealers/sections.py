"""SQL other apps' one-statement reads embed to name a dealer (the 360° view's dealer card)."""

from __future__ import annotations


def name_of(code_column: str) -> str:
    """Return a scalar subquery giving the name of the dealer whose code is `code_column`."""
    if not code_column.replace(".", "").replace("_", "").isalnum():
        raise ValueError(f"not a column: {code_column!r}")
    return f"(SELECT d.name FROM dealers_dealer d WHERE d.code = {code_column})"

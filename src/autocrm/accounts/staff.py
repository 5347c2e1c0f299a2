"""A dealer's staff as services that hand out work need them: its active salespeople."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def salespeople(dealer_code: str) -> list[Any]:
    """Return the dealer's active users who work leads but do not assign them, by username
    (the order round robin goes in). Inactive users never get work."""
    return list(get_user_model().objects.filter(
        is_active=True, membership__dealer__code=dealer_code,
        membership__role__leads=True, membership__role__lead_assign=False,
    ).order_by("username"))

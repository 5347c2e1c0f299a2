"""Template context: the acting user's rights, for menus."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from autocrm.accounts.actor import actor_of


def actor(request: HttpRequest) -> dict[str, Any]:
    """Expose the request's actor as `actor`."""
    return {"actor": actor_of(request)}

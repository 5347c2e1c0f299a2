"""Rights declared once per endpoint or page: `@requires("steward")`, checked here only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest

from autocrm.accounts.actor import actor_of

F = TypeVar("F", bound=Callable[..., Any])


def requires(*rights: str, page: bool = False) -> Callable[[F], F]:
    """Let the call through only for an actor with every right (pages send strangers to login)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            actor = actor_of(request)
            if page and not actor.authenticated:
                return redirect_to_login(request.get_full_path())
            for right in rights:
                actor.require(right)
            return view(request, *args, **kwargs)

        checked.rights = rights  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate

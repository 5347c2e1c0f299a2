"""One error base with a stable code; domains subclass it."""

from __future__ import annotations


class AppError(Exception):
    """An error a user or client can act on."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(AppError):
    """The object does not exist or the actor may not know it exists."""

    code = "not_found"
    status = 404


class InputError(AppError):
    """A file, row or field the caller sent cannot be used."""

    code = "bad_input"
    status = 400


class Forbidden(AppError):
    """The actor's role lacks the right for this kind of data or action."""

    code = "forbidden"
    status = 403


class Conflict(AppError):
    """The request crossed another change (a stale version, a reused idempotency key)."""

    code = "conflict"
    status = 409

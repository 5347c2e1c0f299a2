"""Idempotent writes: a request sent again with the same `Idempotency-Key` returns the first
answer and does nothing more (Stripe's rule: the key is the caller's, per user; the same key
with a different body is a conflict, not a second write)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from autocrm.core.errors import Conflict, InputError
from autocrm.core.models import IdempotentAnswer

HEADER = "Idempotency-Key"
MAX_KEY = 128


def once(request: HttpRequest, payload: Any, write: Callable[[], tuple[int, Any]]
         ) -> tuple[int, Any]:
    """Run `write` (returning status and JSON body) once per idempotency key of the caller.

    Without the header the write simply runs. With it, the first request's answer is stored in
    the same transaction as its write; a retry gets it back; a concurrent twin waits for the
    first to commit and then gets its answer.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return write()
    if len(key) > MAX_KEY:
        raise InputError(_("%(header)s is longer than %(n)s characters") % {
            "header": HEADER, "n": MAX_KEY}, code="bad_idempotency_key")
    user = request.user if request.user.is_authenticated else None
    digest = hashlib.sha256(json.dumps([request.method, request.path, payload], sort_keys=True,
                                       ensure_ascii=False, default=str).encode()).hexdigest()
    found = _answer(user, key, digest)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            status, body = write()
            IdempotentAnswer.objects.create(user=user, key=key, request_hash=digest,
                                            status=status, body=body)
    except IntegrityError:  # the twin committed first
        found = _answer(user, key, digest)
        if found is None:
            raise
        return found
    return status, body


def _answer(user: Any, key: str, digest: str) -> tuple[int, Any] | None:
    row = IdempotentAnswer.objects.filter(user=user, key=key).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise Conflict(_("%(header)s %(key)s was used for another request") % {
            "header": HEADER, "key": key},
                       code="idempotency_key_reused")
    return row.status, row.body

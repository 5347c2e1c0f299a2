"""The answer to a locked-out login: JSON with a code for the API, a page for people."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED = "登录失败次数过多，账户已暂时锁定 15 分钟 (too many failed logins; locked for 15 minutes)"


def locked_out(request: HttpRequest, original_response: Any = None,
               credentials: Any = None) -> HttpResponse:
    """Answer 429 (called by django-axes)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": LOCKED}, status=429)
    return render(request, "locked_out.html", status=429)

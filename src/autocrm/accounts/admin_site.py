"""The back office: open to HQ roles with a back-office right; each model admin names its right."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from autocrm.accounts.actor import ANONYMOUS, actor_of
from autocrm.accounts.masking import shown
from autocrm.core import audit


class AutocrmAdminSite(admin.AdminSite):
    """Django's admin, opened by role rights (see Actor.admin_site)."""

    site_header = "autocrm 客户数据平台 · 后台"
    site_title = "autocrm"
    index_title = "后台管理 back office"
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        return actor_of(request).admin_site


# The request being rendered, for display callables (which Django gives only the object).
_current: ContextVar[HttpRequest | None] = ContextVar("admin_request", default=None)


def _rendered(view: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    token = _current.set(request)
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        return response
    finally:
        _current.reset(token)


class RightAdmin(admin.ModelAdmin):
    """A model admin for one right: view and change with it; no adding or deleting by default."""

    right = "steward"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        return _rendered(super().changelist_view, request, extra_context)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return _rendered(super().changeform_view, request, *args, **kwargs)

    def _can(self, request: HttpRequest) -> bool:
        return actor_of(request).admin_site and actor_of(request).can(self.right)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._can(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit.record("admin_add", obj._meta.label, obj.pk, actor=request.user,
                     change=str(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit.record("admin_change", obj._meta.label, obj.pk, actor=request.user,
                     change=str(message))
        return super().log_change(request, obj, message)


def masked(field: str, value: Any) -> Any:
    """Show a personal-data value in the back office as the current user's level allows."""
    request = _current.get()
    return shown(actor_of(request) if request else ANONYMOUS, field, value)[0]

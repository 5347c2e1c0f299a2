"""The back office: open to HQ roles with a back-office right; each model admin names its right."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from autocrm.accounts.actor import ANONYMOUS, actor_of
from autocrm.accounts.masking import shown
from autocrm.core import audit


class AutocrmAdminSite(admin.AdminSite):
    """Django's admin, opened by role rights (see Actor.admin_site)."""

    site_header = _("autocrm customer data platform · back office")
    site_title = "autocrm"
    index_title = _("Back office")
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        return actor_of(request).admin_site


NO_SAVE = {"show_save": False, "show_save_and_continue": False,
           "show_save_and_add_another": False, "show_delete": False}

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
    """A model admin for one right: view and change with it; no adding or deleting by default.

    A `read_only` admin (every field read-only, changes made by actions) shows no save buttons.
    """

    right = "steward"
    read_only = False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        return _rendered(super().changelist_view, request, extra_context)

    def changeform_view(self, request: HttpRequest, object_id: Any = None, form_url: str = "",
                        extra_context: Any = None) -> Any:
        if self.read_only:
            title = _("View %s") % self.opts.verbose_name
            extra_context = {**(extra_context or {}), **NO_SAVE, "title": title}
        return _rendered(super().changeform_view, request, object_id, form_url, extra_context)

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


def key_value_table(data: dict[str, Any], labels: dict[str, Any] | None = None) -> SafeString:
    """Render a JSON object as a table of labelled rows (label, then the key in grey)."""
    labels = labels or {}
    rows = format_html_join(
        "", '<tr><th>{} <span class="kv-key">{}</span></th><td>{}</td></tr>',
        ((labels.get(k, k), k if k in labels else "", "—" if v in (None, "") else v)
         for k, v in data.items()))
    return format_html('<table class="kv">{}</table>', rows)


def rounded(value: float | None, places: int = 3) -> str:
    """Show a score with a few decimals, not sixteen."""
    return "—" if value is None else f"{value:.{places}f}"

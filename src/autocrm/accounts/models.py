"""Departments, roles with explicit rights per kind of data, users' memberships, API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from autocrm.accounts.rights import Level


class Department(models.Model):
    """An HQ department, or the dealer side (whose users each belong to one dealer)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64)
    is_dealer = models.BooleanField(_("dealer side"), default=False)

    class Meta:
        ordering = ["is_dealer", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    @property
    def display_name(self) -> str:
        """Return the name in the active language."""
        return self.name_en if get_language() == "en" and self.name_en else self.name

    def __str__(self) -> str:
        return self.display_name


def _level(label: Any) -> models.CharField:
    return models.CharField(label, max_length=8, choices=Level.choices, default=Level.HIDDEN)


class Role(models.Model):
    """A job with explicit rights per kind of data; editable by user administrators."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="roles",
                                   verbose_name=_("Department"))
    contact = _level(_("contact details (mobile, address)"))
    identity = _level(_("identity (ID number, birthday)"))
    profile = models.BooleanField(_("customer profile, vehicles, timeline"), default=False)
    finance = models.BooleanField(_("finance and insurance"), default=False)
    repair = models.BooleanField(_("repair history"), default=False)
    complaints = models.BooleanField(_("complaints"), default=False)
    export = models.BooleanField(_("exports"), default=False)
    steward = models.BooleanField(_("steward actions"), default=False)
    dataops = models.BooleanField(_("data operations"), default=False)
    user_admin = models.BooleanField(_("user administration"), default=False)
    audit = models.BooleanField(_("audit log"), default=False)
    leads = models.BooleanField(_("leads"), default=False)
    lead_assign = models.BooleanField(_("assign and approve leads"), default=False)

    class Meta:
        ordering = ["department", "code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    @property
    def display_name(self) -> str:
        """Return the name in the active language."""
        return self.name_en if get_language() == "en" and self.name_en else self.name

    def __str__(self) -> str:
        return self.display_name


class Membership(models.Model):
    """A user's role and, for dealer roles, the dealer they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership",
        verbose_name=_("User")
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="members",
                             verbose_name=_("Role"))
    dealer = models.ForeignKey(
        "dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("Dealer")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.role}" + (f" · {self.dealer.code}" if self.dealer else "")


class ApiToken(models.Model):
    """A bearer token for API clients; only its SHA-256 is stored.

    `auth_digest` is the SHA-256 of the user's session auth hash when the token was issued: that
    hash changes with the password, so setting a password (anywhere) ends the user's tokens.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("User"))
    name = models.CharField(_("name"), max_length=64, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(_("Token digest"), max_length=64, unique=True)
    auth_digest = models.CharField(_("Password digest"), max_length=64, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

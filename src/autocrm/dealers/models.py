"""The dealer network."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dealer(models.Model):
    """One dealer (经销商), identified by its code."""

    code = models.CharField(_("Dealer code"), max_length=16, unique=True)
    name = models.CharField(_("Dealer name"), max_length=128)
    province = models.CharField(_("Province"), max_length=32, blank=True)
    city = models.CharField(_("City"), max_length=32, blank=True)
    # HQ's leads go round the dealers of a region in proportion to their capacity (L3)
    lead_capacity = models.PositiveSmallIntegerField(_("lead capacity"), default=10)
    leads_paused = models.BooleanField(_("leads paused"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

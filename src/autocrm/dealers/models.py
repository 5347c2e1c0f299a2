"""The dealer network."""

from django.db import models


class Dealer(models.Model):
    """One dealer (经销商), identified by its code."""

    code = models.CharField("经销商代码", max_length=16, unique=True)
    name = models.CharField("名称", max_length=128)
    province = models.CharField("省份", max_length=32, blank=True)
    city = models.CharField("城市", max_length=32, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "经销商"
        verbose_name_plural = "经销商"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

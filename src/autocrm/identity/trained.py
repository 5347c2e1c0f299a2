"""Trained probabilistic models kept in the store, one per matching configuration."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from autocrm.identity.config import MatchConfig
from autocrm.identity.models import MatchModel


def config_digest(config: MatchConfig) -> str:
    """Identify a configuration: any change to it makes earlier models unusable."""
    return hashlib.sha256(repr(config).encode()).hexdigest()


def latest(config: MatchConfig) -> dict[str, Any] | None:
    """Return the newest model trained with this configuration, or None."""
    row = (MatchModel.objects.filter(config_digest=config_digest(config))
           .order_by("-trained_at", "-id").values_list("model", flat=True).first())
    return row if isinstance(row, dict) else None


def keep(config: MatchConfig, model: dict[str, Any], records: int, load_id: int | None) -> None:
    """Store a model a run has just trained."""
    MatchModel.objects.create(config_digest=config_digest(config), model=model, records=records,
                              trained_at=timezone.now(), load_id=load_id)

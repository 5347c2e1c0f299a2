"""Trained models are kept per matching configuration and the newest is reused."""

from __future__ import annotations

import dataclasses

import pytest

from autocrm.identity import trained
from autocrm.identity.config import customers_config
from autocrm.identity.models import MatchModel

pytestmark = pytest.mark.django_db


def _model(prior: float) -> dict[str, object]:
    return {"comparisons": [], "probability_two_random_records_match": prior}


def test_the_newest_model_of_the_same_configuration_is_reused() -> None:
    config = customers_config()
    assert trained.latest(config) is None
    trained.keep(config, _model(0.1), records=500, load_id=None)
    trained.keep(config, _model(0.2), records=40, load_id=None)

    assert trained.latest(config) == _model(0.2)
    assert list(MatchModel.objects.order_by("id").values_list("records", flat=True)) == [500, 40]


def test_a_changed_configuration_does_not_reuse_the_model() -> None:
    config = customers_config()
    trained.keep(config, _model(0.1), records=500, load_id=None)
    changed = dataclasses.replace(config, threshold=config.threshold / 2)

    assert trained.config_digest(changed) != trained.config_digest(config)
    assert trained.latest(changed) is None

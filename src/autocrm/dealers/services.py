"""Changes to the dealer network."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from autocrm.core import audit
from autocrm.core.errors import InputError
from autocrm.dealers.models import Dealer

COLUMNS = {"经销商代码": "code", "经销商名称": "name", "省份": "province", "城市": "city"}


@transaction.atomic
def import_dealers(path: Path, actor: object = None) -> int:
    """Create or update dealers from a CSV with 经销商代码, 经销商名称, 省份, 城市."""
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(_("%(file)s: required columns missing: %(columns)s")
                         % {"file": path.name, "columns": ", ".join(missing)},
                         code="missing_column")
    rows = frame.rename(COLUMNS).select(list(COLUMNS.values())).to_dicts()
    for row in rows:
        Dealer.objects.update_or_create(code=row["code"], defaults=row)
    audit.record("import", "dealer", path.name, actor=actor, count=len(rows))
    return len(rows)

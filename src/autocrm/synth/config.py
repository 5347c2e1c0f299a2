"""Settings of the synthetic data generator: defect rates, catalogue, source column mappings."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from pathlib import Path

TODAY = dt.date(2026, 11, 1)
EPOCH = dt.date(1970, 1, 1)
TODAY_DAYS = (TODAY - EPOCH).days


def days(year: int, month: int = 1, day: int = 1) -> int:
    """Days since 1970-01-01 of a calendar date."""
    return (dt.date(year, month, day) - EPOCH).days


@dataclass(frozen=True)
class DefectRates:
    """Probabilities of each defect per eligible value, at the dealer data centre (DMS).

    Other sources multiply every rate by their ``scale_*`` factor; FIN and INV are nearly
    clean. Defects of one value are mutually exclusive (drawn from one uniform number), so a
    value gets defect X with exactly the configured probability as long as the rates competing
    for the same value sum to at most 1. ``second_phone`` and ``phone_change`` are per person.
    """

    fullwidth: float = 0.02  # full-width digits/letters in a phone, ID or VIN
    phone_format: float = 0.04  # +86 138-0013-8000, 0086 13800138000, 138 0013 8000
    landline: float = 0.01  # 010-62345678 in the mobile column
    short_phone: float = 0.01  # mobile with fewer than 11 digits
    id_sci: float = 0.03  # 4.10101E+17 (Excel-mangled ID, DMS only)
    id_checksum: float = 0.01  # one-character typo, check digit no longer matches
    date_format: float = 0.04  # date as text in another format (2023/5/1, 20230501, ...)
    date_serial: float = 0.015  # Excel serial number (44927)
    future_date: float = 0.005
    ancient_date: float = 0.005  # before 1900
    name_typo: float = 0.02  # 张伟 -> 张玮
    name_title: float = 0.02  # 王先生 / 李女士
    name_space: float = 0.01  # 张 伟
    vin_ocr: float = 0.01  # O for 0, I for 1
    model_variant: float = 0.03  # 奥迪A4L / a4l / A4L 2019款 (DMS only)
    missing_phone: float = 0.03  # DMS only
    missing_id: float = 0.05  # DMS only
    missing_birth: float = 0.05  # DMS only
    duplicate_row: float = 0.005  # exact duplicate of a data row
    second_phone: float = 0.10  # share of persons with a second mobile
    phone_change: float = 0.03  # share of persons changing their mobile at some date
    scale_dms: float = 1.0
    scale_fin: float = 0.05
    scale_inv: float = 0.1
    scale_cc: float = 0.6
    scale_web: float = 0.6
    scale_svy: float = 0.5
    scale_club: float = 0.5
    scale_lead: float = 0.6

    def rate(self, name: str, source: str) -> float:
        """Effective probability of defect ``name`` in ``source``."""
        scale = float(getattr(self, f"scale_{source.lower()}"))
        return min(1.0, float(getattr(self, name)) * scale)

    def names(self) -> list[str]:
        return [f.name for f in fields(self) if not f.name.startswith("scale_")]


@dataclass
class GenerationSummary:
    out_dir: Path
    persons: int
    companies: int
    vehicles: int
    dealers: int
    files: dict[str, int] = field(default_factory=dict)  # relative path -> data rows written


@dataclass(frozen=True)
class Model:
    name: str
    vds: str  # VIN positions 4-8
    price: int  # base price in yuan
    weight: float
    first_year: int
    last_year: int
    invoice_name: str  # 厂牌型号 on the invoice
    ev: bool = False


CATALOGUE: tuple[Model, ...] = (
    Model("A3 Sportback", "8VA1J", 210_000, 0.12, 2014, 2030, "A3 Sportback 1.4T"),
    Model("A4L", "8WA2A", 330_000, 0.24, 2012, 2030, "A4L 2.0T"),
    Model("A6L", "4GA3C", 460_000, 0.19, 2012, 2030, "A6L 2.0T"),
    Model("Q3", "8UA2F", 270_000, 0.14, 2013, 2030, "Q3 1.4T"),
    Model("Q5", "8RA3B", 400_000, 0.16, 2012, 2017, "Q5 2.0T"),
    Model("Q5L", "FYA3B", 420_000, 0.16, 2018, 2030, "Q5L 2.0T"),
    Model("Q7", "4MA4P", 760_000, 0.05, 2012, 2030, "Q7 3.0T"),
    Model("e-tron", "GEA1E", 650_000, 0.06, 2019, 2030, "e-tron 纯电动", ev=True),
)
CONFIGS = ("时尚型", "舒适型", "豪华型", "尊享型")
CONFIG_WEIGHTS = (0.3, 0.35, 0.25, 0.1)
CONFIG_FACTORS = (1.0, 1.1, 1.22, 1.4)
WMI = "LFV"
PLANTS = "136"


@lru_cache(maxsize=16)
def feed_columns(source: str, feed: str) -> dict[str, str]:
    """Chinese header -> canonical field of one feed, in file order, from the source TOML."""
    text = (resources.files("autocrm.sources") / "config" / f"{source}.toml").read_text("utf-8")
    return dict(tomllib.loads(text)["feeds"][feed]["columns"])


@lru_cache(maxsize=16)
def feed_key(source: str, feed: str) -> tuple[str, ...]:
    """Canonical fields making up the natural key of a feed."""
    text = (resources.files("autocrm.sources") / "config" / f"{source}.toml").read_text("utf-8")
    return tuple(tomllib.loads(text)["feeds"][feed]["key"])

"""Synthetic multi-source data with ground truth, for testing and benchmarking autocrm.

``generate(out_dir, customers=...)`` writes what the brand's source systems would export (FIN,
INV, DMS per dealer, CC, WEB, SVY, CLUB) with realistic defects, and the truth under
``out_dir/truth``. Deterministic for a given seed and arguments.
"""

from .config import TODAY, DefectRates, GenerationSummary
from .defects import CODES as DEFECT_CODES
from .generator import build_world, generate

__all__ = [
    "DEFECT_CODES",
    "TODAY",
    "DefectRates",
    "GenerationSummary",
    "build_world",
    "generate",
]

"""Vectorised identifiers with correct check characters: resident ID numbers (GB 11643),
unified social credit codes (GB 32100), VINs (ISO 3779 / GB 16735) and mobile numbers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

_RIC_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_RIC_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2])
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_YEAR_CODES = {y: c for y, c in zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True)}
MOBILE_PREFIXES = np.array([
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158,
    159, 173, 175, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198,
    199,
])
_MOBILE_WEIGHTS = np.where(MOBILE_PREFIXES < 170, 3.0, np.where(MOBILE_PREFIXES < 190, 2.0, 1.0))


def digits_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) matrix of the decimal digits of non-negative int64 values."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers[None, :]) % 10


def bytes_to_str(mat: np.ndarray) -> pl.Series:
    """(n, w) uint8 ASCII matrix -> polars String series."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    return pl.Series(mat.view(f"S{mat.shape[1]}").ravel()).cast(pl.String)


def ric_numbers(region: np.ndarray, ymd: np.ndarray, seq: np.ndarray) -> pl.Series:
    """Resident ID numbers from region code, birth date as yyyymmdd int, and 3-digit seq."""
    body = region.astype(np.int64) * 10**11 + ymd.astype(np.int64) * 1000 + seq
    digits = digits_matrix(body, 17)
    check = _RIC_CHECK[(digits * _RIC_WEIGHTS).sum(axis=1) % 11]
    return bytes_to_str(np.column_stack([digits + 48, check]))


def ric_check(first17: str) -> str:
    """Check character of one resident ID number body."""
    total = sum(int(c) * w for c, w in zip(first17, _RIC_WEIGHTS, strict=True))
    return chr(_RIC_CHECK[total % 11])


def uscc_numbers(region: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Unified social credit codes: 91 (enterprise) + region + organisation code + check."""
    n = region.size
    org = rng.integers(10_000_000, 100_000_000, n)
    org_digits = digits_matrix(org, 8)
    org_check = 11 - (org_digits * _ORG_WEIGHTS).sum(axis=1) % 11
    org_char = np.where(org_check == 10, 33, np.where(org_check == 11, 0, org_check))
    head = digits_matrix(np.full(n, 91) * 10**6 + region, 8)
    values = np.column_stack([head, org_digits, org_char])  # alphabet indices (33 = X)
    values = np.where(values == 33, USCC_ALPHABET.index("X"), values)
    check = (31 - (values * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
    alphabet = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
    return bytes_to_str(alphabet[np.column_stack([values, check])])


def vin_numbers(prefix8: np.ndarray, year_plant: np.ndarray, serial: np.ndarray) -> pl.Series:
    """VINs from the first 8 characters (WMI + VDS), positions 10-11 and a 6-digit serial;
    position 9 gets the ISO 3779 check digit."""
    head = np.asarray(prefix8).astype("S8").view(np.uint8).reshape(-1, 8)
    mid = np.asarray(year_plant).astype("S2").view(np.uint8).reshape(-1, 2)
    tail = digits_matrix(serial, 6).astype(np.uint8) + 48
    mat = np.column_stack([head, np.zeros((head.shape[0], 1), np.uint8), mid, tail])
    table = np.zeros(128, dtype=np.int64)
    for ch, val in _VIN_VALUES.items():
        table[ord(ch)] = val
    rem = (table[mat] * _VIN_WEIGHTS).sum(axis=1) % 11
    mat[:, 8] = np.where(rem == 10, ord("X"), rem + 48)
    return bytes_to_str(mat)


def vin_check(vin: str) -> str:
    """Check character (position 9) a VIN should carry."""
    rem = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return "X" if rem == 10 else str(rem)


def unique_redraw(
    values: np.ndarray, redraw: Callable[[np.ndarray], np.ndarray], taken: np.ndarray | None = None
) -> np.ndarray:
    """Replace later duplicates (and values in ``taken``) by fresh draws until all are unique.

    ``redraw`` receives the positions to replace and returns new values for them."""
    values = values.copy()
    banned = pl.Series(taken) if taken is not None else None
    for _ in range(100):
        series = pl.Series(values)
        bad = ~series.is_first_distinct()
        if banned is not None:
            bad = bad | series.is_in(banned.implode())
        pos = bad.arg_true().to_numpy()
        if pos.size == 0:
            return values
        values[pos] = redraw(pos)
    raise RuntimeError("could not draw unique values")


OTHER_PREFIXES = np.array([145, 147, 149, 162, 165, 167, 171, 172, 190, 192, 193, 195, 196, 197])


def other_mobiles(u_prefix: np.ndarray, u_number: np.ndarray) -> np.ndarray:
    """Mobiles (int64) of people outside the customer base (relatives, contact persons), from
    two uniforms each: their prefixes are never used for customers, so they cannot collide
    with a customer's phone."""
    prefix = OTHER_PREFIXES[(u_prefix * OTHER_PREFIXES.size).astype(np.int64)].astype(np.int64)
    return prefix * 10**8 + (u_number * 10**8).astype(np.int64)


def mobile_numbers(n: int, rng: np.random.Generator, taken: np.ndarray | None = None) -> np.ndarray:
    """``n`` distinct 11-digit mobile numbers (int64), none of them in ``taken``."""
    p = _MOBILE_WEIGHTS / _MOBILE_WEIGHTS.sum()

    def draw(pos: np.ndarray) -> np.ndarray:
        prefix = rng.choice(MOBILE_PREFIXES, size=pos.size, p=p).astype(np.int64)
        return prefix * 10**8 + rng.integers(0, 10**8, pos.size)

    return unique_redraw(draw(np.arange(n)), draw, taken)

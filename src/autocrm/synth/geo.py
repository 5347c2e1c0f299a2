"""Chinese administrative geography for the generator, read from python-stdnum's cn/loc data.

Region codes of resident ID numbers must exist in the year of birth (``stdnum.cn.ric`` checks
this), so every county keeps a validity mask over the birth years the generator uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import stdnum

YEAR0, YEAR1 = 1950, 2004  # birth years the generator draws
_MUNICIPALITIES = {11, 12, 31, 50}
_EXCLUDED = {71, 81, 82}
_PART = re.compile(r"^\[(\d*)-(\d*)\](.*)$")

# province code -> (abbreviation for plates, market weight, area code of the capital)
PROVINCE_INFO: dict[int, tuple[str, float, str]] = {
    11: ("京", 5.0, "010"), 12: ("津", 2.0, "022"), 13: ("冀", 4.0, "0311"),
    14: ("晋", 2.0, "0351"), 15: ("蒙", 1.5, "0471"), 21: ("辽", 3.0, "024"),
    22: ("吉", 1.5, "0431"), 23: ("黑", 1.5, "0451"), 31: ("沪", 5.0, "021"),
    32: ("苏", 9.0, "025"), 33: ("浙", 8.0, "0571"), 34: ("皖", 3.5, "0551"),
    35: ("闽", 3.5, "0591"), 36: ("赣", 2.0, "0791"), 37: ("鲁", 7.0, "0531"),
    41: ("豫", 5.0, "0371"), 42: ("鄂", 4.0, "027"), 43: ("湘", 3.5, "0731"),
    44: ("粤", 10.0, "020"), 45: ("桂", 2.0, "0771"), 46: ("琼", 0.7, "0898"),
    50: ("渝", 2.5, "023"), 51: ("川", 5.0, "028"), 52: ("贵", 1.5, "0851"),
    53: ("云", 2.0, "0871"), 54: ("藏", 0.2, "0891"), 61: ("陕", 2.5, "029"),
    62: ("甘", 1.0, "0931"), 63: ("青", 0.4, "0971"), 64: ("宁", 0.5, "0951"),
    65: ("新", 1.0, "0991"),
}
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Geo:
    """Flat arrays describing provinces, prefecture-level cities and counties."""

    prov_code: np.ndarray  # int, e.g. 11
    prov_name: np.ndarray  # str, e.g. 北京市
    prov_abbr: np.ndarray  # str, e.g. 京
    prov_area: np.ndarray  # str, area code of the capital, e.g. 010
    prov_weight: np.ndarray  # float, sums to 1
    city_prov: np.ndarray  # int index into prov_*
    city_name: np.ndarray  # str, e.g. 广州市
    city_letter: np.ndarray  # str, plate letter, A for the capital
    city_weight: np.ndarray  # float, within-province weight (capital heavier)
    county_code: np.ndarray  # int, 6-digit region code
    county_prov: np.ndarray  # int index into prov_*
    county_city: np.ndarray  # int index into city_*, -1 when the prefecture no longer exists
    county_name: np.ndarray  # str, current (or last) name
    county_current: np.ndarray  # bool, exists today (usable for addresses)
    county_valid: np.ndarray  # bool matrix (n_county, YEAR1 - YEAR0 + 1)

    def short_city(self) -> np.ndarray:
        """City names without the trailing 市 (北京, 广州)."""
        return np.array([n[:-1] if n.endswith("市") else n for n in self.city_name])


def _loc_path() -> Path:
    return Path(stdnum.__file__).parent / "cn" / "loc.dat"


def _parse_name(raw: str) -> tuple[str, list[tuple[int, int]], bool]:
    """Return (last name, validity intervals, currently valid) of a loc.dat county value."""
    intervals: list[tuple[int, int]] = []
    name, current = raw, False
    for part in raw.split(","):
        match = _PART.match(part)
        if not match:
            return part, [(0, 9999)], True
        start, end, name = match.group(1), match.group(2), match.group(3)
        intervals.append((int(start or 0), int(end or 9999)))
        current = current or not end
    return name, intervals, current


_County = tuple[int, int, str, list[tuple[int, int]], bool]


def _read_loc() -> tuple[list[_County], dict[int, str]]:
    """(province code, 4-digit rest, name, intervals, current) for every county line, and the
    province names."""
    rows: list[_County] = []
    prov = 0
    prov_names: dict[int, str] = {}
    for line in _loc_path().read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            code, rest = line.split(" ", 1)
            prov = int(code)
            prov_names[prov] = rest.split('"')[1]
            continue
        code, rest = line.strip().split(" ", 1)
        name, intervals, current = _parse_name(rest.split('"')[1])
        rows.append((prov, int(code), name, intervals, current))
    return rows, prov_names


def _valid_mask(intervals: list[tuple[int, int]]) -> np.ndarray:
    years = np.arange(YEAR0, YEAR1 + 1)
    mask = np.zeros(years.size, dtype=bool)
    for start, end in intervals:
        mask |= (years >= start) & (years <= end)
    return mask


@lru_cache(maxsize=1)
def load_geo() -> Geo:
    """Parse loc.dat once into a :class:`Geo`."""
    rows, prov_names = _read_loc()
    provs = [p for p in prov_names if p in PROVINCE_INFO and p not in _EXCLUDED]
    prov_index = {p: i for i, p in enumerate(provs)}
    cities: list[tuple[int, int, str]] = []  # (prov index, prefecture 2 digits, name)
    city_index: dict[tuple[int, int], int] = {}
    for p in provs:
        if p in _MUNICIPALITIES:
            city_index[(p, -1)] = len(cities)
            cities.append((prov_index[p], -1, prov_names[p]))
    for prov, code4, name, _intervals, current in rows:
        if prov not in prov_index or prov in _MUNICIPALITIES:
            continue
        if code4 % 100 == 0 and code4 != 0 and current and name.endswith("市"):
            city_index[(prov, code4 // 100)] = len(cities)
            cities.append((prov_index[prov], code4 // 100, name))
    counties = [r for r in rows if r[0] in prov_index and r[1] % 100 != 0]
    counties = [r for r in counties if r[2] not in {"市辖区", "郊区", "市区", "矿区"}]
    county_city = []
    for prov, code4, *_ in counties:
        key = (prov, -1) if prov in _MUNICIPALITIES else (prov, code4 // 100)
        county_city.append(city_index.get(key, -1))
    return _assemble(provs, prov_names, cities, counties, county_city, prov_index)


def _assemble(
    provs: list[int],
    prov_names: dict[int, str],
    cities: list[tuple[int, int, str]],
    counties: list[_County],
    county_city: list[int],
    prov_index: dict[int, int],
) -> Geo:
    weights = np.array([PROVINCE_INFO[p][1] for p in provs])
    city_prov = np.array([c[0] for c in cities])
    letters, city_weight = [], []
    seen: dict[int, int] = {}
    for pi, pref, _name in cities:
        k = seen.get(pi, 0)
        seen[pi] = k + 1
        letters.append(_PLATE_LETTERS[min(k, len(_PLATE_LETTERS) - 1)])
        city_weight.append(4.0 if k == 0 or pref < 0 else 1.0)
    return Geo(
        prov_code=np.array(provs),
        prov_name=np.array([prov_names[p] for p in provs]),
        prov_abbr=np.array([PROVINCE_INFO[p][0] for p in provs]),
        prov_area=np.array([PROVINCE_INFO[p][2] for p in provs]),
        prov_weight=weights / weights.sum(),
        city_prov=city_prov,
        city_name=np.array([c[2] for c in cities]),
        city_letter=np.array(letters),
        city_weight=np.array(city_weight),
        county_code=np.array([r[0] * 10000 + r[1] for r in counties]),
        county_prov=np.array([prov_index[r[0]] for r in counties]),
        county_city=np.array(county_city),
        county_name=np.array([r[2] for r in counties]),
        county_current=np.array([r[4] for r in counties]),
        county_valid=np.array([_valid_mask(r[3]) for r in counties]),
    )


def pick_region_codes(
    geo: Geo, city: np.ndarray, year: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A region code valid in ``year`` for each person: in ``city`` if possible, else in
    its province, else any county code valid in every year."""
    out = np.full(city.size, -1, dtype=np.int64)
    yi = np.clip(year - YEAR0, 0, YEAR1 - YEAR0)
    u = rng.random(city.size)
    groups = [(geo.county_city, city), (geo.county_prov, geo.city_prov[city])]
    for owner, target in groups:
        todo = np.flatnonzero(out < 0)
        order = todo[np.argsort(target[todo], kind="stable")]
        bounds = np.searchsorted(target[order], np.unique(target[order]))
        for chunk in np.split(order, bounds[1:]):
            if chunk.size == 0:
                continue
            cand = np.flatnonzero(owner == target[chunk[0]])
            _choose(out, chunk, cand, geo.county_valid[cand][:, yi[chunk]], u, geo)
    todo = np.flatnonzero(out < 0)
    always = np.flatnonzero(geo.county_valid.all(axis=1))
    out[todo] = geo.county_code[always[(u[todo] * always.size).astype(int)]]
    return out


def _choose(
    out: np.ndarray, chunk: np.ndarray, cand: np.ndarray, valid: np.ndarray, u: np.ndarray,
    geo: Geo,
) -> None:
    """Pick uniformly among the valid candidates (rows of ``valid``) per person."""
    if cand.size == 0:
        return
    counts = valid.sum(axis=0)
    cum = valid.cumsum(axis=0)
    target = np.floor(u[chunk] * counts).astype(np.int64)
    pick = (cum > target[None, :]).argmax(axis=0)
    ok = counts > 0
    out[chunk[ok]] = geo.county_code[cand[pick[ok]]]


def current_counties(geo: Geo) -> tuple[np.ndarray, np.ndarray]:
    """(start offsets per city, county indices sorted by city) of counties existing today,
    districts (区) first so that addresses are mostly urban."""
    idx = np.flatnonzero(geo.county_current & (geo.county_city >= 0))
    urban = np.array([not n.endswith("区") for n in geo.county_name[idx]])
    order = np.lexsort((urban, geo.county_city[idx]))
    idx = idx[order]
    starts = np.searchsorted(geo.county_city[idx], np.arange(geo.city_name.size + 1))
    return starts, idx

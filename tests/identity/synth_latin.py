"""Latin-script people with known truth: typos, swapped fields, missing values, odd formats.

Most duplicates differ from their original in one or two fields, so a deterministic key on
full name and birth date catches only the exact copies: the case where a prior taken from
the keys alone collapses. Dates are written `YYYYMMDD`, missing values as empty cells or
the literal `NA`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import polars as pl
from faker import Faker

LOCALES = ("en_GB", "en_US", "en_IE", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL")
COLUMNS = ("first_name", "surname", "dob", "address", "city", "postcode", "email")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
KEYBOARD = {c: n for c, n in zip(LETTERS, "qnvsrdfgujlkbmpoawetyciwth", strict=True)}


@dataclass(frozen=True)
class Pools:
    """Value pools drawn once from Faker, sampled with `random` (fast for a million rows)."""

    first: list[str]
    last: list[str]
    streets: list[str]
    places: list[tuple[str, str]]  # city, postcode prefix


def pools(seed: int = 3) -> Pools:
    """Build name, street and place pools from several Latin-script locales."""
    first: set[str] = set()
    last: set[str] = set()
    streets: set[str] = set()
    places: list[tuple[str, str]] = []
    for index, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed + index)
        person = fake.provider("faker.providers.person")
        first.update(getattr(person, "first_names", ()))
        last.update(person.last_names)
        streets.update(fake.street_name() for _ in range(300))
        if locale != "it_IT":  # its city provider draws from a set: not repeatable
            places.extend((fake.city(), f"{index}{n:03d}") for n in range(120))
    return Pools(sorted(first), sorted(last), sorted(streets), places)


def people(n_records: int, seed: int = 11) -> pl.DataFrame:
    """About `n_records` rows of people; column `person` is the truth, `rec_id` the id."""
    rng = random.Random(seed)
    pool = pools()
    rows: list[dict[str, str | int | None]] = []
    person = 0
    while len(rows) < n_records:
        original = _person(rng, pool)
        copies = 0 if rng.random() < 0.5 else min(4, 1 + int(rng.expovariate(1.0)))
        for copy in range(1 + copies):
            row = dict(original) if copy == 0 else _corrupt(rng, original)
            rows.append({"person": person, **_written(rng, row)})
        person += 1
    rng.shuffle(rows)
    frame = pl.DataFrame(rows[:n_records], schema={"person": pl.Int64,
                                                   **{c: pl.Utf8 for c in COLUMNS}})
    return frame.with_row_index("rec_id", offset=1).with_columns(
        pl.format("r{}", "rec_id").alias("rec_id")
    )


def _person(rng: random.Random, pool: Pools) -> dict[str, str | None]:
    city, prefix = rng.choice(pool.places)
    first, last = rng.choice(pool.first), rng.choice(pool.last)
    dob = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 23000))
    email = f"{first}.{last}{rng.randrange(100)}@example.org".lower().replace(" ", "")
    return {
        "first_name": first,
        "surname": last,
        "dob": dob.strftime("%Y%m%d"),
        "address": f"{rng.randrange(1, 300)} {rng.choice(pool.streets)}",
        "city": city,
        "postcode": f"{prefix}{rng.randrange(10)}",
        "email": email if rng.random() < 0.6 else None,
    }


def _corrupt(rng: random.Random, original: dict[str, str | None]) -> dict[str, str | None]:
    """A copy with none (5%), one (65%) or two (30%) fields changed."""
    row = dict(original)
    roll = rng.random()
    changes = 0 if roll < 0.05 else 1 if roll < 0.7 else 2
    for _ in range(changes):
        kind = rng.choices(
            ["typo", "missing", "swap_names", "dob", "moved", "postcode"],
            weights=[45, 20, 6, 12, 10, 7],
        )[0]
        if kind == "typo":
            column = rng.choice(["first_name", "surname", "surname", "address", "city", "email"])
            row[column] = _typo(rng, row[column])
        elif kind == "missing":
            row[rng.choice(["first_name", "dob", "address", "city", "postcode", "email"])] = None
        elif kind == "swap_names":
            row["first_name"], row["surname"] = row["surname"], row["first_name"]
        elif kind == "dob":
            row["dob"] = _dob_error(rng, row["dob"])
        elif kind == "moved":
            street = (row["address"] or "").partition(" ")[2]  # a typo may have taken the space
            row["address"] = f"{rng.randrange(1, 300)} {street}" if street else row["address"]
        else:
            row["postcode"] = _typo(rng, row["postcode"], digits=True)
    return row


def _typo(rng: random.Random, value: str | None, digits: bool = False) -> str | None:
    """One keyboard slip: substitution, deletion, insertion or transposition."""
    if not value or len(value) < 2:
        return value
    i = rng.randrange(len(value) - 1)
    kind = rng.choice(["sub", "del", "ins", "swap"])
    if digits:
        return value[:i] + str(rng.randrange(10)) + value[i + 1:]
    near = KEYBOARD.get(value[i].lower(), rng.choice(LETTERS))
    if kind == "sub":
        return value[:i] + near + value[i + 1:]
    if kind == "del":
        return value[:i] + value[i + 1:]
    if kind == "ins":
        return value[:i] + near + value[i:]
    return value[:i] + value[i + 1] + value[i] + value[i + 2:]


def _dob_error(rng: random.Random, dob: str | None) -> str | None:
    """Day and month swapped where both read as a date, else one digit off."""
    if not dob:
        return dob
    year, month, day = dob[:4], dob[4:6], dob[6:]
    if rng.random() < 0.5 and int(day) <= 12 and day != month:
        return year + day + month
    i = rng.choice([2, 3, 5, 7])
    changed = dob[:i] + str((int(dob[i]) + rng.randrange(1, 9)) % 10) + dob[i + 1:]
    try:
        dt.datetime.strptime(changed, "%Y%m%d")
    except ValueError:
        return dob
    return changed


def _written(rng: random.Random, row: dict[str, str | None]) -> dict[str, str | None]:
    """Missing values as empty cells or as the literal NA, as exports write them."""
    return {c: (v if v is not None else rng.choice(["", "NA"])) for c, v in row.items()}

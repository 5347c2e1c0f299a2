"""Working time: deadlines and elapsed time over opening hours, China's public holidays and
make-up working days (调休), configured in config/worktime.toml.

Both `deadline` and `elapsed` walk the same working intervals (`intervals`) once, so their
cost is linear in the number of opening blocks between the two instants, not in seconds, and
a deadline and the time counted towards it always agree.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

CONFIG = Path(__file__).parent / "config" / "worktime.toml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HORIZON_DAYS = 3660  # a deadline further than ten years of calendar days is a configuration error

Block = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class Calendar:
    """The opening blocks of each weekday, and the days that differ from them."""

    name: str
    week: tuple[tuple[Block, ...], ...]  # Monday first
    statutory: bool = True
    extra_off: frozenset[dt.date] = frozenset()
    extra_on: frozenset[dt.date] = frozenset()

    def blocks(self, day: dt.date) -> tuple[Block, ...]:
        """Return the opening blocks of `day`."""
        if day in self.extra_off:
            return ()
        if day in self.extra_on:
            return self.week[0]
        if self.statutory:
            try:
                holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:  # a year the package does not know yet
                holiday, name = False, None
            if holiday and name:
                return ()
            if name and day.weekday() >= 5:  # a weekend day worked instead of a holiday
                return self.week[0]
        return self.week[day.weekday()]


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def intervals(calendar: Calendar, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Yield the working intervals from `start` on, in order, the first cut at `start`."""
    zone = _zone()
    day = start.astimezone(zone).date()
    for _ in range(HORIZON_DAYS):
        for opens, closes in calendar.blocks(day):
            begin = dt.datetime.combine(day, opens, tzinfo=zone)
            end = dt.datetime.combine(day, closes, tzinfo=zone)
            if end > start:
                yield max(begin, start), end
        day += dt.timedelta(days=1)
    raise ValueError(f"calendar {calendar.name!r}: no working time within {HORIZON_DAYS} days "
                     f"of {start.isoformat()}")


def deadline(calendar: Calendar, start: dt.datetime, work: dt.timedelta) -> dt.datetime:
    """Return the instant `work` of working time after `start`."""
    left = work
    if left <= dt.timedelta(0):
        return start
    for begin, end in intervals(calendar, start):
        if end - begin >= left:
            return begin + left
        left -= end - begin
    raise AssertionError("unreachable: intervals ends by raising")


def elapsed(calendar: Calendar, start: dt.datetime, end: dt.datetime,
            paused: Iterable[tuple[dt.datetime, dt.datetime | None]] = ()) -> dt.timedelta:
    """Return the working time between `start` and `end`, less the `paused` spans (each
    (from, until), until None while still paused; spans must not overlap)."""
    total = _between(calendar, start, end)
    for since, until in paused:
        since, until = max(since, start), min(until or end, end)
        if until > since:
            total -= _between(calendar, since, until)
    return total


def _between(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    total = dt.timedelta(0)
    if end <= start:
        return total
    for begin, stop in intervals(calendar, start):
        if begin >= end:
            break
        total += min(stop, end) - begin
    return total


def _blocks(spec: list[str], where: str) -> tuple[Block, ...]:
    out: list[Block] = []
    for text in spec:
        try:
            opens, closes = (dt.time.fromisoformat(p.strip()) for p in text.split("-"))
        except ValueError:
            raise ValueError(f"{where}: {text!r} is not HH:MM-HH:MM") from None
        if closes <= opens or (out and opens < out[-1][1]):
            raise ValueError(f"{where}: {text!r} must end after it starts and after the "
                             "block before it")
        out.append((opens, closes))
    return tuple(out)


@cache
def calendars(path: Path = CONFIG) -> dict[str, Calendar]:
    """Return the configured calendars by name ("hq", "dealer", dealer codes)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    extra = raw.get("extra", {})
    off = frozenset(dt.date.fromisoformat(d) for d in extra.get("off", []))
    on = frozenset(dt.date.fromisoformat(d) for d in extra.get("on", []))
    out = {}
    for name, spec in raw["calendars"].items():
        missing = [d for d in WEEKDAYS if d not in spec]
        if missing:
            raise ValueError(f"{path}: calendars.{name}: no {missing[0]!r} (give [] if closed)")
        week = tuple(_blocks(spec[d], f"{path}: calendars.{name}.{d}") for d in WEEKDAYS)
        if not any(week):
            raise ValueError(f"{path}: calendars.{name}: open on no day of the week")
        out[name] = Calendar(name, week, bool(spec.get("statutory", True)), off, on)
    for need in ("hq", "dealer"):
        if need not in out:
            raise ValueError(f"{path}: calendars.{need} is missing")
    return out


def for_dealer(code: str) -> Calendar:
    """Return the calendar of dealer `code`: its own if configured, else every dealer's; HQ's
    for an empty code (a lead or case still with HQ)."""
    known = calendars()
    if not code:
        return known["hq"]
    return known.get(code, known["dealer"])

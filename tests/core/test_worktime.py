"""Working time: deadlines and elapsed time across lunch, a weekend, a public holiday and a
make-up working day, with exact instants (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from autocrm.core import worktime

CN = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CN)


@pytest.fixture
def hq() -> worktime.Calendar:
    return worktime.calendars()["hq"]


def test_a_deadline_skips_lunch_and_the_evening(hq: worktime.Calendar) -> None:
    # Tuesday 2026-12-01: 09:00-12:00, 13:30-18:00
    assert worktime.deadline(hq, at("2026-12-01 11:00"), 2 * H) == at("2026-12-01 14:30")
    assert worktime.deadline(hq, at("2026-12-01 17:00"), 2 * H) == at("2026-12-02 10:00")
    assert worktime.deadline(hq, at("2026-12-01 07:00"), 2 * H) == at("2026-12-01 11:00")
    assert worktime.deadline(hq, at("2026-12-01 12:15"), 30 * dt.timedelta(minutes=1)) == \
        at("2026-12-01 14:00")


def test_a_deadline_skips_the_weekend(hq: worktime.Calendar) -> None:
    # Friday 2026-12-04 17:00 + 2 h -> Monday 2026-12-07 10:00
    assert worktime.deadline(hq, at("2026-12-04 17:00"), 2 * H) == at("2026-12-07 10:00")
    assert worktime.elapsed(hq, at("2026-12-04 17:00"), at("2026-12-07 10:00")) == 2 * H


def test_a_public_holiday_is_closed_and_a_make_up_saturday_is_open(hq: worktime.Calendar) -> None:
    # National Day 2026: Oct 1-7 closed; Saturday Oct 10 a working day (调休)
    assert worktime.deadline(hq, at("2026-09-30 17:00"), 2 * H) == at("2026-10-08 10:00")
    assert worktime.elapsed(hq, at("2026-09-30 09:00"), at("2026-10-09 09:00")) == \
        dt.timedelta(hours=7, minutes=30) * 2  # Sep 30 and Oct 8
    # Friday Oct 9 17:00 + 2 h: the make-up Saturday has Monday's hours
    assert worktime.deadline(hq, at("2026-10-09 17:00"), 2 * H) == at("2026-10-10 10:00")
    # a plain Sunday after it stays closed
    assert worktime.deadline(hq, at("2026-10-10 17:30"), 2 * H) == at("2026-10-12 10:30")


def test_a_dealer_is_open_at_weekends_but_not_on_holidays() -> None:
    dealer = worktime.for_dealer("D99999")
    assert dealer.name == "dealer"
    assert worktime.for_dealer("").name == "hq"
    # Saturday 2026-12-05 17:00 + 2 h -> Sunday 10:00 (Sat closes 18:00, Sun opens 09:00)
    assert worktime.deadline(dealer, at("2026-12-05 17:00"), 2 * H) == at("2026-12-06 10:00")
    # Spring Festival 2026: Feb 15-23 closed; Saturday Feb 14 a make-up day (Monday's hours)
    assert dealer.blocks(dt.date(2026, 2, 14)) == dealer.week[0]
    assert worktime.deadline(dealer, at("2026-02-14 17:00"), 2 * H) == at("2026-02-24 09:30")


def test_elapsed_leaves_out_pauses_and_agrees_with_the_deadline(hq: worktime.Calendar) -> None:
    start = at("2026-12-01 10:00")
    end = worktime.deadline(hq, start, 20 * H)
    assert end == at("2026-12-03 16:30")
    assert worktime.elapsed(hq, start, end) == 20 * H
    paused = [(at("2026-12-01 16:00"), at("2026-12-02 10:00")), (at("2026-12-03 16:00"), None)]
    assert worktime.elapsed(hq, start, end, paused) == 20 * H - 3 * H - dt.timedelta(minutes=30)
    assert worktime.elapsed(hq, end, start) == dt.timedelta(0)


def test_a_month_is_counted_block_by_block_not_second_by_second(
        hq: worktime.Calendar, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = worktime.Calendar.blocks
    monkeypatch.setattr(worktime.Calendar, "blocks",
                        lambda self, day: calls.append(day) or real(self, day))
    # December 2026: 23 working days of 7.5 h
    assert worktime.elapsed(hq, at("2026-12-01 00:00"), at("2027-01-01 00:00")) == \
        dt.timedelta(hours=7.5) * 23
    assert len(calls) == 32


def test_a_year_the_package_does_not_know_follows_the_week_and_the_extra_days(
        tmp_path: Path) -> None:
    config = worktime.CONFIG.read_text(encoding="utf-8").replace(
        "off = []", 'off = ["2027-01-01"]').replace("on = []", 'on = ["2027-01-09"]')
    path = tmp_path / "worktime.toml"
    path.write_text(config, encoding="utf-8")
    hq = worktime.calendars(path)["hq"]
    assert hq.blocks(dt.date(2027, 1, 1)) == ()  # Friday, written as a holiday
    assert hq.blocks(dt.date(2027, 1, 4)) == hq.week[0]  # a Monday
    assert hq.blocks(dt.date(2027, 1, 9)) == hq.week[0]  # Saturday, written as worked
    assert hq.blocks(dt.date(2027, 1, 10)) == ()


@pytest.mark.parametrize(("edit", "message"), [
    (('mon = ["09:00-12:00", "13:30-18:00"]', 'mon = ["9-12"]'), "calendars.hq.mon: '9-12' is not"),
    (('mon = ["09:00-12:00", "13:30-18:00"]', 'mon = ["12:00-09:00"]'), "must end after"),
    (("sun = []\nstatutory = true\n\n[calendars.dealer]", "statutory = true\n\n[calendars.dealer]"),
     "calendars.hq: no 'sun'"),
])
def test_a_bad_calendar_is_refused_naming_the_field(tmp_path: Path, edit: tuple[str, str],
                                                     message: str) -> None:
    path = tmp_path / "worktime.toml"
    path.write_text(worktime.CONFIG.read_text(encoding="utf-8").replace(*edit, 1),
                    encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        worktime.calendars(path)

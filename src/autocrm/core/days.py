"""Calendar days in the store's time zone (settings.TIME_ZONE), whatever the server's clock."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Return today's date in the store's time zone."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def bounds(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Return the instants [start of `first`, start of the day after `last`) in the store's zone."""
    zone = timezone.get_default_timezone()
    end = (last or first) + dt.timedelta(days=1)
    return (dt.datetime.combine(first, dt.time.min, tzinfo=zone),
            dt.datetime.combine(end, dt.time.min, tzinfo=zone))

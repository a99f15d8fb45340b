"""Study days and the clock: when "today" starts and ends for a learner.

A study day starts at `day_starts_at` local time (default 04:00), so a session
past midnight still counts for the evening before. Pass `tz` to pin the zone
(tests); None means the system's local zone, with its DST rules.

This lives apart from `quiz.core.study` because the library screen counts
today's cards at start-up and must not import what the sessions need (fsrs,
the answer checker, the deck models): this module imports only the standard
library.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, aware, in UTC: the default `now` of every session."""
    return datetime.now(timezone.utc)


class StudyDay(NamedTuple):
    """One study day: `start` <= t < `end` (aware UTC), labelled by its local `date`."""

    date: date
    start: datetime
    end: datetime


def local_time(moment: datetime, tz: tzinfo | None) -> datetime:
    """`moment` in `tz`, or in the system zone (with its DST rules) when `tz` is None."""
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def _local_at(day: date, hour: int, tz: tzinfo | None) -> datetime:
    wall = datetime.combine(day, time(hour))
    local = wall.replace(tzinfo=tz) if tz is not None else wall.astimezone()
    return local.astimezone(timezone.utc)


def day_bounds(label: date, starts_at: int, tz: tzinfo | None = None) -> StudyDay:
    """The study day called `label`: from `starts_at` o'clock that day to the same hour next."""
    return StudyDay(
        date=label,
        start=_local_at(label, starts_at, tz),
        end=_local_at(label + timedelta(days=1), starts_at, tz),
    )


def study_day(moment: datetime, starts_at: int, tz: tzinfo | None = None) -> StudyDay:
    """The study day containing `moment`; it rolls over at `starts_at` o'clock local time."""
    return day_bounds((local_time(moment, tz) - timedelta(hours=starts_at)).date(), starts_at, tz)

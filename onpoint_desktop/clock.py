"""The one clock the app reads, and the one form of time it stores.

Every stored time is a UTC instant written as ``2026-06-30T09:12:44.512093Z``: text order
is time order, and :func:`parse_instant` accepts nothing else (no ``9999-99-99T99:99:99Z``,
no offsets, no leap seconds). The app stamps what happens with the computer's clock as it
is, through :func:`now`, which tests replace with a fake clock
(``monkeypatch.setattr(clock, "now", ...)``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
INSTANT_PATTERN = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"
_INSTANT = re.compile(INSTANT_PATTERN)


def now() -> datetime:
    """The computer's clock, in UTC (aware)."""
    return datetime.now(timezone.utc)


def utc_now() -> str:
    """:func:`now` in the stored form."""
    return format_instant(now())


def format_instant(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(TIME_FORMAT)


def parse_instant(text: object) -> datetime | None:
    """The instant ``text`` stands for, or None when it is not one in the stored form.

    >>> parse_instant("2026-06-30T09:12:44.512093Z").year
    2026
    >>> parse_instant("9999-99-99T99:99:99.000000Z") is None
    True
    """
    if not isinstance(text, str) or _INSTANT.fullmatch(text) is None:
        return None
    try:  # the pattern matched: fromisoformat (fast) checks the calendar and the clock
        return datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        return None


def is_instant(text: object) -> bool:
    return parse_instant(text) is not None


def describe_gap(gap: timedelta) -> str:
    """A duration as people say it: "3 hours", "2 days", "10 years".

    >>> describe_gap(timedelta(hours=3, minutes=5)), describe_gap(timedelta(days=3653))
    ('3 hours', '10 years')
    """
    from onpoint_desktop.english import counted

    seconds = abs(gap.total_seconds())
    for size, unit in ((365.25 * 86400, "year"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            return counted(int(seconds // size), unit)
    return counted(int(seconds), "second")


def clock_behind_warning(gap: timedelta) -> str:
    """What the app says when the computer's clock reads earlier than the workspace's latest
    rating by ``gap`` (see ``RatingLog.clock_behind``)."""
    return (
        f"this computer's clock reads {describe_gap(gap)} earlier than the latest rating in "
        "this workspace. Check the computer's date and time: ratings keep their order either "
        "way, but HQ refuses a bundle dated more than 48 hours ahead of its own clock."
    )

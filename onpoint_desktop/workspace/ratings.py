"""Rating events: the append-only history behind the bingo board.

A rating (level 1–4 with an optional evidence note, or cleared) is one new event; the
current board is each area's latest event (``latest``). Events are ordered by the
workspace's own sequence number, so the order never depends on the clock; each is still
stamped with the computer's clock as it is, and :meth:`RatingLog.clock_behind` tells when
that clock reads earlier than the workspace's latest event (it was wrong then, or is now).
"""

from __future__ import annotations

import uuid
from dataclasses import astuple
from datetime import timedelta
from typing import TYPE_CHECKING

from onpoint_desktop import clock, limits
from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace.latest import (
    EXPERT,
    PERSPECTIVES,
    ROUND_RATINGS,
    WITHIN_WORKSPACE,
    latest_events,
)
from onpoint_desktop.workspace.records import RatingEvent, default_author

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from onpoint_desktop.framework import Framework
    from onpoint_desktop.workspace.records import Round

_EVENT_COLUMNS = "uuid, round_id, area_id, level, note, author, created_at, seq, kind, perspective"
CLOCK_BEHIND = timedelta(hours=1)  # a clock behind the workspace by more is pointed out


class RatingLog:
    """The rating methods of :class:`~onpoint_desktop.workspace.store.Workspace`."""

    # Provided by Workspace:
    conn: sqlite3.Connection
    framework: Framework
    transaction: Callable[[], AbstractContextManager[None]]
    get_round: Callable[[str], Round]

    def rate(
        self,
        round_id: str,
        area_id: str,
        level: int | None,
        note: str | None = None,
        author: str | None = None,
        perspective: str = EXPERT,
        *,
        kind: str | None = None,
    ) -> RatingEvent:
        """Record a rating (``level`` None clears it) as a new rating event. ``kind``
        ``"confirmed"`` marks a carried rating kept as it was (``RoundLog.confirm``).

        ``perspective``: the consultant's rating (``expert``, the default: the one the
        Onpoint score reads) or the district team's own (``district``, SPEC §12)."""
        self.get_round(round_id)
        self.check_area(area_id)
        check_perspective(perspective)
        if perspective != EXPERT:
            self.refuse_in_case("record the district team's own ratings")  # type: ignore[attr-defined]
        top = self.framework.max_level
        if level is not None and (isinstance(level, bool) or level not in range(1, top + 1)):
            raise InputError(f"Rating level must be 1–{top} (or 0 to clear), not {level}.")
        note = limits.checked_note(note)
        author = limits.checked_name(author or default_author() or "consultant", "The rater's name")
        with self.transaction():
            last = self.conn.execute("SELECT max(seq) FROM rating_events").fetchone()[0]
            event = RatingEvent(
                uuid=str(uuid.uuid4()),
                round_id=round_id,
                area_id=area_id,
                level=level,
                note=note,
                author=author,
                created_at=clock.utc_now(),  # the clock as it is, right or wrong
                seq=(last or 0) + 1,
                kind=kind,
                perspective=perspective,
            )
            # Plain SQL on the hot path: no table introspection, no pandas import.
            self.conn.execute(
                f"INSERT INTO rating_events ({_EVENT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                astuple(event),
            )
        return event

    def check_area(self, area_id: str) -> None:
        areas = self.framework.areas
        if area_id not in areas:
            from difflib import get_close_matches  # only for a mistyped id

            close = get_close_matches(area_id, list(areas), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise InputError(
                f"Unknown focus area '{area_id}'.{hint} 'onpoint areas' lists them all."
            )

    def clock_behind(self) -> timedelta | None:
        """How far the computer's clock is behind the workspace's latest rating event, when
        that is more than an hour (:data:`CLOCK_BEHIND`); else None.

        Either the clock was ahead when that event was recorded, or it is behind now; new
        events are still recorded in the right order, but their times (and HQ, which
        refuses times far ahead of its own clock) depend on a right clock."""
        latest = clock.parse_instant(
            self.conn.execute("SELECT max(created_at) FROM rating_events").fetchone()[0]
        )
        if latest is None:
            return None
        gap = latest - clock.now()
        return gap if gap > CLOCK_BEHIND else None

    def _latest(self, columns: str, round_id: str, perspective: str):
        """Each area's latest event of a round from one perspective (``latest``), cleared
        ratings left out."""
        check_perspective(perspective)
        sql = latest_events(columns, ROUND_RATINGS, "area_id", WITHIN_WORKSPACE)
        return self.conn.execute(f"{sql} AND level IS NOT NULL", (round_id, perspective))

    def board(self, round_id: str, perspective: str = EXPERT) -> dict[str, RatingEvent]:
        """The current rating of each rated area: its latest event (the expert's unless
        ``perspective`` says otherwise)."""
        rows = self._latest(_EVENT_COLUMNS, round_id, perspective)
        return {r[2]: RatingEvent(*r) for r in rows}

    def levels(self, round_id: str, perspective: str = EXPERT) -> dict[str, int]:
        """Each rated area's current level: the expert's (what the score reads) by default."""
        return dict(self._latest("area_id, level", round_id, perspective).fetchall())

    def history(
        self, round_id: str, area_id: str | None = None, perspective: str = EXPERT
    ) -> list[RatingEvent]:
        """Rating events of a round (or one area) from one perspective, oldest first."""
        check_perspective(perspective)
        sql = f"SELECT {_EVENT_COLUMNS} FROM {ROUND_RATINGS} AS r WHERE 1"
        args: tuple[str, ...] = (round_id, perspective)
        if area_id is not None:
            sql += " AND area_id = ?"
            args += (area_id,)
        rows = self.conn.execute(sql + " ORDER BY seq", args)
        return [RatingEvent(*r) for r in rows]


def check_perspective(perspective: str) -> None:
    if perspective not in PERSPECTIVES:
        raise InputError(
            f"Unknown perspective '{str(perspective)[:60]}'; use {' or '.join(PERSPECTIVES)}."
        )

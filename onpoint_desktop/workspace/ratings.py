"""Rating events: the append-only history behind the bingo board.

A rating (level 1–4 with an optional evidence note, or cleared) is one new event; the
current board is each area's latest event, by time then event UUID. Event times are
strictly increasing within a workspace, so the order never depends on the clock.
"""

from __future__ import annotations

import uuid
from dataclasses import astuple
from datetime import datetime, timedelta, timezone
from difflib import get_close_matches
from typing import TYPE_CHECKING

from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace.records import TIME_FORMAT, RatingEvent, default_author

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from onpoint_desktop.framework import Framework
    from onpoint_desktop.workspace.records import Round

_EVENT_COLUMNS = "uuid, round_id, area_id, level, note, author, created_at"


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
    ) -> RatingEvent:
        """Record a rating (``level`` None clears it) as a new rating event."""
        self.get_round(round_id)
        self.check_area(area_id)
        top = self.framework.max_level
        if level is not None and (isinstance(level, bool) or level not in range(1, top + 1)):
            raise InputError(f"Rating level must be 1–{top} (or 0 to clear), not {level}.")
        note = note.strip() if note and note.strip() else None
        with self.transaction():
            event = RatingEvent(
                uuid=str(uuid.uuid4()),
                round_id=round_id,
                area_id=area_id,
                level=level,
                note=note,
                author=(author or default_author()).strip() or "consultant",
                created_at=self._next_timestamp(),
            )
            # Plain SQL on the hot path: no table introspection, no pandas import.
            self.conn.execute(
                f"INSERT INTO rating_events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                astuple(event),
            )
        return event

    def check_area(self, area_id: str) -> None:
        areas = self.framework.areas
        if area_id not in areas:
            close = get_close_matches(area_id, list(areas), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise InputError(
                f"Unknown focus area '{area_id}'.{hint} 'onpoint areas' lists them all."
            )

    def _next_timestamp(self) -> str:
        """Now, but strictly after every recorded event (so order never depends on clocks)."""
        now = datetime.now(timezone.utc)
        last = self.conn.execute("SELECT max(created_at) FROM rating_events").fetchone()[0]
        if last:
            floor = datetime.strptime(last, TIME_FORMAT).replace(tzinfo=timezone.utc)
            if now <= floor:
                now = floor + timedelta(microseconds=1)
        return now.strftime(TIME_FORMAT)

    def board(self, round_id: str) -> dict[str, RatingEvent]:
        """The current rating of each rated area: its latest event (time, then UUID)."""
        rows = self.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM ("
            f"  SELECT {_EVENT_COLUMNS}, row_number() OVER ("
            "    PARTITION BY area_id ORDER BY created_at DESC, uuid DESC) AS rank"
            "  FROM rating_events WHERE round_id = ?"
            ") WHERE rank = 1 AND level IS NOT NULL",
            (round_id,),
        )
        return {r[2]: RatingEvent(*r) for r in rows}

    def levels(self, round_id: str) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT area_id, level FROM ("
            "  SELECT area_id, level, row_number() OVER ("
            "    PARTITION BY area_id ORDER BY created_at DESC, uuid DESC) AS rank"
            "  FROM rating_events WHERE round_id = ?"
            ") WHERE rank = 1 AND level IS NOT NULL",
            (round_id,),
        )
        return dict(rows.fetchall())

    def history(self, round_id: str, area_id: str | None = None) -> list[RatingEvent]:
        """Rating events of a round (or one area), oldest first."""
        sql = f"SELECT {_EVENT_COLUMNS} FROM rating_events WHERE round_id = ?"
        args: tuple[str, ...] = (round_id,)
        if area_id is not None:
            sql += " AND area_id = ?"
            args += (area_id,)
        rows = self.conn.execute(sql + " ORDER BY created_at, uuid", args)
        return [RatingEvent(*r) for r in rows]

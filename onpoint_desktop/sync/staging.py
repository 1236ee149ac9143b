"""Where a bundle's records wait while they are checked: temporary tables, not memory.

A bundle's rating events and survey responses are read line by line and each checked
record is written at once to a temporary table of a SQLite connection — the HQ store's
own connection during a merge, a private scratch database for ``bundle verify`` — so a
bundle costs memory for one line and a batch, never for all its records, however large
it is. The tables' keys refuse a record that repeats another. SQLite keeps temporary
tables in a file beside its other temporary files once they outgrow its page cache.

The merge then applies the records to the HQ store with set-based SQL (``merge``).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

BATCH = 2000  # records written to the scratch tables at a time

_TABLES = """
CREATE TEMP TABLE IF NOT EXISTS incoming_events (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    round_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    level INTEGER,
    note TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    kind TEXT
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS incoming_responses (
    round_id TEXT NOT NULL,
    role TEXT NOT NULL,
    response_key TEXT NOT NULL,
    school TEXT,
    answers TEXT NOT NULL,
    PRIMARY KEY (round_id, role, response_key)
) WITHOUT ROWID;
"""
EVENT_COLUMNS = (
    "uuid",
    "seq",
    "round_id",
    "area_id",
    "level",
    "note",
    "author",
    "created_at",
    "kind",  # carried / confirmed (SPEC §11), or None
)
RESPONSE_COLUMNS = ("round_id", "role", "response_key", "school", "answers")


class Duplicate(Exception):
    """A record repeats the key of one already staged."""


class Staging:
    """The scratch tables of one connection; :meth:`clear` before each bundle."""

    def __init__(self, conn: sqlite3.Connection | None = None) -> None:
        self.own = conn is None
        self.conn = sqlite3.connect("", isolation_level=None) if conn is None else conn
        for statement in _TABLES.strip().split(";\n"):
            if statement.strip():
                self.conn.execute(statement)
        self._events: list[tuple[Any, ...]] = []
        self._responses: list[tuple[Any, ...]] = []

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """Stage a bundle's records in one transaction of the scratch tables (only the
        temporary database is written: the HQ store itself is not locked meanwhile)."""
        if self.conn.in_transaction:
            yield
            self.flush()
            return
        self.conn.execute("BEGIN")
        try:
            yield
            self.flush()
        except BaseException:
            self._events.clear()
            self._responses.clear()
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def clear(self) -> None:
        self._events.clear()
        self._responses.clear()
        self.conn.execute("DELETE FROM temp.incoming_events")
        self.conn.execute("DELETE FROM temp.incoming_responses")

    def add_event(self, row: tuple[Any, ...]) -> None:
        """One checked event, in :data:`EVENT_COLUMNS` order."""
        self._events.append(row)
        if len(self._events) >= BATCH:
            self.flush()

    def add_response(self, row: tuple[Any, ...]) -> None:
        """One checked response, in :data:`RESPONSE_COLUMNS` order (answers as JSON)."""
        self._responses.append(row)
        if len(self._responses) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the records held back; :class:`Duplicate` names a repeated key."""
        try:
            if self._events:
                self.conn.executemany(
                    f"INSERT INTO temp.incoming_events ({', '.join(EVENT_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
                    self._events,
                )
            if self._responses:
                self.conn.executemany(
                    f"INSERT INTO temp.incoming_responses ({', '.join(RESPONSE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(RESPONSE_COLUMNS))})",
                    self._responses,
                )
        except sqlite3.IntegrityError as exc:
            raise Duplicate(str(exc)) from None
        finally:
            self._events.clear()
            self._responses.clear()

    def counts(self) -> tuple[int, int]:
        events = self.conn.execute("SELECT count(*) FROM temp.incoming_events").fetchone()[0]
        responses = self.conn.execute("SELECT count(*) FROM temp.incoming_responses").fetchone()
        return events, responses[0]

    def rating_events(self) -> Iterator[dict[str, Any]]:
        """The staged events as bundle records, in the workspace's order."""
        rows = self.conn.execute(
            "SELECT uuid, round_id, area_id, level, note, author, created_at, seq, kind "
            "FROM temp.incoming_events ORDER BY seq"
        )
        for r in rows:
            yield {
                "uuid": r[0],
                "round": r[1],
                "area": r[2],
                "level": r[3],
                "note": r[4],
                "author": r[5],
                "created_at": r[6],
                "seq": r[7],
                **({"kind": r[8]} if r[8] else {}),
            }

    def survey_responses(self) -> Iterator[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT round_id, role, response_key, school, answers FROM temp.incoming_responses "
            "ORDER BY round_id, role, response_key"
        )
        for r in rows:
            yield {
                "round": r[0],
                "role": r[1],
                "key": r[2],
                "school": r[3],
                "answers": json.loads(r[4]),
            }

    def close(self) -> None:
        if self.own:
            self.conn.close()

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
    perspective TEXT NOT NULL
) WITHOUT ROWID;
CREATE TEMP VIEW IF NOT EXISTS expert_events AS
    SELECT * FROM temp.incoming_events WHERE perspective = 'expert';
CREATE TEMP TABLE IF NOT EXISTS incoming_walkthroughs (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    round_id TEXT NOT NULL,
    instrument TEXT NOT NULL,
    school TEXT NOT NULL,
    grade_band TEXT NOT NULL,
    subject TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    observer TEXT NOT NULL,
    levels TEXT NOT NULL,
    notes TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS incoming_condition_events (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    round_id TEXT NOT NULL,
    condition_id TEXT NOT NULL,
    state TEXT,
    note TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
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
    "perspective",
)
WALKTHROUGH_COLUMNS = (
    "uuid",
    "seq",
    "round_id",
    "instrument",
    "school",
    "grade_band",
    "subject",
    "observed_on",
    "observer",
    "levels",
    "notes",
    "note",
    "created_at",
)
CONDITION_COLUMNS = (
    "uuid",
    "seq",
    "round_id",
    "condition_id",
    "state",
    "note",
    "author",
    "created_at",
)
# Staged records that are few (a visit's classrooms and conditions): held until flushed.
_SMALL_TABLES = {
    "incoming_walkthroughs": WALKTHROUGH_COLUMNS,
    "incoming_condition_events": CONDITION_COLUMNS,
}  # fmt: skip
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
        self._small: dict[str, list[tuple[Any, ...]]] = {t: [] for t in _SMALL_TABLES}

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
            self._forget()
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _forget(self) -> None:
        self._events.clear()
        self._responses.clear()
        for rows in self._small.values():
            rows.clear()

    def clear(self) -> None:
        self._forget()
        self.conn.execute("DELETE FROM temp.incoming_events")
        self.conn.execute("DELETE FROM temp.incoming_responses")
        for table in _SMALL_TABLES:
            self.conn.execute(f"DELETE FROM temp.{table}")

    def add_walkthrough(self, row: tuple[Any, ...]) -> None:
        """One checked walkthrough, in :data:`WALKTHROUGH_COLUMNS` order."""
        self._add_small("incoming_walkthroughs", row)

    def add_condition_event(self, row: tuple[Any, ...]) -> None:
        """One checked condition event, in :data:`CONDITION_COLUMNS` order."""
        self._add_small("incoming_condition_events", row)

    def _add_small(self, table: str, row: tuple[Any, ...]) -> None:
        self._small[table].append(row)
        if len(self._small[table]) >= BATCH:
            self.flush()

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
            for table, columns in _SMALL_TABLES.items():
                if self._small[table]:
                    self.conn.executemany(
                        f"INSERT INTO temp.{table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' * len(columns))})",
                        self._small[table],
                    )
        except sqlite3.IntegrityError as exc:
            raise Duplicate(str(exc)) from None
        finally:
            self._forget()

    def counts(self) -> tuple[int, int]:
        events = self.conn.execute("SELECT count(*) FROM temp.incoming_events").fetchone()[0]
        responses = self.conn.execute("SELECT count(*) FROM temp.incoming_responses").fetchone()
        return events, responses[0]

    def rating_events(self) -> Iterator[dict[str, Any]]:
        """The staged events as bundle records, in the workspace's order."""
        rows = self.conn.execute(
            "SELECT uuid, round_id, area_id, level, note, author, created_at, seq, perspective "
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
                "perspective": r[8],
            }

    def walkthroughs(self) -> Iterator[dict[str, Any]]:
        """The staged walkthroughs as bundle records, in the workspace's order."""
        rows = self.conn.execute(
            f"SELECT {', '.join(WALKTHROUGH_COLUMNS)} FROM temp.incoming_walkthroughs ORDER BY seq"
        )
        for r in rows:
            record = dict(zip(WALKTHROUGH_COLUMNS, r, strict=True))
            record["round"] = record.pop("round_id")
            record["levels"] = json.loads(record["levels"])
            record["notes"] = json.loads(record["notes"])
            yield record

    def condition_events(self) -> Iterator[dict[str, Any]]:
        """The staged condition events as bundle records, in the workspace's order."""
        rows = self.conn.execute(
            f"SELECT {', '.join(CONDITION_COLUMNS)} FROM temp.incoming_condition_events "
            "ORDER BY seq"
        )
        for r in rows:
            record = dict(zip(CONDITION_COLUMNS, r, strict=True))
            record["round"] = record.pop("round_id")
            record["condition"] = record.pop("condition_id")
            yield record

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

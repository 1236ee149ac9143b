"""Where a bundle's records wait while they are checked: temporary tables, not memory.

A bundle's rating events and survey responses are read line by line and each checked
record is written at once to a temporary table of a SQLite connection — the HQ store's
own connection during a merge, a private scratch database for ``bundle verify`` — so a
bundle costs memory for one line and a batch, never for all its records, however large
it is. The tables' keys refuse a record that repeats another. SQLite keeps temporary
tables in a file beside its other temporary files once they outgrow its page cache.

The merge then applies the records to the HQ store with set-based SQL (``merge``). In a
merge, a line HQ remembers (``line_memory``) is staged by its identity only: a rating event
in ``remembered_events`` (its id and place, so no other line may repeat them), a survey
response with its answers left ``None`` (HQ holds it with those answers).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from onpoint_desktop.sync.line_memory import LineMemory

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
    kind TEXT,
    perspective TEXT NOT NULL
) WITHOUT ROWID;
CREATE TEMP VIEW IF NOT EXISTS expert_events AS
    SELECT * FROM temp.incoming_events WHERE perspective = 'expert';
CREATE TEMP TABLE IF NOT EXISTS incoming_responses (
    round_id TEXT NOT NULL,
    role TEXT NOT NULL,
    response_key TEXT NOT NULL,
    school TEXT,
    answers TEXT,  -- None: a line HQ remembers, whose response it holds (line_memory)
    PRIMARY KEY (round_id, role, response_key)
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS incoming_actions (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    action_id TEXT NOT NULL,
    round_id TEXT NOT NULL,
    title TEXT NOT NULL,
    component_id TEXT,
    area_id TEXT,
    owner TEXT,
    due TEXT,
    status TEXT NOT NULL,
    note TEXT,
    removed INTEGER NOT NULL,
    carried_from TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS remembered_events (
    uuid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE
) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS incoming_removals (
    round_id TEXT NOT NULL,
    role TEXT NOT NULL,
    response_key TEXT NOT NULL,
    removed_at TEXT NOT NULL,
    PRIMARY KEY (round_id, role, response_key, removed_at)
) WITHOUT ROWID;
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
    "perspective",  # expert / district (SPEC §12)
)
RESPONSE_COLUMNS = ("round_id", "role", "response_key", "school", "answers")
ACTION_COLUMNS = (
    "uuid", "seq", "action_id", "round_id", "title", "component_id", "area_id", "owner", "due",
    "status", "note", "removed", "carried_from", "author", "created_at",
)  # fmt: skip
REMOVAL_COLUMNS = ("round_id", "role", "response_key", "removed_at")
WALKTHROUGH_COLUMNS = (
    "uuid", "seq", "round_id", "instrument", "school", "grade_band", "subject", "observed_on",
    "observer", "levels", "notes", "note", "created_at",
)  # fmt: skip
CONDITION_COLUMNS = (
    "uuid", "seq", "round_id", "condition_id", "state", "note", "author", "created_at"
)  # fmt: skip
_KINDS = (
    ("incoming_events", EVENT_COLUMNS),
    ("incoming_responses", RESPONSE_COLUMNS),
    ("remembered_events", ("uuid", "seq")),
    ("incoming_actions", ACTION_COLUMNS),
    ("incoming_removals", REMOVAL_COLUMNS),
    ("incoming_walkthroughs", WALKTHROUGH_COLUMNS),
    ("incoming_condition_events", CONDITION_COLUMNS),
)


class Duplicate(Exception):
    """A record repeats the key of one already staged."""


class Staging:
    """The scratch tables of one connection; :meth:`clear` before each bundle."""

    def __init__(
        self, conn: sqlite3.Connection | None = None, memory: LineMemory | None = None
    ) -> None:
        self.own = conn is None
        self.memory = memory  # HQ's memory of the lines it checked (a merge's staging)
        self.conn = sqlite3.connect("", isolation_level=None) if conn is None else conn
        for statement in _TABLES.strip().split(";\n"):
            if statement.strip():
                self.conn.execute(statement)
        self._held: dict[str, list[tuple[Any, ...]]] = {table: [] for table, _ in _KINDS}
        self._written: set[str] = {table for table, _ in _KINDS}  # the tables clear() empties

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
            self._forget_held()
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _forget_held(self) -> None:
        for rows in self._held.values():
            rows.clear()

    def clear(self) -> None:
        self._forget_held()
        if self.memory is not None:
            self.memory.close()
        for table in self._written:
            self.conn.execute(f"DELETE FROM temp.{table}")
        self._written.clear()

    def _add(self, table: str, row: tuple[Any, ...]) -> None:
        held = self._held[table]
        held.append(row)
        if len(held) >= BATCH:
            self.flush()

    def add_event(self, row: tuple[Any, ...]) -> None:
        """One checked event, in :data:`EVENT_COLUMNS` order."""
        self._add("incoming_events", row)

    def add_response(self, row: tuple[Any, ...]) -> None:
        """One checked response, in :data:`RESPONSE_COLUMNS` order (answers as JSON)."""
        self._add("incoming_responses", row)

    def add_remembered_event(self, row: tuple[str, int]) -> None:
        """The id and place of an event HQ holds as the line is (``line_memory``)."""
        self._add("remembered_events", row)

    def check_remembered(self) -> None:
        """:class:`Duplicate` when an event repeats the id or place of a remembered one."""
        if "remembered_events" not in self._written:
            return
        repeat = self.conn.execute(
            "SELECT 1 FROM temp.incoming_events i WHERE EXISTS (SELECT 1 FROM "
            "temp.remembered_events r WHERE r.uuid = i.uuid OR r.seq = i.seq) LIMIT 1"
        ).fetchone()
        if repeat is not None:
            raise Duplicate("an event repeats the id or place of a remembered one")

    def add_action(self, row: tuple[Any, ...]) -> None:
        """One checked action event, in :data:`ACTION_COLUMNS` order."""
        self._add("incoming_actions", row)

    def add_removal(self, row: tuple[Any, ...]) -> None:
        """One checked removed response, in :data:`REMOVAL_COLUMNS` order."""
        self._add("incoming_removals", row)

    def add_walkthrough(self, row: tuple[Any, ...]) -> None:
        """One checked walkthrough, in :data:`WALKTHROUGH_COLUMNS` order."""
        self._add("incoming_walkthroughs", row)

    def add_condition_event(self, row: tuple[Any, ...]) -> None:
        """One checked condition event, in :data:`CONDITION_COLUMNS` order."""
        self._add("incoming_condition_events", row)

    def flush(self) -> None:
        """Write the records held back; :class:`Duplicate` names a repeated key."""
        try:
            for table, columns in _KINDS:
                if self._held[table]:
                    self._written.add(table)
                    self.conn.executemany(
                        f"INSERT INTO temp.{table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' * len(columns))})",
                        self._held[table],
                    )
        except sqlite3.IntegrityError as exc:
            raise Duplicate(str(exc)) from None
        finally:
            self._forget_held()

    def counts(self) -> tuple[int, int]:
        events = self.conn.execute("SELECT count(*) FROM temp.incoming_events").fetchone()[0]
        responses = self.conn.execute("SELECT count(*) FROM temp.incoming_responses").fetchone()
        return events, responses[0]

    def rating_events(self) -> Iterator[dict[str, Any]]:
        """The staged events as bundle records, in the workspace's order."""
        rows = self.conn.execute(
            "SELECT uuid, round_id, area_id, level, note, author, created_at, seq, kind, "
            "perspective "
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
                "perspective": r[9],
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

    def action_events(self) -> Iterator[dict[str, Any]]:
        """The staged action events as bundle records, in the workspace's order."""
        rows = self.conn.execute(
            f"SELECT {', '.join(ACTION_COLUMNS)} FROM temp.incoming_actions ORDER BY seq"
        )
        names = ("uuid", "seq", "action", "round", "title", "component", "area", "owner", "due",
                 "status", "note", "removed", "carried_from", "author", "created_at")  # fmt: skip
        for r in rows:
            record = dict(zip(names, r, strict=True))
            record["removed"] = bool(record["removed"])
            yield record

    def survey_removals(self) -> Iterator[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT round_id, role, response_key, removed_at FROM temp.incoming_removals "
            "ORDER BY removed_at, round_id, role, response_key"
        )
        for r in rows:
            yield {"round": r[0], "role": r[1], "key": r[2], "removed_at": r[3]}

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

    def close(self) -> None:
        if self.own:
            self.conn.close()

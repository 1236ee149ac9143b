"""The workspace file format: schema, identity checks and migrations.

A workspace is a SQLite file marked with ``PRAGMA application_id`` (so a foreign SQLite
file is recognised as such) and ``PRAGMA user_version`` (the schema version). Opening an
older file migrates it inside one transaction after a backup; a newer, foreign or damaged
file is refused before anything is written.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from onpoint_desktop.errors import DamagedWorkspaceError, WorkspaceError
from onpoint_desktop.workspace.model_store import SCORING_MODELS_TABLE

APPLICATION_ID = 0x4F4E5054  # "ONPT"
SQLITE_MAGIC = b"SQLite format 3\x00"

SCHEMA_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE district (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    created_at TEXT NOT NULL
);
CREATE TABLE rounds (
    id TEXT PRIMARY KEY CHECK (length(trim(id)) > 0),
    label TEXT NOT NULL,
    stage TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE rating_events (
    uuid TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds(id),
    area_id TEXT NOT NULL,
    level INTEGER CHECK (level IS NULL OR level >= 1),
    note TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX rating_events_board ON rating_events (round_id, area_id, created_at, uuid);
CREATE INDEX rating_events_time ON rating_events (created_at);
CREATE TRIGGER rating_events_append_only_update BEFORE UPDATE ON rating_events
BEGIN SELECT RAISE(ABORT, 'rating events are append-only'); END;
CREATE TRIGGER rating_events_append_only_delete BEFORE DELETE ON rating_events
BEGIN SELECT RAISE(ABORT, 'rating events are append-only'); END;

CREATE TABLE survey_imports (
    id INTEGER PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds(id),
    role TEXT NOT NULL CHECK (role IN ('teacher', 'leader')),
    source_name TEXT NOT NULL,
    source_format TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_skipped INTEGER NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}',
    author TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE survey_responses (
    round_id TEXT NOT NULL REFERENCES rounds(id),
    role TEXT NOT NULL CHECK (role IN ('teacher', 'leader')),
    response_key TEXT NOT NULL,
    school TEXT,
    answers TEXT NOT NULL,
    comment TEXT,
    import_id INTEGER REFERENCES survey_imports(id),
    PRIMARY KEY (round_id, role, response_key)
);
CREATE TABLE survey_item_stats (
    round_id TEXT NOT NULL REFERENCES rounds(id),
    role TEXT NOT NULL,
    school TEXT NOT NULL,
    item_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    total REAL NOT NULL,
    PRIMARY KEY (round_id, role, school, item_id)
) WITHOUT ROWID;
CREATE TABLE survey_component_counts (
    round_id TEXT NOT NULL REFERENCES rounds(id),
    role TEXT NOT NULL,
    school TEXT NOT NULL,
    component_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (round_id, role, school, component_id)
) WITHOUT ROWID;

CREATE TABLE benchmark_packs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    content TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
"""

Migration = Callable[[sqlite3.Connection], None]


def _models_as_data(conn: sqlite3.Connection) -> None:
    """Scoring models are published data (SPEC §10): each round names the model it is
    scored with (the rounds of release 1 were scored with onpoint-1); models installed from
    HQ's model packs live in the workspace; a benchmark pack belongs to one model; roles
    come from the model's instruments, so the survey tables lose their teacher/leader CHECK.
    """
    conn.execute("ALTER TABLE rounds ADD COLUMN model TEXT NOT NULL DEFAULT 'onpoint-1'")
    conn.execute(SCORING_MODELS_TABLE)
    conn.execute("ALTER TABLE benchmark_packs ADD COLUMN model TEXT NOT NULL DEFAULT 'onpoint-1'")
    conn.execute(
        "UPDATE benchmark_packs SET model = json_extract(content, '$.model') "
        "WHERE json_valid(content) AND json_type(content, '$.model') = 'text'"
    )
    without_role_check(conn, ("survey_imports", "survey_responses"))


def without_role_check(conn: sqlite3.Connection, tables: tuple[str, ...]) -> None:
    """Rebuild ``tables`` (referenced ones first) without ``CHECK (role IN (...))``.

    SQLite cannot drop a constraint, so each table is renamed aside, created again from its
    own stored definition minus the CHECK (whatever columns earlier migrations added), and
    refilled; its indexes and triggers are created again. References between the tables
    follow the renames, so they point at the new tables in the end.
    """
    check = re.compile(r"\s*CHECK\s*\(\s*role\s+IN\s*\([^)]*\)\s*\)", re.IGNORECASE)
    definitions = {}
    for table in tables:
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        extras = [
            r[0]
            for r in conn.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', "
                "'trigger') AND sql IS NOT NULL",
                (table,),
            )
        ]
        definitions[table] = (check.sub("", sql), extras)
    for table in tables:
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_before_rebuild")
    for table in tables:
        conn.execute(definitions[table][0])
        conn.execute(f"INSERT INTO {table} SELECT * FROM {table}_before_rebuild")
    for table in reversed(tables):
        conn.execute(f"DROP TABLE {table}_before_rebuild")
    for table in tables:
        for statement in definitions[table][1]:
            conn.execute(statement)


# The schema's history after SCHEMA_V1, oldest first: MIGRATIONS[i] upgrades a file at
# version i + 1 to version i + 2. Each runs inside the transaction that also bumps
# user_version, after a backup of the file has been taken. Append only: a released
# migration is never edited, and a new schema change is one new function at the end.
MIGRATIONS: list[Migration] = [_models_as_data]

SCHEMA_VERSION = 1 + len(MIGRATIONS)


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the current schema in an empty database (inside the caller's transaction)."""
    for statement in ddl_statements(SCHEMA_V1):
        conn.execute(statement)
    for migration in MIGRATIONS:
        migration(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def ddl_statements(script: str) -> list[str]:
    """Split a DDL script into statements (triggers keep their inner semicolons)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]


def check_file(path: Path) -> None:
    """Refuse, before connecting, anything that is not a SQLite file."""
    if not path.exists():
        raise WorkspaceError(
            f"No workspace at {path}. Create one with 'onpoint init' or 'onpoint demo'."
        )
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder, not an Onpoint workspace file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise WorkspaceError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if not header:
        raise WorkspaceError(f"{path} is an empty file, not an Onpoint workspace.")
    if not header.startswith(SQLITE_MAGIC):
        raise WorkspaceError(f"{path} is not an Onpoint workspace (it is not a SQLite database).")


def check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """Check application id, integrity and schema version; return the file's version."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise WorkspaceError(f"{path} is a SQLite database but not an Onpoint workspace.")
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        raise DamagedWorkspaceError(
            f"{path} is damaged and cannot be opened ({exc}). Restore it from a backup "
            "('onpoint backups restore'); nothing was changed.",
            path,
        ) from None
    if problems != ["ok"]:
        raise DamagedWorkspaceError(
            f"{path} is damaged ({problems[0]}). Restore it from a backup "
            "('onpoint backups restore'); nothing was changed.",
            path,
        )
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"{path} was written by a newer Onpoint Desktop (workspace format {version}; this "
            f"version reads up to {SCHEMA_VERSION}). Update the app to open it."
        )
    if version < 1:
        raise WorkspaceError(f"{path} has no workspace format version; it cannot be opened.")
    return version


def migrate(
    conn: sqlite3.Connection, from_version: int, migrations: list[Migration] | None = None
) -> None:
    """Upgrade to the latest version in one transaction (the caller has taken a backup).

    ``migrations`` defaults to the workspace's; the HQ store passes its own list.
    """
    steps = MIGRATIONS if migrations is None else migrations
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(from_version, 1 + len(steps)):
            steps[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise

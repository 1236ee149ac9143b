"""The workspace file format: schema and migrations.

A workspace is a SQLite file marked with ``PRAGMA application_id`` (so a foreign SQLite
file is recognised as such) and ``PRAGMA user_version`` (the schema version). Opening
(``opener.open_checked`` with :data:`WORKSPACE`) migrates an older file inside one
transaction after a backup; a newer, foreign or damaged file is refused before anything
is written.
"""

from __future__ import annotations

import re
import sqlite3

from onpoint_desktop.workspace.calibration_case import add_calibration_case
from onpoint_desktop.workspace.model_store import SCORING_MODELS_TABLE
from onpoint_desktop.workspace.opener import Migration, StoreKind

APPLICATION_ID = 0x4F4E5054  # "ONPT"

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


APPEND_ONLY_UPDATE = """
CREATE TRIGGER rating_events_append_only_update BEFORE UPDATE ON rating_events
BEGIN SELECT RAISE(ABORT, 'rating events are append-only'); END"""


def _v3_event_sequence_and_response_key_secret(conn: sqlite3.Connection) -> None:
    """Trust at HQ (SPEC §9): rating events are ordered by a per-workspace sequence, not by
    their clock time (existing events keep the order their times gave them, which the
    first release kept strictly increasing); and response keys leave the workspace only
    as HMAC-SHA256 under a secret of the workspace (copies share it)."""
    import secrets

    conn.execute("ALTER TABLE rating_events ADD COLUMN seq INTEGER")
    conn.execute("DROP TRIGGER rating_events_append_only_update")
    conn.execute("CREATE TEMP TABLE event_order (uuid TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
    conn.execute(
        "INSERT INTO event_order "
        "SELECT uuid, row_number() OVER (ORDER BY created_at, uuid) FROM rating_events"
    )
    conn.execute(
        "UPDATE rating_events SET seq = (SELECT n FROM event_order WHERE uuid = rating_events.uuid)"
    )
    conn.execute("DROP TABLE event_order")
    conn.execute(APPEND_ONLY_UPDATE)
    conn.execute("CREATE UNIQUE INDEX rating_events_seq ON rating_events (seq)")
    conn.execute("CREATE INDEX rating_events_area_seq ON rating_events (round_id, area_id, seq)")
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('response_key_secret', ?)",
        (secrets.token_hex(32),),
    )


def add_survey_invitations(conn: sqlite3.Connection) -> None:
    """How many teachers and leaders a round's surveys went to, for the district (school
    '') and optionally per school: the denominators of the response rates (SPEC §8)."""
    conn.execute(
        """
        CREATE TABLE survey_invitations (
            round_id TEXT NOT NULL REFERENCES rounds(id),
            role TEXT NOT NULL,
            school TEXT NOT NULL,
            invited INTEGER NOT NULL CHECK (invited > 0),
            PRIMARY KEY (round_id, role, school)
        ) WITHOUT ROWID
        """
    )


def add_action_plan_and_import_removals(conn: sqlite3.Connection) -> None:
    """The consultant's day (SPEC §11): a round's action plan as append-only action events
    (each a whole state of one action; the latest wins, like ratings), and a record of each
    survey import removed (which responses went, so HQ removes them too)."""
    conn.execute(
        """
        CREATE TABLE action_events (
            uuid TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            action_id TEXT NOT NULL,
            round_id TEXT NOT NULL REFERENCES rounds(id),
            title TEXT NOT NULL,
            component_id TEXT,
            area_id TEXT,
            owner TEXT,
            due TEXT,
            status TEXT NOT NULL,
            note TEXT,
            removed INTEGER NOT NULL DEFAULT 0,
            carried_from TEXT,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX action_events_action ON action_events (round_id, action_id, seq)")
    for verb in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER action_events_append_only_{verb.lower()} BEFORE {verb} ON "
            "action_events BEGIN SELECT RAISE(ABORT, 'action events are append-only'); END"
        )
    conn.execute(
        """
        CREATE TABLE survey_removals (
            uuid TEXT PRIMARY KEY,
            round_id TEXT NOT NULL REFERENCES rounds(id),
            role TEXT NOT NULL,
            source_name TEXT NOT NULL,
            response_keys TEXT NOT NULL,
            author TEXT NOT NULL,
            removed_at TEXT NOT NULL
        )
        """
    )


def add_round_history(conn: sqlite3.Connection) -> None:
    """Rounds that build on each other (SPEC §11): a rating event may be ``carried`` (copied
    from the previous round when the round was started from it) or ``confirmed`` (a carried
    rating the consultant looked at and kept); a round may be deleted (kept, hidden, and
    restorable: history is never lost); and what happens to a round (added from another,
    renamed, moved to another stage, deleted, restored) is an append-only round event, so
    it travels in bundles and HQ can apply it in any order."""
    conn.execute(
        "ALTER TABLE rating_events ADD COLUMN kind TEXT "
        "CHECK (kind IS NULL OR kind IN ('carried', 'confirmed'))"
    )
    conn.execute("ALTER TABLE rounds ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        """
        CREATE TABLE round_events (
            uuid TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            round_id TEXT NOT NULL REFERENCES rounds(id),
            kind TEXT NOT NULL,
            value TEXT,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    conn.execute(
        "CREATE TRIGGER round_events_append_only_update BEFORE UPDATE ON round_events "
        "BEGIN SELECT RAISE(ABORT, 'round events are append-only'); END"
    )
    conn.execute(
        "CREATE TRIGGER round_events_append_only_delete BEFORE DELETE ON round_events "
        "BEGIN SELECT RAISE(ABORT, 'round events are append-only'); END"
    )


def add_visit_evidence(conn: sqlite3.Connection) -> None:
    """More evidence from the visit (SPEC §12), none of it in the Onpoint score: each rating
    event says whose rating it is (the expert's, as every earlier event was, or the
    district team's own); classroom walkthroughs on the Core Four (one row per observed
    classroom, its element levels as JSON keyed by the instrument's element ids; never a
    teacher's or student's name); and the district's conditions for scale as append-only
    events (the latest of each condition, by ``seq``, is its state)."""
    conn.execute(
        "ALTER TABLE rating_events ADD COLUMN perspective TEXT NOT NULL DEFAULT 'expert' "
        "CHECK (perspective IN ('expert', 'district'))"
    )
    conn.execute(
        "CREATE INDEX rating_events_perspective "
        "ON rating_events (round_id, perspective, area_id, seq)"
    )
    conn.execute(
        """
        CREATE TABLE walkthroughs (
            uuid TEXT PRIMARY KEY,
            round_id TEXT NOT NULL REFERENCES rounds(id),
            instrument TEXT NOT NULL,
            school TEXT NOT NULL CHECK (length(trim(school)) > 0),
            grade_band TEXT NOT NULL,
            subject TEXT NOT NULL,
            observed_on TEXT NOT NULL,
            observer TEXT NOT NULL,
            levels TEXT NOT NULL,
            notes TEXT NOT NULL DEFAULT '{}',
            note TEXT,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            seq INTEGER NOT NULL UNIQUE
        )
        """
    )
    conn.execute("CREATE INDEX walkthroughs_round ON walkthroughs (round_id, school, seq)")
    conn.execute(
        """
        CREATE TABLE condition_events (
            uuid TEXT PRIMARY KEY,
            round_id TEXT NOT NULL REFERENCES rounds(id),
            condition_id TEXT NOT NULL,
            state TEXT,
            note TEXT,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            seq INTEGER NOT NULL UNIQUE
        )
        """
    )
    conn.execute(
        "CREATE INDEX condition_events_round ON condition_events (round_id, condition_id, seq)"
    )
    for table in ("condition_events",):
        for verb in ("UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER {table}_append_only_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table.replace('_', ' ')} are append-only'); END"
            )


def add_survey_item_pairs(conn: sqlite3.Connection) -> None:
    """Uncertainty (SPEC §13): per round, role and pair of items, the sums a covariance
    needs (``scoring.PairStat``), district-wide, kept beside the other aggregates; filled
    here from the responses already stored, one round and role at a time."""
    import json

    from onpoint_desktop.workspace.response_table import ResponseTable, pairs_of, upsert_pairs
    from onpoint_desktop.workspace.responses import Response

    conn.execute(
        """
        CREATE TABLE survey_item_pairs (
            round_id TEXT NOT NULL REFERENCES rounds(id),
            role TEXT NOT NULL,
            item_a TEXT NOT NULL,
            item_b TEXT NOT NULL,
            n INTEGER NOT NULL,
            sum_ab REAL NOT NULL,
            sum_a REAL NOT NULL,
            sum_b REAL NOT NULL,
            PRIMARY KEY (round_id, role, item_a, item_b)
        ) WITHOUT ROWID
        """
    )
    groups = conn.execute("SELECT DISTINCT round_id, role FROM survey_responses").fetchall()
    for round_id, role in groups:
        answers = [
            json.loads(text)
            for (text,) in conn.execute(
                "SELECT answers FROM survey_responses WHERE round_id = ? AND role = ?",
                (round_id, role),
            )
        ]
        items = sorted({item for row in answers for item in row})
        table = ResponseTable.from_responses(
            (Response(str(n), row) for n, row in enumerate(answers)), items
        )
        upsert_pairs(conn, round_id, role, pairs_of(table, items))


# The schema's history after SCHEMA_V1, oldest first: MIGRATIONS[i] upgrades a file at
# version i + 1 to version i + 2. Each runs inside the transaction that also bumps
# user_version, after a backup of the file has been taken. Append only: a released
# migration is never edited, and a new schema change is one new function at the end.
MIGRATIONS: list[Migration] = [
    _models_as_data,
    _v3_event_sequence_and_response_key_secret,
    add_survey_invitations,
    add_action_plan_and_import_removals,
    add_round_history,
    add_visit_evidence,
    add_survey_item_pairs,
    add_calibration_case,
]

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


WORKSPACE = StoreKind(
    noun="workspace",
    application_id=APPLICATION_ID,
    schema_history=lambda: MIGRATIONS,
    missing_hint="Create one with 'onpoint init' or 'onpoint demo'.",
    restore_hint="Restore it from a backup ('onpoint backups restore')",
)

"""The HQ store's migrations: every change to its schema since the first release, each a
function of one connection run in one transaction after a backup (``hq_schema.MIGRATIONS``
lists them in order). The tables and views they leave are described in ``hq_schema``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from onpoint_desktop.sync import keys
from onpoint_desktop.workspace.latest import WITHIN_WORKSPACE, latest_events
from onpoint_desktop.workspace.model_store import SCORING_MODELS_TABLE


def _database_path(conn: sqlite3.Connection) -> Path:
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


def add_signing_key(conn: sqlite3.Connection) -> None:
    """HQ signs what it publishes: give the store its Ed25519 signing key (the key file is
    made beside the store, or reused if an earlier, failed upgrade made it)."""
    raw = keys.ensure_hq_signing_key(_database_path(conn))
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("hq_signing_key", keys.b64(raw)), ("hq_signing_fingerprint", keys.fingerprint(raw))],
    )


def add_models_as_data(conn: sqlite3.Connection) -> None:
    """Scoring models are published data (SPEC §10): each round names the model it is
    scored with (bundles of release 1: onpoint-1); HQ keeps the models it published and
    the benchmark packs it built, per model."""
    conn.execute("ALTER TABLE rounds ADD COLUMN model TEXT NOT NULL DEFAULT 'onpoint-1'")
    conn.execute(SCORING_MODELS_TABLE)
    conn.execute(
        "CREATE TABLE benchmark_packs ("
        " id INTEGER PRIMARY KEY,"
        " model TEXT NOT NULL,"
        " name TEXT NOT NULL,"
        " date TEXT NOT NULL,"
        " content TEXT NOT NULL,"
        " built_at TEXT NOT NULL)"
    )


def add_trust(conn: sqlite3.Connection) -> None:
    """Trust at HQ (SPEC §9): signers by key fingerprint (trusted, pending, revoked),
    bundles held aside, event identity with signer and workspace, districts that may share
    a name, and HQ's decisions on conflicts."""
    now = conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()
    decided = now[0] if now else "1970-01-01T00:00:00.000000Z"
    for view in ("rating_conflicts", "signer_levels", "current_levels"):
        conn.execute(f"DROP VIEW IF EXISTS {view}")
    for statement in _V3_TABLES.strip().split(";\n\n"):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO signer_keys (fingerprint, public_key, consultant_id, name, named_by, "
        "status, status_at) SELECT fingerprint, public_key, consultant_id, name, named_by, "
        "'trusted', ? FROM signers",
        (decided,),
    )
    conn.execute(
        "INSERT INTO new_merged_bundles SELECT b.*, s.fingerprint, ? "
        "FROM merged_bundles b JOIN signers s USING (consultant_id)",
        ("onpoint-bundle/1",),
    )
    # Each event once per signer whose bundles carried it, in that signer's workspace for
    # the district (of its latest bundle there); its place in the order from its time,
    # which the first release kept strictly increasing within a workspace.
    conn.execute(
        "INSERT INTO new_rating_events SELECT s.fingerprint, "
        "  (SELECT b.workspace_uuid FROM merged_bundles b WHERE b.district_uuid = e.district_uuid "
        "   AND b.consultant_id = es.consultant_id ORDER BY b.created_at DESC, b.bundle_id DESC "
        "   LIMIT 1), "
        "  e.uuid, 0, 0, e.district_uuid, e.round_id, e.area_id, e.level, e.note, e.author, "
        "  e.created_at "
        "FROM rating_events e JOIN rating_event_signers es ON es.event_uuid = e.uuid "
        "JOIN signers s ON s.consultant_id = es.consultant_id"
    )
    conn.execute(
        "CREATE TEMP TABLE event_order (signer TEXT, workspace_uuid TEXT, uuid TEXT, n INTEGER, "
        "PRIMARY KEY (signer, workspace_uuid, uuid)) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO event_order SELECT signer, workspace_uuid, uuid, row_number() OVER ("
        "PARTITION BY signer, workspace_uuid ORDER BY created_at, uuid) FROM new_rating_events"
    )
    conn.execute(
        "UPDATE new_rating_events SET seq = (SELECT n FROM event_order o WHERE "
        "o.signer = new_rating_events.signer "
        "AND o.workspace_uuid = new_rating_events.workspace_uuid "
        "AND o.uuid = new_rating_events.uuid)"
    )
    conn.execute("DROP TABLE event_order")
    conn.execute(
        "INSERT INTO new_districts SELECT uuid, name, name_key, created_at, model, described_by "
        "FROM districts"
    )
    for old in ("rating_event_signers", "rating_events", "merged_bundles", "signers", "districts"):
        conn.execute(f"DROP TABLE {old}")
    for table in ("rating_events", "merged_bundles", "districts"):
        conn.execute(f"ALTER TABLE new_{table} RENAME TO {table}")
    for statement in _V3_INDEXES_AND_VIEWS():
        conn.execute(statement)


_V3_TABLES = """
CREATE TABLE signer_keys (
    fingerprint TEXT PRIMARY KEY,
    public_key TEXT NOT NULL UNIQUE,
    consultant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    named_by TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('trusted', 'pending', 'revoked')),
    status_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE new_districts (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    model TEXT NOT NULL,
    described_by TEXT NOT NULL
);

CREATE TABLE new_rating_events (
    signer TEXT NOT NULL REFERENCES signer_keys(fingerprint),
    workspace_uuid TEXT NOT NULL,
    uuid TEXT NOT NULL,
    seq INTEGER NOT NULL,
    seq_known INTEGER NOT NULL,
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    level INTEGER,
    note TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (signer, workspace_uuid, uuid),
    FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
) WITHOUT ROWID;

CREATE TABLE new_merged_bundles (
    bundle_id TEXT PRIMARY KEY,
    payload_sha256 TEXT NOT NULL UNIQUE,
    district_uuid TEXT NOT NULL REFERENCES districts(uuid),
    district_name TEXT NOT NULL,
    workspace_uuid TEXT NOT NULL,
    consultant_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    model TEXT NOT NULL,
    rounds INTEGER NOT NULL,
    rating_events INTEGER NOT NULL,
    survey_responses INTEGER NOT NULL,
    sealed INTEGER NOT NULL,
    merged_at TEXT NOT NULL,
    signer TEXT NOT NULL REFERENCES signer_keys(fingerprint),
    format TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE pending_bundles (
    payload_sha256 TEXT PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    signer TEXT NOT NULL REFERENCES signer_keys(fingerprint),
    file TEXT NOT NULL,
    source TEXT NOT NULL,
    district_uuid TEXT NOT NULL,
    district_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE hq_decisions (
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    level INTEGER,
    keep_signer TEXT REFERENCES signer_keys(fingerprint),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (district_uuid, round_id, area_id),
    FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
) WITHOUT ROWID
"""

# The order among views: the latest recorded by the clock; ties by workspace, signer, id.
ACROSS_VIEWS = "created_at DESC, workspace_uuid DESC, signer DESC, event_uuid DESC"
_VIEW_COLUMNS = (
    "district_uuid, round_id, area_id, signer, workspace_uuid, level, uuid AS event_uuid, "
    "author, created_at, seq"
)


def _V3_INDEXES_AND_VIEWS() -> list[str]:
    view_levels = latest_events(
        _VIEW_COLUMNS,
        "rating_events",
        "district_uuid, round_id, area_id, signer, workspace_uuid",
        WITHIN_WORKSPACE,
    )
    latest_levels = latest_events(
        "*", "view_levels", "district_uuid, round_id, area_id", ACROSS_VIEWS
    )
    signer_latest = latest_events(
        "*", "view_levels", "district_uuid, round_id, area_id, signer", ACROSS_VIEWS
    )
    return [
        "CREATE INDEX districts_name ON districts (name_key)",
        "CREATE INDEX rating_events_view ON rating_events "
        "(district_uuid, round_id, area_id, signer, workspace_uuid, seq)",
        "CREATE INDEX merged_bundles_district ON merged_bundles (district_uuid)",
        "CREATE INDEX merged_bundles_signer ON merged_bundles (signer)",
        "CREATE INDEX pending_bundles_signer ON pending_bundles (signer)",
        f"CREATE VIEW view_levels AS {view_levels}",
        f"CREATE VIEW latest_levels AS {latest_levels}",
        f"CREATE VIEW signer_latest_levels AS {signer_latest}",
        "CREATE VIEW current_levels AS "
        "SELECT l.district_uuid, l.round_id, l.area_id, "
        "  CASE WHEN d.district_uuid IS NULL THEN l.level "
        "       WHEN d.keep_signer IS NULL THEN d.level "
        "       ELSE coalesce(k.level, l.level) END AS level, "
        "  CASE WHEN d.district_uuid IS NULL THEN l.event_uuid "
        "       WHEN d.keep_signer IS NULL THEN NULL ELSE k.event_uuid END AS event_uuid, "
        "  CASE WHEN d.district_uuid IS NULL THEN l.author "
        "       WHEN d.keep_signer IS NULL THEN 'HQ' ELSE k.author END AS author, "
        "  CASE WHEN d.district_uuid IS NULL THEN l.created_at "
        "       WHEN d.keep_signer IS NULL THEN d.decided_at ELSE k.created_at END AS created_at, "
        "  d.district_uuid IS NOT NULL AS decided "
        "FROM latest_levels l "
        "LEFT JOIN hq_decisions d USING (district_uuid, round_id, area_id) "
        "LEFT JOIN signer_latest_levels k ON k.district_uuid = l.district_uuid "
        "  AND k.round_id = l.round_id AND k.area_id = l.area_id AND k.signer = d.keep_signer",
        "CREATE VIEW rating_conflicts AS "
        "SELECT district_uuid, round_id, area_id, count(*) AS views "
        "FROM view_levels GROUP BY district_uuid, round_id, area_id "
        "HAVING count(DISTINCT coalesce(level, 0)) > 1",
        # Survey responses HQ scores: where a (district, round, role) holds keys of both
        # forms (bundles of the first release carried the survey tool's ids; later ones
        # carry HMACs of the same respondents), only the HMAC-keyed ones, which later,
        # cumulative bundles carry for every response of their workspace.
        "CREATE VIEW scored_responses AS "
        "SELECT * FROM survey_responses s WHERE s.response_key LIKE 'hmac-sha256:%' "
        "OR NOT EXISTS (SELECT 1 FROM survey_responses h WHERE h.district_uuid = s.district_uuid "
        "  AND h.round_id = s.round_id AND h.role = s.role "
        "  AND h.response_key LIKE 'hmac-sha256:%')",
    ]


_ACTION_VIEW_COLUMNS = (
    "district_uuid, round_id, action_id, signer, workspace_uuid, uuid, seq, title, "
    "component_id, area_id, owner, due, status, note, removed, carried_from, author, created_at"
)
# Among the views (copies of a workspace) of an action: the state recorded latest by the
# clock; ties by workspace, signer, event id (as for ratings: ACROSS_VIEWS).
ACTIONS_ACROSS_VIEWS = "created_at DESC, workspace_uuid DESC, signer DESC, uuid DESC"


def add_action_plans_and_survey_removals(conn: sqlite3.Connection) -> None:
    """The consultant's day (SPEC §11): action-plan events unioned like rating events (the
    current plan is each action's latest state: within a view by ``seq``, across views by
    the clock); survey responses removed with their import, kept as tombstones; and, per
    stored response, the newest bundle time that carried it (``seen_at``), so a response
    is held while a bundle newer than its latest removal carries it — whatever the order
    the bundles arrive in."""
    conn.execute(
        """
        CREATE TABLE action_events (
            signer TEXT NOT NULL,
            workspace_uuid TEXT NOT NULL,
            uuid TEXT NOT NULL,
            seq INTEGER NOT NULL,
            district_uuid TEXT NOT NULL REFERENCES districts(uuid),
            round_id TEXT NOT NULL,
            action_id TEXT NOT NULL,
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
            created_at TEXT NOT NULL,
            PRIMARY KEY (signer, workspace_uuid, uuid)
        ) WITHOUT ROWID
        """
    )
    conn.execute(
        "CREATE INDEX action_events_view ON action_events "
        "(district_uuid, round_id, action_id, signer, workspace_uuid, seq)"
    )
    view = latest_events(
        _ACTION_VIEW_COLUMNS,
        "action_events",
        "district_uuid, action_id, signer, workspace_uuid",
        WITHIN_WORKSPACE,
    )
    current = latest_events("*", f"({view})", "district_uuid, action_id", ACTIONS_ACROSS_VIEWS)
    conn.execute(f"CREATE VIEW current_actions AS {current}")
    conn.execute(
        """
        CREATE TABLE survey_removals (
            district_uuid TEXT NOT NULL REFERENCES districts(uuid),
            round_id TEXT NOT NULL,
            role TEXT NOT NULL,
            response_key TEXT NOT NULL,
            removed_at TEXT NOT NULL,
            PRIMARY KEY (district_uuid, round_id, role, response_key, removed_at)
        ) WITHOUT ROWID
        """
    )
    conn.execute("ALTER TABLE survey_responses ADD COLUMN seen_at TEXT NOT NULL DEFAULT ''")
    # Responses under the first release's keys stand in for a (district, round, role) only
    # while nothing of it came under HMAC keys: once a removal of it arrived (its HMAC
    # responses may all be gone), the workspace's later, cumulative bundles speak for it.
    conn.execute("DROP VIEW scored_responses")
    conn.execute(
        "CREATE VIEW scored_responses AS "
        "SELECT * FROM survey_responses s WHERE s.response_key LIKE 'hmac-sha256:%' "
        "OR NOT (EXISTS (SELECT 1 FROM survey_responses h WHERE h.district_uuid = "
        "  s.district_uuid AND h.round_id = s.round_id AND h.role = s.role "
        "  AND h.response_key LIKE 'hmac-sha256:%') "
        "OR EXISTS (SELECT 1 FROM survey_removals r WHERE r.district_uuid = s.district_uuid "
        "  AND r.round_id = s.round_id AND r.role = s.role))"
    )


def add_visit_evidence(conn: sqlite3.Connection) -> None:
    """Visit evidence (SPEC §12): the district's own ratings (in a table of their own, so
    the expert views and scores never see them), classroom walkthroughs and conditions for
    scale, each keyed by (signer, workspace, id) like rating events."""
    identity = (
        "signer TEXT NOT NULL REFERENCES signer_keys(fingerprint), "
        "workspace_uuid TEXT NOT NULL, uuid TEXT NOT NULL, seq INTEGER NOT NULL, "
        "district_uuid TEXT NOT NULL, round_id TEXT NOT NULL"
    )
    keys_ = (
        "PRIMARY KEY (signer, workspace_uuid, uuid), FOREIGN KEY (district_uuid, round_id) "
        "REFERENCES rounds(district_uuid, round_id)"
    )
    conn.execute(
        f"CREATE TABLE district_rating_events ({identity}, area_id TEXT NOT NULL, "
        f"level INTEGER, note TEXT, author TEXT NOT NULL, created_at TEXT NOT NULL, {keys_}) "
        "WITHOUT ROWID"
    )
    conn.execute(
        f"CREATE TABLE walkthroughs ({identity}, instrument TEXT NOT NULL, "
        "school TEXT NOT NULL, grade_band TEXT NOT NULL, subject TEXT NOT NULL, "
        "observed_on TEXT NOT NULL, observer TEXT NOT NULL, levels TEXT NOT NULL, "
        f"notes TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL, {keys_}) WITHOUT ROWID"
    )
    conn.execute(
        f"CREATE TABLE condition_events ({identity}, condition_id TEXT NOT NULL, state TEXT, "
        f"note TEXT, author TEXT NOT NULL, created_at TEXT NOT NULL, {keys_}) WITHOUT ROWID"
    )
    for table in ("district_rating_events", "walkthroughs", "condition_events"):
        conn.execute(f"CREATE INDEX {table}_round ON {table} (district_uuid, round_id)")


def _kept_view(column: str) -> str:
    """One column of the view HQ keeps for an area decided "keep this signer's view": the
    signer's latest event among its workspaces (a correlated subquery, evaluated only for
    such decisions, reading that area's events alone)."""
    events = (
        "(SELECT * FROM rating_events k WHERE k.district_uuid = l.district_uuid "
        "AND k.round_id = l.round_id AND k.area_id = l.area_id AND k.signer = d.keep_signer)"
    )
    view = latest_events(
        "level, uuid AS event_uuid, author, created_at, workspace_uuid, signer",
        events,
        "workspace_uuid",
        WITHIN_WORKSPACE,
    )
    return f"(SELECT {column} FROM ({view}) ORDER BY {ACROSS_VIEWS} LIMIT 1)"


# The same rule as release 4's view, written so that a query for one district reads that
# district's events only (its former join with every signer's latest levels made SQLite
# rank the whole table first: a second per district at a few hundred districts).
CURRENT_LEVELS = (
    "SELECT l.district_uuid, l.round_id, l.area_id, "
    "  CASE WHEN d.district_uuid IS NULL THEN l.level "
    "       WHEN d.keep_signer IS NULL THEN d.level "
    f"      ELSE coalesce({_kept_view('level')}, l.level) END AS level, "
    "  CASE WHEN d.district_uuid IS NULL THEN l.event_uuid "
    f"      WHEN d.keep_signer IS NULL THEN NULL ELSE {_kept_view('event_uuid')} END "
    "  AS event_uuid, "
    "  CASE WHEN d.district_uuid IS NULL THEN l.author "
    f"      WHEN d.keep_signer IS NULL THEN 'HQ' ELSE {_kept_view('author')} END AS author, "
    "  CASE WHEN d.district_uuid IS NULL THEN l.created_at "
    "       WHEN d.keep_signer IS NULL THEN d.decided_at "
    f"      ELSE {_kept_view('created_at')} END AS created_at, "
    "  d.district_uuid IS NOT NULL AS decided "
    "FROM latest_levels l "
    "LEFT JOIN hq_decisions d USING (district_uuid, round_id, area_id)"
)

ROUND_SUMMARIES = """
CREATE TABLE round_summaries (
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    model TEXT NOT NULL,
    stage TEXT NOT NULL,
    total REAL,
    complete INTEGER NOT NULL,
    scores TEXT NOT NULL,  -- component id → score (null when unavailable), JSON
    conflicts INTEGER NOT NULL,  -- focus areas whose views disagree (resolved or not)
    listing TEXT NOT NULL,  -- the round in 'hq list --json', benchmark-dependent values open
    PRIMARY KEY (district_uuid, round_id),
    FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
) WITHOUT ROWID
"""


def add_national_picture(conn: sqlite3.Connection) -> None:
    """HQ's national picture (issue 17): each round's score kept with the facts it derives
    from (filled in when the store is opened, ``hq_summaries``), and the current levels
    of one district read from that district's events alone."""
    conn.execute("DROP VIEW current_levels")
    conn.execute(f"CREATE VIEW current_levels AS {CURRENT_LEVELS}")
    conn.execute(ROUND_SUMMARIES)
    conn.execute("CREATE INDEX round_summaries_stage ON round_summaries (model, stage)")

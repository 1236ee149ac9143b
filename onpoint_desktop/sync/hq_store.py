"""The HQ store: one SQLite file (WAL) holding the union of every merged bundle.

Facts are stored under their natural keys, never under ids that depend on merge order:

``districts``          one row per district UUID; name and model from the newest bundle
``rounds``             (district, round id); label, stage, position and scoring model from
                       the newest bundle that carries the round
``rating_events``      the union of all rating events, by event UUID
``rating_event_signers`` which signers' bundles carried each event (a union too)
``survey_responses``   the union by (district, round, role, response key)
``signers``            trusted consultant ids → Ed25519 public key (name from newest bundle)
``merged_bundles``     every merged bundle: id, payload SHA-256, district, signer, counts
``scoring_models``     the models HQ published (model packs), to score their rounds with
``benchmark_packs``    the benchmark packs HQ built, each for one model

"Newest bundle" is the largest (manifest created_at, bundle id): a total order fixed by
the bundles themselves, so each "keep the newest" update is commutative. The derived
views — ``current_levels`` (latest event per area: time, then event UUID),
``signer_levels`` and ``rating_conflicts`` (see ``conflicts``) — are pure functions of
these facts. Merging the same set of bundles in any order therefore gives the same store;
the one exception is ``merged_bundles.merged_at``, which records when a bundle arrived and
is left out of :func:`canonical_dump`.

HQ's private keys live beside the store, owner read/write only: the encryption key
(``<HQ_DB>.private-key.pem``) and the signing key (``<HQ_DB>.signing-key.pem``, made with
the store, or when a store of the first release is first opened). Back them up with the
store, and keep them off shared folders.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from onpoint_desktop.atomic import os_reason, write_atomically
from onpoint_desktop.errors import BundleError, WorkspaceError
from onpoint_desktop.sync import keys
from onpoint_desktop.workspace.backup import backup_name, backup_to
from onpoint_desktop.workspace.connection import (
    configure_connection,
    connect,
    transaction,
)
from onpoint_desktop.workspace.model_store import SCORING_MODELS_TABLE, ModelTable
from onpoint_desktop.workspace.schema import Migration, ddl_statements, migrate

APPLICATION_ID = 0x4F4E4851  # "ONHQ"
ORDER_DEPENDENT_COLUMNS = {
    "merged_bundles": ("merged_at",),
    "scoring_models": ("installed_at",),
    "benchmark_packs": ("built_at",),
}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE signers (
    consultant_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    name TEXT NOT NULL,
    named_by TEXT NOT NULL
);
CREATE TABLE districts (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    model TEXT NOT NULL,
    described_by TEXT NOT NULL
);
CREATE TABLE rounds (
    district_uuid TEXT NOT NULL REFERENCES districts(uuid),
    round_id TEXT NOT NULL,
    label TEXT NOT NULL,
    stage TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    described_by TEXT NOT NULL,
    PRIMARY KEY (district_uuid, round_id)
) WITHOUT ROWID;
CREATE TABLE rating_events (
    uuid TEXT PRIMARY KEY,
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    level INTEGER,
    note TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
) WITHOUT ROWID;
CREATE INDEX rating_events_board
    ON rating_events (district_uuid, round_id, area_id, created_at, uuid);
CREATE TABLE rating_event_signers (
    event_uuid TEXT NOT NULL REFERENCES rating_events(uuid),
    consultant_id TEXT NOT NULL REFERENCES signers(consultant_id),
    PRIMARY KEY (event_uuid, consultant_id)
) WITHOUT ROWID;
CREATE TABLE survey_responses (
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    role TEXT NOT NULL,
    response_key TEXT NOT NULL,
    school TEXT,
    answers TEXT NOT NULL,
    PRIMARY KEY (district_uuid, round_id, role, response_key),
    FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
) WITHOUT ROWID;
CREATE TABLE merged_bundles (
    bundle_id TEXT PRIMARY KEY,
    payload_sha256 TEXT NOT NULL UNIQUE,
    district_uuid TEXT NOT NULL REFERENCES districts(uuid),
    district_name TEXT NOT NULL,
    workspace_uuid TEXT NOT NULL,
    consultant_id TEXT NOT NULL REFERENCES signers(consultant_id),
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    model TEXT NOT NULL,
    rounds INTEGER NOT NULL,
    rating_events INTEGER NOT NULL,
    survey_responses INTEGER NOT NULL,
    sealed INTEGER NOT NULL,
    merged_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX merged_bundles_district ON merged_bundles (district_uuid);

CREATE VIEW current_levels AS
SELECT district_uuid, round_id, area_id, level, uuid AS event_uuid, author, created_at
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY district_uuid, round_id, area_id ORDER BY created_at DESC, uuid DESC
    ) AS rank
    FROM rating_events
) WHERE rank = 1;

CREATE VIEW signer_levels AS
SELECT district_uuid, round_id, area_id, consultant_id, level, uuid AS event_uuid, author,
       created_at
FROM (
    SELECT e.*, s.consultant_id, row_number() OVER (
        PARTITION BY e.district_uuid, e.round_id, e.area_id, s.consultant_id
        ORDER BY e.created_at DESC, e.uuid DESC
    ) AS rank
    FROM rating_events e JOIN rating_event_signers s ON s.event_uuid = e.uuid
) WHERE rank = 1;

CREATE VIEW rating_conflicts AS
SELECT district_uuid, round_id, area_id, count(*) AS signers
FROM signer_levels
GROUP BY district_uuid, round_id, area_id
HAVING count(DISTINCT coalesce(level, 0)) > 1;
"""


def _database_path(conn: sqlite3.Connection) -> Path:
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


def _v2_signing_key(conn: sqlite3.Connection) -> None:
    """HQ signs what it publishes: give the store its Ed25519 signing key (the key file is
    made beside the store, or reused if an earlier, failed upgrade made it)."""
    raw = keys.ensure_hq_signing_key(_database_path(conn))
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("hq_signing_key", keys.b64(raw)), ("hq_signing_fingerprint", keys.fingerprint(raw))],
    )


def _models_as_data(conn: sqlite3.Connection) -> None:
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


# The HQ store's schema history after SCHEMA, oldest first (as the workspace's:
# MIGRATIONS[i] upgrades version i + 1 to i + 2, after a backup, in one transaction).
# Append only.
MIGRATIONS: list[Migration] = [_v2_signing_key, _models_as_data]

SCHEMA_VERSION = 1 + len(MIGRATIONS)


def name_key(name: str) -> str:
    """How district names are compared: case and spacing do not make a different name."""
    return " ".join(name.casefold().split())


class HQStore:
    """An open HQ store. Use :meth:`create` or :meth:`open`; close when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.model_table = ModelTable(conn, path.name, self.transaction)
        self.models = self.model_table.catalogue  # the models HQ scores rounds with

    @classmethod
    def create(cls, path: str | Path) -> tuple[HQStore, keys.HQPublicKey]:
        """Create an HQ store and HQ's key pairs (encryption and signing); returns the
        store and HQ's public keys."""
        from onpoint_desktop.workspace import utc_now

        path = Path(path)
        key_path = keys.hq_private_key_path(path)
        signing_path = keys.hq_signing_key_path(path)
        for existing in (path, key_path, signing_path):
            if existing.exists():
                raise WorkspaceError(f"{existing} already exists; choose another HQ store name.")
        if not path.parent.is_dir():
            raise WorkspaceError(f"Cannot create {path}: folder {path.parent} does not exist.")
        conn = None
        try:
            conn = connect(path)
            public = keys.create_hq_key(path, utc_now())
            conn.execute("BEGIN IMMEDIATE")
            for statement in ddl_statements(SCHEMA):
                conn.execute(statement)
            for migration in MIGRATIONS:
                migration(conn)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("created_at", public.created_at),
                    ("hq_public_key", keys.b64(public.raw)),
                    ("hq_key_fingerprint", public.fingerprint),
                ],
            )
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn is not None:
                conn.close()
            for leftover in (path, key_path, signing_path):
                leftover.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        hq = cls(path, conn)
        return hq, hq.public_key

    @classmethod
    def open(cls, path: str | Path) -> HQStore:
        """Open an existing HQ store, refusing anything else before writing to it."""
        path = Path(path)
        if not path.is_file():
            raise WorkspaceError(f"No HQ store at {path}. Create one with 'onpoint hq init'.")
        with path.open("rb") as fh:
            if not fh.read(16).startswith(b"SQLite format 3"):
                raise WorkspaceError(f"{path} is not an HQ store (it is not a SQLite database).")
        conn = connect(path, configure=False)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise WorkspaceError(f"{path} is damaged and cannot be opened ({exc}).") from None
        if app_id != APPLICATION_ID:
            conn.close()
            raise WorkspaceError(f"{path} is a SQLite database but not an Onpoint HQ store.")
        if version > SCHEMA_VERSION or version < 1:
            conn.close()
            raise WorkspaceError(
                f"{path} is HQ store format {version}; this version reads up to "
                f"{SCHEMA_VERSION}. Update Onpoint Desktop."
            )
        if version < SCHEMA_VERSION:
            try:
                backup = backup_to(conn, backup_name(path, f"before-migration-v{version}"))
                try:
                    migrate(conn, version, MIGRATIONS)
                except sqlite3.Error as exc:
                    raise WorkspaceError(
                        f"Could not upgrade the HQ store {path} from format {version}: {exc}. "
                        f"The file is unchanged; a copy is at {backup}."
                    ) from None
            except BaseException:
                conn.close()
                raise
        configure_connection(conn, path)
        return cls(path, conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> HQStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """All of the block is written, or none of it (nested: a savepoint)."""
        return transaction(self.conn, self.path)

    # --- keys ------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def public_key(self) -> keys.HQPublicKey:
        """HQ's public keys (encryption and signing), as consultants import them."""
        raw = keys.unb64(self.meta("hq_public_key"), "the HQ public key", 32)
        signing = keys.unb64(self.meta("hq_signing_key"), "the HQ signing key", 32)
        return keys.HQPublicKey(raw, self.meta("created_at") or "", signing)

    def signing_key(self) -> Ed25519PrivateKey:
        """HQ's private signing key from beside the store (refused if it is missing or is
        not this store's)."""
        path = keys.hq_signing_key_path(self.path)
        if not path.exists():
            raise BundleError(
                f"HQ's signing key {path} is missing; put it back beside the HQ store {self.path} "
                "(from your backup). Without it HQ cannot sign what it publishes."
            )
        key = keys.load_hq_signing_key(self.path)
        if keys.raw_public(key.public_key()) != self.public_key.signing_key:
            raise BundleError(
                f"{path} is not the signing key of the HQ store {self.path}; put the store's "
                "own key file back beside it."
            )
        return key

    def private_key(self) -> X25519PrivateKey | None:
        """HQ's private key from beside the store, or None when it is not there."""
        if not keys.hq_private_key_path(self.path).exists():
            return None
        key = keys.load_hq_private_key(self.path)
        if keys.raw_public(key.public_key()) != self.public_key.raw:
            raise BundleError(
                f"{keys.hq_private_key_path(self.path)} is not the key of the HQ store "
                f"{self.path}; put the store's own key file back beside it."
            )
        return key

    def signer(self, consultant_id: str) -> tuple[str, str] | None:
        """(public key base64, name) of a trusted signer, or None."""
        return self.conn.execute(
            "SELECT public_key, name FROM signers WHERE consultant_id = ?", (consultant_id,)
        ).fetchone()

    def signer_status(self, consultant_id: str, public_key: bytes) -> str:
        """``known`` (same id, same key), ``new`` (id never seen) or ``key-mismatch``."""
        known = self.signer(consultant_id)
        if known is None:
            return "new"
        return "known" if known[0] == keys.b64(public_key) else "key-mismatch"

    def counts(self) -> dict[str, int]:
        tables = ("districts", "rounds", "rating_events", "survey_responses", "signers")
        tables += ("merged_bundles",)
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def create_hq(path: str | Path, public_key_out: str | Path) -> tuple[HQStore, keys.HQPublicKey]:
    """``hq init``: the HQ store, HQ's key pairs, and the shareable public key file.

    All or nothing: if the public key cannot be written, the store and keys are removed.
    """
    out = Path(public_key_out)
    if out.exists():
        raise WorkspaceError(f"{out} already exists; choose another name for HQ's public key.")
    hq, public = HQStore.create(path)
    try:
        write_public_key(hq, out)
    except WorkspaceError as exc:
        hq.close()
        for leftover in (
            hq.path,
            keys.hq_private_key_path(hq.path),
            keys.hq_signing_key_path(hq.path),
        ):
            leftover.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(hq.path) + suffix).unlink(missing_ok=True)
        raise WorkspaceError(f"{exc} Nothing was created.") from None
    return hq, public


def write_public_key(hq: HQStore, out: str | Path) -> keys.HQPublicKey:
    """Write HQ's shareable public key file (both public keys) to ``out``; e.g. to send
    consultants the signing key of a store made by the first release."""
    import json

    out = Path(out)
    public = hq.public_key
    try:
        write_atomically(out, json.dumps(public.to_json(), indent=2) + "\n")
    except OSError as exc:
        reason = os_reason(exc)
        raise WorkspaceError(f"Could not write HQ's public key to {out}: {reason}.") from None
    return public


def canonical_dump(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, without the order-dependent columns.

    Two stores built from the same set of bundles, in any order, dump identically.
    """
    dump = {}
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta' ORDER BY name"
        )
    ]
    for table in tables:
        skip = ORDER_DEPENDENT_COLUMNS.get(table, ())
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
        cols = ", ".join(columns)
        dump[table] = conn.execute(f"SELECT {cols} FROM {table} ORDER BY {cols}").fetchall()
    return dump

"""The HQ store: one SQLite file (WAL) holding the union of every merged bundle.

Its tables and views are described in ``hq_schema``. Facts are stored under natural keys,
never under ids that depend on merge order, and every "which value wins" rule takes the
newest bundle — the largest (manifest created_at, bundle id): a total order fixed by the
bundles themselves, so each "keep the newest" update is commutative. Merging the same set
of bundles in any order therefore gives the same store; the exceptions are the columns
that record when something arrived or HQ decided (``ORDER_DEPENDENT_COLUMNS``), left out
of :func:`canonical_dump`.

HQ's private keys live beside the store, owner read/write only: the encryption key
(``<HQ_DB>.private-key.pem``) and the signing key (``<HQ_DB>.signing-key.pem``, made with
the store, or when a store of the first release is first opened); bundles from signers HQ
does not trust yet wait in ``<HQ_DB>.pending/``. Back them up with the store, and keep
them off shared folders.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from onpoint_desktop.atomic import os_reason, write_atomically
from onpoint_desktop.errors import BundleError, WorkspaceError
from onpoint_desktop.sync import hq_schema, hq_summaries, keys
from onpoint_desktop.sync.hq_scale_schema import COUNTED
from onpoint_desktop.sync.hq_schema import (
    APPLICATION_ID,
    MIGRATIONS,
    ORDER_DEPENDENT_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
)
from onpoint_desktop.workspace.connection import connect, transaction
from onpoint_desktop.workspace.model_store import ModelTable
from onpoint_desktop.workspace.opener import StoreKind, create_owner_only, open_checked
from onpoint_desktop.workspace.schema import ddl_statements

# Pages the write-ahead log grows by between checkpoints in a merge run (64 MB; SQLite's
# default is 1,000): each checkpoint waits for the disk twice, and a run writes the same
# index pages over and over, which a longer log copies into the store once.
RUN_CHECKPOINT_PAGES = 16_384

__all__ = ["MIGRATIONS", "SCHEMA", "SCHEMA_VERSION", "HQStore", "canonical_dump", "create_hq"]


HQ_STORE = StoreKind(
    noun="HQ store",
    application_id=APPLICATION_ID,
    schema_history=lambda: hq_schema.MIGRATIONS,
    missing_hint="Create one with 'onpoint hq init'.",
    restore_hint="Put back the copy of the HQ store (and its key files) from your backup",
    quick_check_max_bytes=256 * 1024**2,  # a national store is read, not checked, on open
)


def name_key(name: str) -> str:
    """How district names are compared: case and spacing do not make a different name."""
    return " ".join(name.casefold().split())


CACHE_KIB = 64 * 1024  # the page cache of an HQ store's connection
MAP_BYTES = 1 << 32  # how much of a store a bulk read maps (SQLite maps at most the file)


class HQStore:
    """An open HQ store. Use :meth:`create` or :meth:`open`; close when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        # A national store is gigabytes: SQLite's default page cache (2 MB) would read the
        # same index pages from the disk again for each bundle merged.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._private_key: X25519PrivateKey | None = None
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
            create_owner_only(path)  # it will hold survey responses
            conn = connect(path)
            public = keys.create_hq_key(path, utc_now())
            conn.execute("BEGIN IMMEDIATE")
            for statement in ddl_statements(SCHEMA):
                conn.execute(statement)
            for migration in hq_schema.MIGRATIONS:
                migration(conn)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("created_at", public.created_at),
                    ("hq_public_key", keys.b64(public.raw)),
                    ("hq_key_fingerprint", public.fingerprint),
                    ("summary_version", hq_summaries.SUMMARY_VERSION),
                ],
            )
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {1 + len(hq_schema.MIGRATIONS)}")
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
        """Open an existing HQ store (``opener.open_checked``: refused unless it is a sound
        HQ store of a known format; an older one is migrated after a backup), its rounds'
        summaries brought up to date (``hq_summaries``)."""
        path = Path(path)
        hq = cls(path, open_checked(path, HQ_STORE))
        try:
            hq_summaries.bring_up_to_date(hq)
        except BaseException:
            hq.close()
            raise
        return hq

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> HQStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """All of the block is written, or none of it (nested: a savepoint)."""
        return transaction(self.conn, self.path)

    @contextlib.contextmanager
    def run_of_transactions(self) -> Iterator[None]:
        """Many transactions in a row (a merge run: one per bundle) without waiting for the
        disk after each, then all of them made durable at once.

        Inside, commits are still atomic and in order (WAL with ``synchronous = NORMAL``):
        a crash of the program loses nothing committed, and a power cut can lose only the
        last commits, never leave one half-written, so the store stays sound and merging
        the same files again finishes the job. On the way out the write-ahead log is
        synced (a checkpoint) and each later commit waits for the disk again (``FULL``).
        """
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {RUN_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA wal_autocheckpoint = 1000")  # SQLite's default
            if not self.conn.in_transaction:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @contextlib.contextmanager
    def bulk_read(self) -> Iterator[None]:
        """Read the store for the block as one snapshot (a merge committed meanwhile is all
        in what the block reads, or all out), through memory-mapped I/O: listing a national
        store reads 90 MB of kept listings in less than half the time SQLite's own reads
        take. Kept to bulk reads: mapped pages count in the process's memory, which a merge
        keeps flat. Inside a transaction, the block reads that transaction's snapshot."""
        conn = self.conn
        mapped = conn.execute("PRAGMA mmap_size").fetchone()[0]
        conn.execute(f"PRAGMA mmap_size = {MAP_BYTES}")
        began = not conn.in_transaction
        if began:
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM meta").fetchone()  # the snapshot is taken
        try:
            yield
        finally:
            if began and conn.in_transaction:
                conn.execute("ROLLBACK")  # it wrote nothing
            conn.execute(f"PRAGMA mmap_size = {int(mapped)}")

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
        """HQ's private key from beside the store, or None when it is not there (read once
        per open store)."""
        if self._private_key is not None:
            return self._private_key
        if not keys.hq_private_key_path(self.path).exists():
            return None
        key = keys.load_hq_private_key(self.path)
        if keys.raw_public(key.public_key()) != self.public_key.raw:
            raise BundleError(
                f"{keys.hq_private_key_path(self.path)} is not the key of the HQ store "
                f"{self.path}; put the store's own key file back beside it."
            )
        self._private_key = key
        return key

    @property
    def pending_folder(self) -> Path:
        """Where bundles from signers HQ does not trust yet are kept (0700)."""
        return self.path.with_name(self.path.name + ".pending")

    def counts(self) -> dict[str, int]:
        """Rows per kind of fact; ``signers`` counts the trusted ones."""
        tables = ("districts", "rounds", "merged_bundles")
        counts = {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        counts.update(self.conn.execute("SELECT kind, n FROM fact_counts"))  # kept by triggers
        counts = {k: counts[k] for k in (*tables[:2], *COUNTED, tables[2])}
        for status in ("trusted", "pending"):
            counts["signers" if status == "trusted" else "pending_signers"] = self.conn.execute(
                "SELECT count(*) FROM signer_keys WHERE status = ?", (status,)
            ).fetchone()[0]
        counts["pending_bundles"] = self.conn.execute(
            "SELECT count(*) FROM pending_bundles"
        ).fetchone()[0]
        return counts


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
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT IN ('meta', 'line_memory') ORDER BY name"
        )
    ]
    for table in tables:
        skip = ORDER_DEPENDENT_COLUMNS.get(table, ())
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
        cols = ", ".join(columns)
        dump[table] = conn.execute(f"SELECT {cols} FROM {table} ORDER BY {cols}").fetchall()
    return dump

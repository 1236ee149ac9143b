"""Opening SQLite connections for workspaces, and turning write failures into sentences."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from onpoint_desktop.errors import WorkspaceError


def connect(path: Path, configure: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable across threads."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    if configure:
        configure_connection(conn, path)
    return conn


def writable(path: Path) -> bool:
    """Whether this user may change the file: the file and its folder (where SQLite keeps
    the WAL beside it) are both writable."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can only read (SQLite refuses every write on it).

    A WAL database needs its ``-shm`` index beside it even to read; in a read-only folder
    none can be created, so the file is then opened as immutable (read as it is on disk).
    That is only sound when no committed work waits in a ``-wal`` file, which a cleanly
    closed workspace never leaves; otherwise the file is refused.
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "readonly" not in text and "unable to open" not in text:
            return conn  # damage: the identity check names it (and offers the backups)
        conn.close()  # no -shm, and none can be created
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise WorkspaceError(
            f"{path} is in a read-only folder and was not closed cleanly (its recent changes "
            f"are still in {wal.name}); copy the file together with {wal.name} to a writable "
            "folder and open the copy there."
        )
    return sqlite3.connect(
        uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False
    )


def read_only_error(path: Path) -> WorkspaceError:
    return WorkspaceError(
        f"Could not save to {path}: the file or its folder is read-only. Copy the "
        "workspace somewhere writable and open the copy; nothing was changed."
    )


def configure_connection(conn: sqlite3.Connection, path: Path) -> None:
    """WAL for crash safety and readers beside a writer; FULL sync so an acknowledged
    change survives a power cut (WAL with NORMAL may lose the last commits)."""
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.OperationalError as exc:
        raise write_error(path, exc) from None


def write_error(path: Path, exc: sqlite3.OperationalError) -> WorkspaceError:
    """A sentence for a failed write: disk full, read-only, busy, or the SQLite message."""
    text = str(exc).lower()
    if "full" in text:
        return WorkspaceError(
            f"Could not save to {path}: the disk is full. Free some space and try again; "
            "nothing was changed."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return read_only_error(path)
    if "locked" in text or "busy" in text:
        return WorkspaceError(
            f"{path} is busy in another program or window; close it there and try again."
        )
    return WorkspaceError(f"Could not save to {path}: {exc}. Nothing was changed.")


def remove_database(path: Path) -> None:
    """Delete a database file and its WAL/SHM/journal companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """All of the block is written, or none of it (``BEGIN IMMEDIATE`` … ``COMMIT``).

    Inside another transaction the block is a savepoint: it rolls back alone. A failed
    write becomes a sentence (:func:`write_error`).
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested_action")
        try:
            yield
            conn.execute("RELEASE SAVEPOINT nested_action")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO SAVEPOINT nested_action")
                conn.execute("RELEASE SAVEPOINT nested_action")
            if isinstance(exc, sqlite3.OperationalError):
                raise write_error(path, exc) from None
            raise
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise write_error(path, exc) from None
    try:
        yield
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        _rollback(conn)
        raise write_error(path, exc) from None
    except BaseException:
        _rollback(conn)
        raise


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")

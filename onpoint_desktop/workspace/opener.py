"""The one checked way to open an app's SQLite file: a workspace or an HQ store.

Before anything is written, a file is checked in this order, each refusal a sentence that
names the file and changes nothing:

1. the file: it exists, is a file, can be read, is not empty, is a SQLite database;
2. its identity: ``PRAGMA application_id`` says it is this kind of file (else *foreign*);
3. its pages: ``PRAGMA quick_check`` (else *damaged*: :class:`DamagedWorkspaceError`,
   for which the app offers a backup);
4. its format: ``PRAGMA user_version`` is known (a *newer* file needs a newer app);
5. an older format is migrated in one transaction, after a consistent backup beside it.

SQLite's own failures are told apart by their error code: only a file SQLite reports as
corrupt is called damaged. A disk that is full (or nearly: SQLite cannot even make its
shared-memory index beside the file, "disk I/O error") is said to be full, with what to
do, and never offers a restore. An opened file holding survey data is made owner-only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from onpoint_desktop.errors import DamagedWorkspaceError, WorkspaceError
from onpoint_desktop.workspace.backup import backup_name, backup_to
from onpoint_desktop.workspace.connection import (
    configure_connection,
    connect,
    connect_read_only,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
NEARLY_FULL_BYTES = 1024**2  # less room than this, and SQLite's I/O errors mean a full disk
Migration = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class StoreKind:
    """What kind of file is opened, and the words for it."""

    noun: str  # "workspace", "HQ store"
    application_id: int
    schema_history: Callable[[], Sequence[Migration]]  # the current MIGRATIONS list
    missing_hint: str  # what to do when there is no file
    restore_hint: str  # how to get a damaged one back
    # Files larger than this skip the page-by-page quick_check on open (None: never
    # skip): reading a national HQ store's 2 GB costs seconds on every command, and SQLite
    # still refuses any damaged page it reads.
    quick_check_max_bytes: int | None = None

    @property
    def version(self) -> int:
        return 1 + len(self.schema_history())


def free_bytes(folder: Path) -> int | None:
    """Room left on the disk holding ``folder`` (None when it cannot be told)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def disk_full_error(path: Path, doing: str = "open") -> WorkspaceError:
    free = free_bytes(path.parent)
    room = f" ({free:,} bytes free)" if free is not None else ""
    return WorkspaceError(
        f"Could not {doing} {path}: the disk is full{room}. Free some space and try again; "
        "nothing was changed."
    )


def disk_is_full(path: Path) -> bool:
    free = free_bytes(path.parent)
    return free is not None and free < NEARLY_FULL_BYTES


def opening_error(path: Path, exc: sqlite3.Error, kind: StoreKind) -> WorkspaceError:
    """A sentence for SQLite failing to read a file: damaged only when SQLite says so."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return DamagedWorkspaceError(
            f"{path} is damaged and cannot be opened ({exc}). {kind.restore_hint}; nothing "
            "was changed.",
            path,
        )
    if name.startswith("SQLITE_FULL") or "full" in str(exc).lower() or disk_is_full(path):
        return disk_full_error(path)
    return WorkspaceError(
        f"{path} cannot be opened ({exc}). Check that the disk or stick holding it is still "
        "there and working, then try again; nothing was changed."
    )


def check_file(path: Path, kind: StoreKind) -> None:
    """Refuse, before connecting, anything that is not a SQLite file."""
    if not path.exists():
        raise WorkspaceError(f"No {kind.noun} at {path}. {kind.missing_hint}")
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder, not an Onpoint {kind.noun} file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise WorkspaceError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if not header:
        raise WorkspaceError(f"{path} is an empty file, not an Onpoint {kind.noun}.")
    if not header.startswith(SQLITE_MAGIC):
        raise WorkspaceError(f"{path} is not an Onpoint {kind.noun} (it is not a SQLite database).")


def check_identity(conn: sqlite3.Connection, path: Path, kind: StoreKind) -> int:
    """Check application id, pages and format version; returns the file's version."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != kind.application_id:
            raise WorkspaceError(f"{path} is a SQLite database but not an Onpoint {kind.noun}.")
        problems = ["ok"]
        limit = kind.quick_check_max_bytes
        if limit is None or path.stat().st_size <= limit:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as exc:
        raise opening_error(path, exc, kind) from None
    if problems != ["ok"]:
        raise DamagedWorkspaceError(
            f"{path} is damaged ({problems[0]}). {kind.restore_hint}; nothing was changed.",
            path,
        )
    if version > kind.version:
        raise WorkspaceError(
            f"{path} was written by a newer Onpoint Desktop ({kind.noun} format {version}; "
            f"this version reads up to {kind.version}). Update the app to open it."
        )
    if version < 1:
        raise WorkspaceError(f"{path} has no {kind.noun} format version; it cannot be opened.")
    return version


def migrate(conn: sqlite3.Connection, from_version: int, steps: Sequence[Migration]) -> None:
    """Upgrade to the latest version in one transaction (the caller has taken a backup)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(from_version, 1 + len(steps)):
            steps[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def open_checked(path: Path, kind: StoreKind, *, read_only: bool = False) -> sqlite3.Connection:
    """Open ``path`` after every check above; migrated, configured, owner-only.

    ``read_only``: a connection that can only read (an older format is then refused, as
    it cannot be upgraded where it is).
    """
    path = Path(path)
    check_file(path, kind)
    try:
        conn = connect_read_only(path) if read_only else connect(path, configure=False)
    except sqlite3.Error as exc:
        raise opening_error(path, exc, kind) from None
    try:
        version = check_identity(conn, path, kind)
        if read_only:
            if version < kind.version:
                raise WorkspaceError(
                    f"{path} is in an older {kind.noun} format and cannot be upgraded where "
                    "it is (read-only); copy it somewhere writable and open the copy."
                )
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        if version < kind.version:
            _migrate_after_backup(conn, path, version, kind)
        configure_connection(conn, path)
        make_owner_only(path)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate_after_backup(
    conn: sqlite3.Connection, path: Path, version: int, kind: StoreKind
) -> None:
    if disk_is_full(path):
        raise disk_full_error(path, f"upgrade the {kind.noun}")
    backup = backup_to(conn, backup_name(path, f"before-migration-v{version}"))
    try:
        migrate(conn, version, kind.schema_history())
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_FULL") or disk_is_full(path):
            raise disk_full_error(path, f"upgrade the {kind.noun}") from None
        raise WorkspaceError(
            f"Could not upgrade {path} from {kind.noun} format {version}: {exc}. "
            f"The file is unchanged; a copy is at {backup}."
        ) from None


def make_owner_only(path: Path) -> None:
    """Let only this user read a file holding survey data (and SQLite's files beside it).

    A file this user does not own, or a system without POSIX modes, is left as it is."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: the per-user profile folders already keep files private
        return
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            info = file.stat()
            if info.st_uid == getuid() and stat.S_IMODE(info.st_mode) & 0o077:
                os.chmod(file, stat.S_IMODE(info.st_mode) & 0o700)


def create_owner_only(path: Path) -> None:
    """Create an empty file readable by its owner only, for SQLite to make a database in
    (SQLite gives the files it makes beside it, the WAL and its index, the same mode)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

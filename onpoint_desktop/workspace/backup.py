"""Consistent copies of a workspace: migration backups, rolling backups, restore.

Copies go through SQLite's online backup API, never a raw file copy: it takes a
consistent snapshot even while the WAL holds committed pages not yet in the main file.

Rolling backups live in the per-user data folder, one folder per workspace
(``backups/<workspace uuid>/``), with a ``source.json`` naming the file they came from so a
damaged file (whose UUID can no longer be read) still finds its backups. A backup is
taken when a workspace is opened (at most one every few minutes), and the newest
``KEEP`` are kept.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from onpoint_desktop.atomic import atomic_path
from onpoint_desktop.errors import WorkspaceError

KEEP = 10
MIN_INTERVAL_SECONDS = 300
SUFFIX = ".onpoint.db"


def backup_to(conn: sqlite3.Connection, dest: Path) -> Path:
    """Write a consistent copy of the database behind ``conn`` to ``dest`` (replaced)."""
    dest = Path(dest)
    try:
        with atomic_path(dest, private=True) as tmp:  # backups hold survey data: owner only
            target = sqlite3.connect(tmp)
            try:
                conn.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
    except (OSError, sqlite3.Error) as exc:
        raise WorkspaceError(f"Could not write a backup to {dest}: {exc}.") from None
    return dest


def backup_name(path: Path, reason: str) -> Path:
    """``district.onpoint.db`` → ``district.onpoint.db.<reason>-20261123T202643Z.bak``."""
    return path.with_name(f"{path.name}.{reason}-{_stamp()}.bak")


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class Backup:
    path: Path
    created: float  # seconds since the epoch
    source: Path  # the workspace it was taken from

    @property
    def label(self) -> str:
        when = datetime.fromtimestamp(self.created).strftime("%Y-%m-%d %H:%M")
        return f"{when} ({self.path.stat().st_size / 1e6:.1f} MB)"


def backups_root() -> Path:
    from onpoint_desktop import paths  # platformdirs: only when a backup is taken or listed

    root = paths.data_dir() / "backups"
    root.mkdir(parents=True, exist_ok=True)
    return root


def rolling_backup(
    conn: sqlite3.Connection, source: Path, workspace_uuid: str, *, force: bool = False
) -> Path | None:
    """Take a rolling backup of an open workspace unless a recent one exists.

    Returns the new backup's path, or None when skipped. Keeps the newest ``KEEP``.
    """
    folder = backups_root() / workspace_uuid
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "source.json"
    wanted = json.dumps({"source": str(source.resolve()), "workspace_uuid": workspace_uuid})
    if not marker.is_file() or marker.read_text() != wanted:  # written once, not on every open
        marker.write_text(wanted)
    existing = sorted(folder.glob(f"*{SUFFIX}"))
    if existing and not force:
        age = time.time() - existing[-1].stat().st_mtime
        if age < MIN_INTERVAL_SECONDS:
            return None
    dest = backup_to(conn, folder / f"{_stamp()}{SUFFIX}")
    for old in sorted(folder.glob(f"*{SUFFIX}"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return dest


def find_backups(source: Path) -> list[Backup]:
    """Rolling backups of the workspace at ``source``, newest first."""
    wanted = str(Path(source).resolve())
    found: list[Backup] = []
    for marker in backups_root().glob("*/source.json"):
        try:
            info = json.loads(marker.read_text())
        except (OSError, ValueError):
            continue
        if info.get("source") != wanted:
            continue
        for file in marker.parent.glob(f"*{SUFFIX}"):
            found.append(Backup(file, file.stat().st_mtime, Path(wanted)))
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def is_sound(path: Path) -> bool:
    """True when the file opens as SQLite and passes ``PRAGMA quick_check``."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def latest_good_backup(source: Path) -> Backup | None:
    return next((b for b in find_backups(source) if is_sound(b.path)), None)


def restore(backup: Path, target: Path) -> Path:
    """Put a backup in place of ``target``; the file it replaces is kept aside.

    Returns where the replaced (damaged) file was moved, so nothing is ever lost.
    """
    backup, target = Path(backup), Path(target)
    if not is_sound(backup):
        raise WorkspaceError(f"The backup {backup} is itself damaged; choose another one.")
    aside = target.with_name(f"{target.name}.damaged-{_stamp()}")
    staged = target.with_name(target.name + ".restoring")
    try:
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            backup_to(source, staged)
        finally:
            source.close()
        if target.exists():
            target.replace(aside)
        for suffix in ("-wal", "-shm"):
            companion = Path(str(target) + suffix)
            if companion.exists():
                companion.replace(Path(str(aside) + suffix))
        staged.replace(target)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise WorkspaceError(f"Could not restore {target} from {backup}: {exc}.") from None
    return aside

"""Consistent copies of a workspace through SQLite's online backup API.

Never a raw file copy: the backup API copies a consistent snapshot even while the WAL
holds committed pages that are not yet in the main file.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from onpoint_desktop.errors import WorkspaceError


def backup_to(conn: sqlite3.Connection, dest: Path) -> Path:
    """Write a consistent copy of the database behind ``conn`` to ``dest`` (replaced)."""
    dest = Path(dest)
    tmp = dest.with_name(dest.name + ".partial")
    try:
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        tmp.replace(dest)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"Could not write a backup to {dest}: {exc}.") from None
    return dest


def backup_name(path: Path, reason: str) -> Path:
    """``district.onpoint.db`` → ``district.onpoint.db.<reason>-20261123T202643Z.bak``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return path.with_name(f"{path.name}.{reason}-{stamp}.bak")

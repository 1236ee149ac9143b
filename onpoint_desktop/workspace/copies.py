"""Save a copy of a workspace: a consistent snapshot that is a workspace of its own.

A copy is taken through SQLite's online backup API (as backups are), so it is a
state the workspace really was in, even while the app is writing. The copy then gets a
*new workspace UUID*: it is another workspace from now on, and HQ must not mistake two
workspaces for one when both send bundles. The *district UUID stays*: both still describe
the same district, and HQ unions their facts under it. The copy records the workspace it
came from in its ``meta`` table (``copied_from``).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from onpoint_desktop.atomic import atomic_path
from onpoint_desktop.errors import Cancelled, WorkspaceError

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class WorkspaceCopy:
    path: Path
    workspace_uuid: str  # the copy's own, new UUID
    copied_from: str  # the source workspace's UUID


def save_copy(
    source: str | Path,
    dest: str | Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> WorkspaceCopy:
    """Write a copy of the workspace at ``source`` to ``dest`` (replaced if it exists).

    The copy is complete before it appears at ``dest``: on an error or a cancel, ``dest``
    is untouched and no partial file is left. ``source`` is only read.
    """
    source, dest = Path(source), Path(dest)
    if dest.resolve() == source.resolve():
        raise WorkspaceError(
            f"{dest} is the workspace itself; choose another file name for the copy."
        )
    if not source.is_file():
        raise WorkspaceError(f"There is no workspace at {source} to copy.")
    if not dest.parent.is_dir():
        raise WorkspaceError(f"Cannot save a copy to {dest}: folder {dest.parent} does not exist.")
    steps = 3

    def step(done: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled(f"Copy cancelled; {dest} was not written.")
        if progress is not None:
            progress(done, steps)

    step(0)
    new_uuid = str(uuid.uuid4())
    try:
        # A copy holds survey responses: owner-only, like the backups.
        with atomic_path(dest, private=True) as staged:
            source_conn = sqlite3.connect(source)
            try:
                copy = sqlite3.connect(staged, isolation_level=None)
                try:
                    source_conn.backup(copy)
                    step(1)
                    copy.execute("PRAGMA journal_mode = DELETE")
                    copied_from = _give_new_identity(copy, staged, new_uuid)
                finally:
                    copy.close()
            finally:
                source_conn.close()
            step(2)
    except (OSError, sqlite3.Error) as exc:
        raise WorkspaceError(f"Could not save a copy to {dest}: {exc}.") from None
    if progress is not None:
        progress(steps, steps)
    return WorkspaceCopy(dest, new_uuid, copied_from)


def _give_new_identity(conn: sqlite3.Connection, path: Path, new_uuid: str) -> str:
    """Set a new workspace UUID in the copy; returns the source's UUID."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'workspace_uuid'").fetchone()
    if row is None:
        raise WorkspaceError(f"{path} has no workspace UUID; it is not an Onpoint workspace.")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'workspace_uuid'", (new_uuid,))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('copied_from', ?)", (row[0],))
    conn.execute("COMMIT")
    return row[0]

"""Bundles merged in groups: one commit for each half second of a merge run.

Each bundle is still applied in a transaction of its own — a savepoint inside the group's
transaction — so a refused bundle rolls back alone and every bundle is wholly in the store
or wholly absent. What the group saves is the commit: at national scale a merge commits
thousands of small transactions, and each commit writes the pages it touched to the log
again (the same index pages, bundle after bundle). A crash loses at most the group being
merged, never a part of a bundle, and merging the same files again finishes the job.

A bundle is acknowledged (the run's ``progress``) only once its group is committed, so
every bundle a caller was told of is in the store.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from onpoint_desktop.workspace.connection import write_error

SECONDS = 0.5  # how long a group stays open at most before it is committed


class CommitGroup:
    """``with CommitGroup(conn, path, acknowledge):`` then :meth:`merged` after each
    bundle; :meth:`commit` before anything that must see the group on disk."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, acknowledge: Callable[[int], None] | None
    ) -> None:
        self.conn = conn
        self.path = path
        self.acknowledge = acknowledge
        self.done = 0  # bundles handled so far in the run
        self.acknowledged = 0
        self.opened = 0.0

    def __enter__(self) -> CommitGroup:
        self._begin()
        return self

    def __exit__(self, *exc: object) -> None:
        self.commit()  # each bundle in it is whole: a failure rolled its own savepoint back
        if exc[0] is None:
            self._report()

    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise write_error(self.path, exc) from None
        self.opened = time.monotonic()

    def merged(self) -> None:
        """One more bundle handled; the group is committed once it is old enough."""
        self.done += 1
        if time.monotonic() - self.opened >= SECONDS:
            self.commit()
            self._report()
            self._begin()

    def commit(self) -> None:
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self.conn.execute("ROLLBACK")
            raise write_error(self.path, exc) from None

    def _report(self) -> None:
        if self.acknowledge is not None:
            for done in range(self.acknowledged + 1, self.done + 1):
                self.acknowledge(done)
        self.acknowledged = self.done

"""A workspace that is a calibration case (SPEC §13): HQ's fictional district, rated blind.

A consultant opens HQ's signed case (``sync.calibration_open``) as a workspace of its own:
the fictional district, its rounds, the evidence notes per focus area and (optionally) the
rounds' survey responses, and no rating at all. The district is HQ's, so everything about
it is read only — its name, rounds, stages, models, surveys, walkthroughs, conditions,
action plans, the district team's own ratings: each refused here, in the core, with one
sentence (:meth:`CaseGuard.refuse_in_case`). Only the consultant's own ratings (with their
notes) are written; the next bundle carries them, and the case id, back to HQ.

Tables (the workspace migration :func:`add_calibration_case`):

``calibration_case``  at most one row: the case id, its fictional name, HQ's signing key
                      fingerprint, when HQ published it and when it was opened here
``case_evidence``     HQ's evidence notes, per round and focus area
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from onpoint_desktop.errors import WorkspaceError


class ReadOnlyCase(WorkspaceError):
    """A change to a calibration case's district was refused (only ratings are written)."""


@dataclass(frozen=True)
class CaseInfo:
    """What the workspace knows of the calibration case it holds."""

    case_id: str
    name: str  # the fictional district's name
    hq_signer: str  # fingerprint of the HQ key that signed the case
    published_at: str
    opened_at: str

    @property
    def banner(self) -> str:
        """The sentence the app shows above a case's board."""
        return (
            f"Calibration case {self.name} — rate blind from the evidence; your ratings go "
            "to HQ in your next bundle. The district itself is read only."
        )


def add_calibration_case(conn: sqlite3.Connection) -> None:
    """Calibration cases (SPEC §13): the case a workspace holds, and HQ's evidence notes."""
    conn.execute(
        "CREATE TABLE calibration_case ("
        " case_id TEXT PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " hq_signer TEXT NOT NULL,"
        " published_at TEXT NOT NULL,"
        " opened_at TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE case_evidence ("
        " round_id TEXT NOT NULL REFERENCES rounds(id),"
        " area_id TEXT NOT NULL,"
        " note TEXT NOT NULL,"
        " PRIMARY KEY (round_id, area_id)) WITHOUT ROWID"
    )


def case_of(conn: sqlite3.Connection) -> CaseInfo | None:
    """The calibration case the workspace on ``conn`` holds, or None (an ordinary one)."""
    row = conn.execute(
        "SELECT case_id, name, hq_signer, published_at, opened_at FROM calibration_case"
    ).fetchone()
    return CaseInfo(*row) if row else None


class CaseGuard:
    """The calibration-case methods of :class:`~onpoint_desktop.workspace.store.Workspace`."""

    conn: sqlite3.Connection

    @property
    def calibration_case(self) -> CaseInfo | None:
        """The case this workspace holds (None for a district's own workspace)."""
        return case_of(self.conn)

    def refuse_in_case(self, what: str) -> None:
        """Refuse a change to the district when this workspace is a calibration case;
        ``what`` completes "you cannot …" (e.g. "rename the district")."""
        case = self.calibration_case
        if case is not None:
            raise ReadOnlyCase(
                f"This workspace is the calibration case {case.name}: its district is HQ's "
                f"and read only, so you cannot {what} here. Only your own ratings (with your "
                "notes) are recorded, to go to HQ in your next bundle."
            )

    def case_evidence(self, round_id: str) -> dict[str, str]:
        """HQ's evidence note per focus area of a case round (empty outside a case)."""
        return dict(
            self.conn.execute(
                "SELECT area_id, note FROM case_evidence WHERE round_id = ? ORDER BY area_id",
                (round_id,),
            )
        )

    def mark_calibration_case(self, case: CaseInfo, evidence: dict[str, dict[str, str]]) -> None:
        """Make this (new) workspace the calibration case ``case`` with HQ's ``evidence``
        (round id → area id → note): from now on its district is read only."""
        with self.transaction():  # type: ignore[attr-defined]
            if self.calibration_case is not None:
                raise ReadOnlyCase("This workspace already holds a calibration case.")
            self.conn.execute(
                "INSERT INTO calibration_case (case_id, name, hq_signer, published_at, "
                "opened_at) VALUES (?, ?, ?, ?, ?)",
                (case.case_id, case.name, case.hq_signer, case.published_at, case.opened_at),
            )
            self.conn.executemany(
                "INSERT INTO case_evidence (round_id, area_id, note) VALUES (?, ?, ?)",
                [
                    (round_id, area, note)
                    for round_id, notes in evidence.items()
                    for area, note in notes.items()
                ],
            )

"""Rounds that build on each other (SPEC §11): start a round from the previous one,
rename it, move it to another stage, delete and restore it — each one transaction that
also appends a round event, so the history travels in bundles and is never lost.

A round started ``--from`` another carries that round's current ratings forward as
rating events of kind ``carried``; the board shows them as carried until the consultant
confirms them (a ``confirmed`` event with the same level and note) or rates the area
anew. A deleted round is kept, hidden from the rounds list, and can be restored.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onpoint_desktop import clock, limits
from onpoint_desktop.english import counted
from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace.actions import carry_open_actions
from onpoint_desktop.workspace.records import CARRIED, CONFIRMED, RatingEvent, default_author

if TYPE_CHECKING:
    from onpoint_desktop.workspace.records import Round
    from onpoint_desktop.workspace.store import Workspace

ADDED, RENAMED, STAGE, DELETED, RESTORED = "added", "renamed", "stage", "deleted", "restored"
ROUND_EVENT_KINDS = (ADDED, RENAMED, STAGE, DELETED, RESTORED)


@dataclass(frozen=True)
class RoundEvent:
    """Something that happened to a round: added (value: JSON with stage, label and the
    round it was started from), renamed (value: the new label), stage (value: the new
    stage), deleted or restored (no value)."""

    uuid: str
    seq: int
    round_id: str
    kind: str
    value: str | None
    author: str
    created_at: str


def carry_forward(ws: Workspace, previous_id: str, round_id: str, author: str) -> int:
    """Everything a new round takes from the round it is started from, inside the
    transaction that adds it: the current ratings (with their evidence notes), as
    ``carried`` rating events, and the action plan's open actions with their status
    (``actions.carry_open_actions``). Returns how many ratings were carried."""
    carried = 0
    for event in ws.board(previous_id).values():
        ws.rate(round_id, event.area_id, event.level, event.note, author, kind=CARRIED)
        carried += 1
    carry_open_actions(ws, previous_id, round_id, author)
    return carried


class RoundLog:
    """The round-history methods of :class:`~onpoint_desktop.workspace.store.Workspace`."""

    def append_round_event(
        self: Workspace, round_id: str, kind: str, value: str | None, author: str | None = None
    ) -> RoundEvent:
        """Append one round event (inside the caller's transaction)."""
        last = self.conn.execute("SELECT max(seq) FROM round_events").fetchone()[0]
        event = RoundEvent(
            uuid=str(uuid.uuid4()),
            seq=(last or 0) + 1,
            round_id=round_id,
            kind=kind,
            value=value,
            author=_author(author),
            created_at=clock.utc_now(),
        )
        self.conn.execute(
            "INSERT INTO round_events (uuid, seq, round_id, kind, value, author, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                event.uuid,
                event.seq,
                event.round_id,
                event.kind,
                event.value,
                event.author,
                event.created_at,
            ),
        )
        return event

    def round_events(self: Workspace, round_id: str | None = None) -> list[RoundEvent]:
        """Round events (of one round, or all), oldest first."""
        sql = "SELECT uuid, seq, round_id, kind, value, author, created_at FROM round_events"
        args: tuple[str, ...] = ()
        if round_id is not None:
            sql += " WHERE round_id = ?"
            args = (round_id,)
        return [RoundEvent(*r) for r in self.conn.execute(sql + " ORDER BY seq", args)]

    def started_from(self: Workspace, round_id: str) -> str | None:
        """The round ``round_id`` was started from (``round add --from``), if any."""
        for event in self.round_events(round_id):
            if event.kind == ADDED and event.value:
                return json.loads(event.value).get("from")
        return None

    def rename_round(
        self: Workspace, round_id: str, label: str, author: str | None = None
    ) -> Round:
        """Give a round another label (its id, which commands and bundles use, stays)."""
        self.refuse_in_case("rename a round")
        rnd = self.get_round(round_id)
        label = limits.checked_name(label, "The round's new name")
        for other in self.rounds():
            if other.id != rnd.id and label in (other.id, other.label):
                raise InputError(f"Round '{other.id}' is already called '{label}'.")
        if label == rnd.label:
            return rnd
        with self.transaction():
            self.conn.execute("UPDATE rounds SET label = ? WHERE id = ?", (label, rnd.id))
            self.append_round_event(rnd.id, RENAMED, label, author)
        return self.get_round(rnd.id)

    def set_round_stage(
        self: Workspace, round_id: str, stage: str, author: str | None = None
    ) -> Round:
        """Move a round to another implementation stage (its benchmark follows)."""
        self.refuse_in_case("change a round's stage")
        rnd = self.get_round(round_id)
        self._check_stage(stage)
        if stage == rnd.stage:
            return rnd
        with self.transaction():
            self.conn.execute("UPDATE rounds SET stage = ? WHERE id = ?", (stage, rnd.id))
            self.append_round_event(rnd.id, STAGE, stage, author)
        return self.get_round(rnd.id)

    def round_holdings(self: Workspace, round_id: str) -> str | None:
        """What deleting a round would hide, as words ("12 ratings and 40 survey
        responses"), or None when it holds neither ratings nor responses."""
        rated = len(self.levels(round_id))
        responses = self.conn.execute(
            "SELECT count(*) FROM survey_responses WHERE round_id = ?", (round_id,)
        ).fetchone()[0]
        parts = []
        if rated:
            parts.append(counted(rated, "rating"))
        if responses:
            parts.append(counted(responses, "survey response"))
        return " and ".join(parts) or None

    def delete_round(self: Workspace, round_id: str, author: str | None = None) -> Round:
        """Delete a round: it leaves the rounds list, its history stays in the file (and
        in bundles), and :meth:`restore_round` brings it back as it was."""
        self.refuse_in_case("delete a round")
        rnd = self.get_round(round_id)
        with self.transaction():
            self.conn.execute("UPDATE rounds SET deleted = 1 WHERE id = ?", (rnd.id,))
            self.append_round_event(rnd.id, DELETED, None, author)
        return rnd

    def restore_round(self: Workspace, round_id: str, author: str | None = None) -> Round:
        """Bring a deleted round back, with its ratings and responses."""
        self.refuse_in_case("restore a round")
        row = self.conn.execute("SELECT deleted FROM rounds WHERE id = ?", (round_id,)).fetchone()
        if row is None:
            self.get_round(round_id)  # says which rounds there are
        if not row[0]:
            raise InputError(f"Round '{round_id}' is not deleted.")
        with self.transaction():
            self.conn.execute("UPDATE rounds SET deleted = 0 WHERE id = ?", (round_id,))
            self.append_round_event(round_id, RESTORED, None, author)
        return self.get_round(round_id)

    def deleted_rounds(self: Workspace) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT id FROM rounds WHERE deleted ORDER BY position")
        ]

    # --- carried ratings ---------------------------------------------------------------

    def carried(self: Workspace, round_id: str) -> dict[str, RatingEvent]:
        """The areas whose current rating is still carried (not confirmed nor changed)."""
        return {a: e for a, e in self.board(round_id).items() if e.kind == CARRIED}

    def confirm(
        self: Workspace, round_id: str, area_id: str | None = None, author: str | None = None
    ) -> list[RatingEvent]:
        """Confirm carried ratings (one area, or every carried one of the round) in one
        transaction: each gets a ``confirmed`` event with the same level and note. An area
        whose rating is not carried is left as it is."""
        self.get_round(round_id)
        if area_id is not None:
            self.check_area(area_id)
        carried = self.carried(round_id)
        targets = [carried[area_id]] if area_id in carried else []
        if area_id is None:
            targets = list(carried.values())
        with self.transaction():
            return [
                self.rate(round_id, e.area_id, e.level, e.note, author, kind=CONFIRMED)
                for e in targets
            ]


def _author(author: str | None) -> str:
    return limits.checked_name(author or default_author() or "consultant", "The rater's name")

"""The round-history side of :class:`~ui.session.DistrictSession` (SPEC §11): carried
ratings and their confirmation, renaming, moving and deleting rounds (each one undoable
command), the round compared with, what-if previews and the target planner.

The rules are the core's (``workspace.round_log``, ``compare``, ``what_if``, ``planner``);
this only keeps what the screen shows and turns gestures into undoable commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from onpoint_desktop import changes as ops
from onpoint_desktop.compare import Comparison, compare
from onpoint_desktop.english import counted
from onpoint_desktop.errors import InputError
from onpoint_desktop.planner import Plan, plan, score_basis, target_score
from onpoint_desktop.what_if import Outcome, ScoreBasis
from ui.commands import ChangeCommand, Rating

if TYPE_CHECKING:
    from ui.session import DistrictSession

CARRIED, CONFIRMED = "carried", "confirmed"


@dataclass(frozen=True)
class Preview:
    """A rating being considered (nothing written): the area, the level, the score it
    would give, and the score now."""

    area_id: str
    level: int | None
    outcome: Outcome
    now: Outcome

    @property
    def total_delta(self) -> float | None:
        if self.outcome.total is None or self.now.total is None:
            return None
        return self.outcome.total - self.now.total


class RoundHistory:
    """Mixed into :class:`~ui.session.DistrictSession` (which declares the signals)."""

    # --- carried ratings ---------------------------------------------------------------

    def carried_areas(self: DistrictSession) -> list[str]:
        """Areas of the round on screen whose rating is still carried."""
        return [a for a, e in self._board.items() if e.kind == CARRIED]

    def confirm(self: DistrictSession, area_id: str | None = None) -> int:
        """Confirm the carried rating of ``area_id`` (None: every carried one) as one
        undoable command; returns how many were confirmed."""
        areas = self.carried_areas() if area_id is None else [area_id]
        areas = [a for a in areas if self.rating(a).carried]
        if not areas or self._round_id is None:
            return 0
        before = {a: self.rating(a) for a in areas}
        after = {a: Rating(r.level, r.note, CONFIRMED) for a, r in before.items()}
        if len(areas) == 1:
            text = f"Confirm {self.framework.areas[areas[0]].label}"
        else:
            text = f"Confirm {counted(len(areas), 'carried rating')}"
        self._push(
            text,
            ("apply_ratings", (self._round_id, after)),
            ("apply_ratings", (self._round_id, before)),
        )
        return len(areas)

    def apply_ratings(self: DistrictSession, round_id: str, ratings: dict[str, Rating]) -> None:
        """Append several rating events in one transaction (a command's do or undo)."""
        events, change = ops.rate_many(
            self.workspace,
            round_id,
            {a: (r.level, r.note, r.kind) for a, r in ratings.items()},
            author=self.author,
        )
        if round_id != self._round_id:
            self._show_round(round_id)
            self.roundShown.emit(round_id)
        else:
            for area, event in events.items():
                if event.level is None:
                    self._board.pop(area, None)
                else:
                    self._board[area] = event
        self._announce(change)

    def apply_plan(self: DistrictSession, suggested: Plan) -> None:
        """Rate as a plan suggests, as one undoable command."""
        if not suggested.changes or self._round_id is None:
            return
        before = {c.area: self.rating(c.area) for c in suggested.changes}
        after = {c.area: Rating(c.after, before[c.area].note) for c in suggested.changes}
        text = f"Apply plan ({counted(suggested.steps, 'step')})"
        self._push(
            text,
            ("apply_ratings", (self._round_id, after)),
            ("apply_ratings", (self._round_id, before)),
        )

    # --- rounds ------------------------------------------------------------------------

    def rename_round(self: DistrictSession, round_id: str, label: str) -> None:
        old = self.get_round(round_id).label
        self._push(
            f"Rename round {old} to {label}",
            ("apply_round_change", ("rename", round_id, label)),
            ("apply_round_change", ("rename", round_id, old)),
        )

    def set_round_stage(self: DistrictSession, round_id: str, stage: str) -> None:
        old = self.get_round(round_id).stage
        self._push(
            f"Move round {round_id} to {self.framework.stage_label(stage)}",
            ("apply_round_change", ("set-stage", round_id, stage)),
            ("apply_round_change", ("set-stage", round_id, old)),
        )

    def delete_round(self: DistrictSession, round_id: str) -> None:
        self.get_round(round_id)
        self._push(
            f"Delete round {round_id}",
            ("apply_round_change", ("delete", round_id, None)),
            ("apply_round_change", ("restore", round_id, None)),
        )

    def apply_round_change(
        self: DistrictSession, action: str, round_id: str, value: str | None
    ) -> None:
        """Rename, move, delete or restore a round (a command's do or undo)."""
        change = ops.change_round(self.workspace, action, round_id, value)
        ids = [r.id for r in self.rounds()]
        if self._compare_id not in ids:
            self._compare_id = None
        if action == "restore" or self._round_id not in ids:
            self._show_round(round_id if action == "restore" else (ids[-1] if ids else None))
            self._announce(change)
            self.roundShown.emit(self._round_id or "")
            return
        self._announce(change)

    def _push(self: DistrictSession, text: str, forward: tuple, backward: tuple) -> None:
        command = ChangeCommand(self, text, forward, backward)
        self.undo_stack.push(command)
        if command.refused is not None:
            raise command.refused

    # --- compare -----------------------------------------------------------------------

    @property
    def compare_round_id(self: DistrictSession) -> str | None:
        return self._compare_id

    def set_compare_round(self: DistrictSession, round_id: str | None) -> None:
        """Compare the round on screen with ``round_id`` (None: with nothing)."""
        if round_id is not None:
            self.get_round(round_id)
        self._compare_id = round_id
        self.compareShown.emit(round_id)

    def comparison(self: DistrictSession) -> Comparison | None:
        """The round on screen beside the compared one (None when not comparing)."""
        other = self._compare_id
        if other is None or self._round_id is None or other == self._round_id:
            return None
        now, then = self.score(), self.score(other)
        levels_now = {a: e.level for a, e in self._board.items()}
        areas = tuple(self.framework.areas)
        return compare(now, then, levels_now, self.workspace.levels(other), areas)

    def compared_levels(self: DistrictSession) -> dict[str, int]:
        """The levels of the round compared with (empty when not comparing)."""
        other = self._compare_id
        return self.workspace.levels(other) if other and other != self._round_id else {}

    # --- what-if and the planner -------------------------------------------------------

    def score_basis(self: DistrictSession) -> ScoreBasis | None:
        """What the round on screen's score rests on (kept until something changes)."""
        if self._round_id is None:
            return None
        if self._basis is None or self._basis[0] != self._round_id:
            self._basis = (self._round_id, score_basis(self.workspace, self._round_id))
        return self._basis[1]

    def preview(self: DistrictSession, area_id: str, level: int | None) -> Preview | None:
        """Show what rating ``area_id`` at ``level`` would give; nothing is written."""
        basis = self.score_basis()
        if basis is None:
            return None
        shown = Preview(area_id, level, basis.what_if({area_id: level}), basis.outcome)
        self.previewChanged.emit(shown)
        return shown

    def clear_preview(self: DistrictSession) -> None:
        self.previewChanged.emit(None)

    def plan(self: DistrictSession, which: str, component: str | None = None) -> Plan:
        """The fewest one-level changes reaching the stage ``which`` (median or p75)."""
        basis = self.score_basis()
        if basis is None:
            raise InputError("Add a round first (Round ▸ Add round…).")
        target = target_score(self.workspace, self._round_id, which, component)
        return plan(basis, target, component)

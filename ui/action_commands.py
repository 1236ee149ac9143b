"""Undoable changes to a round's action plan, the Orange way (see ``commands``).

Each command's ``redo`` writes through the core (one new action event) and its ``undo``
writes the state before (another event): the plan's history in the store is complete,
and pushing the command is what performs the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from onpoint_desktop.errors import OnpointError
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.actions import Action
from ui.commands import WriteCommand

FIELDS = ("title", "component_id", "area_id", "owner", "due", "status", "note")


def fields_of(action: Action) -> dict[str, object]:
    """The fields a consultant edits, as ``Workspace.set_action`` takes them."""
    return {name: getattr(action, name) for name in FIELDS}


class PlanTarget(Protocol):
    """What a plan command acts on (the district session)."""

    def write_plan(self, round_id: str, write: Callable[[Workspace], Action]) -> Action: ...

    def report_failure(self, error: OnpointError) -> None: ...


class PlanCommand(WriteCommand):
    """Add (``before`` None), change, or remove (``after`` None) one action.

    A first write the core refuses makes the command obsolete and keeps the error in
    ``refused``; a refused undo or redo later is reported to the target."""

    def __init__(
        self,
        target: PlanTarget,
        round_id: str,
        before: Action | None,
        after: dict[str, object] | None,
        text: str,
    ) -> None:
        super().__init__(target, text)
        self.round_id = round_id
        self.before = before
        self.after = after
        self.action_id = before.action_id if before else None

    def _redo(self, ws: Workspace) -> Action:
        if self.after is None:
            return ws.remove_action(self.action_id)
        if self.before is None and self.action_id is None:
            added = ws.add_action(self.round_id, **self.after)  # type: ignore[arg-type]
            self.action_id = added.action_id
            return added
        if self.before is None:
            return ws.restore_action(self.action_id)
        return ws.set_action(self.action_id, **self.after)  # type: ignore[arg-type]

    def _undo(self, ws: Workspace) -> Action:
        if self.before is None:
            return ws.remove_action(self.action_id)
        if self.after is None:
            return ws.restore_action(self.action_id)
        return ws.set_action(self.action_id, **fields_of(self.before))  # type: ignore[arg-type]

    def forward(self, target: PlanTarget) -> None:
        target.write_plan(self.round_id, self._redo)

    def backward(self, target: PlanTarget) -> None:
        target.write_plan(self.round_id, self._undo)


class ImportRemovalCommand(WriteCommand):
    """Remove one survey import; undo puts it back with its responses (the core's
    ``restore_survey_import``). ``target.write_surveys(write)`` runs a core write and
    announces it; ``removed`` keeps what the last removal took (in memory only)."""

    def __init__(self, target, import_id: int, text: str) -> None:
        super().__init__(target, text)
        self.import_id = import_id
        self.removed: dict | None = None

    def _remove(self, ws: Workspace) -> dict:
        self.removed = ws.remove_survey_import(self.import_id)
        return self.removed

    def _restore(self, ws: Workspace) -> dict:
        restored = ws.restore_survey_import(self.removed)
        self.import_id = restored["id"]
        return restored

    def forward(self, target) -> None:
        target.write_surveys(self._remove)

    def backward(self, target) -> None:
        if self.removed is not None:
            target.write_surveys(self._restore)

"""The visit's records in :class:`~ui.session.DistrictSession`: the action plan (SPEC §11),
evidence notes, survey imports and their removal, and the visit's other evidence (SPEC
§12: walkthroughs, the district's perspective, conditions for scale; never part of the
score). Each change goes through a core operation; plan changes and import removals are
undoable commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from onpoint_desktop import changes as ops
from onpoint_desktop.breakdown import SchoolBreakdown
from onpoint_desktop.errors import InputError
from onpoint_desktop.evidence_notes import EvidenceNote, evidence_notes
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.actions import Action, action_changes
from ui.action_commands import ImportRemovalCommand, PlanCommand

if TYPE_CHECKING:
    from ui.session import DistrictSession


class VisitRecords:
    """Mixed into :class:`~ui.session.DistrictSession` (which holds the workspace)."""

    # --- action plan, evidence notes, survey imports ----------------------------------------

    def actions(self: DistrictSession, round_id: str | None = None) -> list[Action]:
        """The action plan of a round (default: the one on screen)."""
        rid = round_id or self._round_id
        return self.workspace.actions(rid) if rid else []

    def action_changes(self: DistrictSession, round_id: str | None = None) -> dict[str, str]:
        """What changed for each action since the last round (the core's words)."""
        rid = round_id or self._round_id
        return action_changes(self.workspace, rid) if rid else {}

    def change_plan(
        self: DistrictSession, before: Action | None, after: dict[str, object] | None, text: str
    ) -> None:
        """Add (``before`` None), change or remove (``after`` None) an action of the round
        on screen, as one undoable command; raises ``OnpointError`` when refused."""
        round_id = before.round_id if before else self._round_id
        if round_id is None:
            raise InputError("Add a round first (Round ▸ Add round…); actions belong to a round.")
        command = PlanCommand(self, round_id, before, after, text)
        self.undo_stack.push(command)
        if command.refused is not None:
            raise command.refused

    def write_plan(
        self: DistrictSession, round_id: str, write: Callable[[Workspace], Action]
    ) -> Action:
        """One action event through the core (a plan command's do, undo or redo)."""
        action = write(self.workspace)
        self._announce(ops.action_changes(round_id))
        return action

    def action_subjects(
        self: DistrictSession, round_id: str | None = None
    ) -> list[tuple[str, str, str]]:
        """What an action can be about: ("component", id, name) for the round's model's
        components, then ("area", id, label) for the framework's focus areas."""
        rid = round_id or self._round_id
        subjects = [("component", c.id, c.name) for c in self.scoring_model(rid).components]
        subjects += [("area", a.id, a.label) for a in self.framework.areas.values()]
        return subjects

    def evidence_notes(self: DistrictSession, **filters) -> list[EvidenceNote]:
        """The evidence overview of the round on screen (the core's filters)."""
        if self._round_id is None:
            return []
        return evidence_notes(self.workspace, self._round_id, **filters)

    def school_breakdown(
        self: DistrictSession, round_id: str | None = None
    ) -> SchoolBreakdown | None:
        """Survey sub-scores by school, small groups suppressed (as ``score --by-school``)."""
        rid = round_id or self._round_id
        return self.workspace.school_breakdown(rid) if rid else None

    def survey_imports(self: DistrictSession, round_id: str | None = None) -> list[dict]:
        rid = round_id or self._round_id
        return self.workspace.survey_imports(rid) if rid else []

    def remove_survey_import(self: DistrictSession, import_id: int) -> None:
        """Remove a survey import and its responses (one transaction; the score follows),
        as one undoable command; raises ``OnpointError`` when refused."""
        record = self.workspace.survey_import(import_id)
        text = f"Remove survey import {record['source_name']} ({record['role']}s)"
        command = ImportRemovalCommand(self, record["id"], text)
        self.undo_stack.push(command)
        if command.refused is not None:
            raise command.refused

    def write_surveys(self: DistrictSession, write: Callable[[Workspace], dict]) -> dict:
        """One survey-import removal or restore through the core (a command's do or undo)."""
        record = write(self.workspace)
        self._announce(ops.responses_changes(record["round_id"]))
        return record

    # --- visit evidence (SPEC §12): never part of the score ---------------------------------

    def walkthroughs(self: DistrictSession, round_id: str | None = None) -> list:
        rid = round_id or self._round_id
        return self.workspace.walkthroughs(rid) if rid else []

    def walkthrough_profile(self: DistrictSession, round_id: str | None = None):
        rid = round_id or self._round_id
        return self.workspace.walkthrough_profile(rid) if rid else None

    def add_walkthrough(self: DistrictSession, **observation):
        """Record one observed classroom in the round on screen (one transaction)."""
        if self._round_id is None:
            raise InputError(
                "Add a round first (Round ▸ Add round…); walkthroughs belong to a round."
            )
        walkthrough, change = ops.add_walkthrough(self.workspace, self._round_id, **observation)
        self._announce(change)
        return walkthrough

    def known_schools(self: DistrictSession) -> list[str]:
        """Schools named by this round's walkthroughs and survey responses, for pick lists."""
        schools = {w.school for w in self.walkthroughs()}
        if self._round_id:
            schools |= set(self.workspace.schools(self._round_id))
        return sorted(schools, key=str.casefold)

    def perspective_gaps(self: DistrictSession) -> list:
        return self.workspace.perspective_gaps(self._round_id) if self._round_id else []

    def conditions(self: DistrictSession) -> dict:
        return self.workspace.conditions(self._round_id) if self._round_id else {}

    def readiness(self: DistrictSession) -> list:
        return self.workspace.readiness(self._round_id) if self._round_id else []

    def rate_condition(
        self: DistrictSession, condition_id: str, state: str | None, note: str | None = None
    ):
        if self._round_id is None:
            raise InputError(
                "Add a round first (Round ▸ Add round…); conditions belong to a round."
            )
        event, change = ops.rate_condition(
            self.workspace, self._round_id, condition_id, state, note, self.author
        )
        self._announce(change)
        return event

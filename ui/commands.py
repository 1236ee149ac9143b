"""Undoable commands that change the district model (never the widgets).

A rating change is a ``RateCommand``: its redo and undo each append a rating event
through the core (``Workspace.rate``), so the history in the store is complete and the
board is whatever the latest event says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from onpoint_desktop.errors import OnpointError

if TYPE_CHECKING:
    from ui.session import DistrictSession, Rating


class RateCommand(QUndoCommand):
    """Set one area's rating in one round; undo restores the previous level and note.

    The model writes the change before pushing the command, so the first ``redo`` (which
    ``QUndoStack.push`` calls) does nothing.
    """

    def __init__(
        self,
        model: DistrictSession,
        round_id: str,
        area_id: str,
        before: Rating,
        after: Rating,
        text: str,
    ) -> None:
        super().__init__(text)
        self.model = model
        self.round_id = round_id
        self.area_id = area_id
        self.before = before
        self.after = after
        self._skip_redo = True  # the model already wrote it

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._write(self.after)

    def undo(self) -> None:
        self._write(self.before)

    def _write(self, rating: Rating) -> None:
        try:
            self.model.apply_rating(self.round_id, self.area_id, rating)
        except OnpointError as exc:
            self.model.report_failure(exc)

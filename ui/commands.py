"""Undoable commands that change the district (never the widgets), the Orange way.

A rating change is a ``RateCommand``. Its ``redo`` writes the new rating through the core
and its ``undo`` writes the previous one, each as a new rating event, so the history in
the store is complete. Pushing the command onto the undo stack is what performs the
change: there is one code path for do and redo, and nothing is written before the push.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from onpoint_desktop.errors import OnpointError


@dataclass(frozen=True)
class Rating:
    """What a tile shows: a level (None when unrated) and its evidence note."""

    level: int | None = None
    note: str | None = None
    kind: str | None = None  # "carried" (from the previous round, not yet confirmed) …

    @property
    def carried(self) -> bool:
        return self.kind == "carried"


class RatingTarget(Protocol):
    """What a rate command acts on (the district session)."""

    def apply_rating(
        self, round_id: str, area_id: str, rating: Rating, perspective: str = "expert"
    ) -> None: ...

    def report_failure(self, error: OnpointError) -> None: ...


def action_text(text: str) -> str:
    """``text`` for a menu or button, where a single "&" would mark a mnemonic."""
    return text.replace("&", "&&")


class WriteCommand(QUndoCommand):
    """An undoable change the Orange way: pushing the command performs it, ``redo``
    writes through the target (``forward``) and ``undo`` writes the state before
    (``backward``).

    When the core refuses the first write, the command makes itself obsolete (so the
    undo stack drops it) and keeps the error in ``refused`` for the caller to show. A
    refused undo or redo later on is reported to the target, which reloads its views.

    The command holds its target weakly: the target owns the undo stack that owns the
    command, and a reference cycle through Qt-owned objects is one the garbage collector
    may break in an order that deletes the commands twice.
    """

    def __init__(self, target: object, text: str) -> None:
        # Before the newline: the command's name; after it: the text of the Undo/Redo
        # actions, where "&" must be doubled to be shown ("Online & Offline…").
        super().__init__(f"{text}\n{action_text(text)}")
        self._target = weakref.ref(target)
        self.done_once = False
        self.refused: OnpointError | None = None

    @property
    def target(self):
        return self._target()

    def forward(self, target) -> None:
        raise NotImplementedError

    def backward(self, target) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        target = self.target
        if target is None:
            return
        try:
            self.forward(target)
        except OnpointError as exc:
            if not self.done_once:
                self.refused = exc
                self.setObsolete(True)
                return
            target.report_failure(exc)
        self.done_once = True

    def undo(self) -> None:
        target = self.target
        if target is None:
            return
        try:
            self.backward(target)
        except OnpointError as exc:
            target.report_failure(exc)


class ChangeCommand(WriteCommand):
    """Any other undoable change of the district: ``redo`` calls the target's method
    ``forward[0]`` with ``forward[1]``, ``undo`` calls ``backward`` likewise (confirming
    carried ratings, applying a plan, renaming, moving or deleting a round)."""

    def __init__(
        self,
        target: object,
        text: str,
        forward: tuple[str, tuple],
        backward: tuple[str, tuple],
    ) -> None:
        super().__init__(target, text)
        self.forward_step = forward
        self.backward_step = backward

    def forward(self, target) -> None:
        getattr(target, self.forward_step[0])(*self.forward_step[1])

    def backward(self, target) -> None:
        getattr(target, self.backward_step[0])(*self.backward_step[1])


class RateCommand(WriteCommand):
    """Set one area's rating in one round; undo restores the previous level and note."""

    def __init__(
        self,
        target: RatingTarget,
        round_id: str,
        area_id: str,
        before: Rating,
        after: Rating,
        text: str,
        perspective: str = "expert",  # whose rating: the expert's or the district's own
    ) -> None:
        super().__init__(target, text)
        self.round_id = round_id
        self.area_id = area_id
        self.before = before
        self.after = after
        self.perspective = perspective

    def forward(self, target: RatingTarget) -> None:
        target.apply_rating(self.round_id, self.area_id, self.after, self.perspective)

    def backward(self, target: RatingTarget) -> None:
        target.apply_rating(self.round_id, self.area_id, self.before, self.perspective)

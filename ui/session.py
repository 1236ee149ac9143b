"""The Qt face of an open district workspace.

``DistrictSession`` owns the :class:`~onpoint_desktop.workspace.Workspace`, the round being
viewed and the undo stack. Views never write to the workspace themselves: they call the
model, which records the change through the core and emits a signal; every view redraws
from those signals. The score is always the core's (``Workspace.score``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from onpoint_desktop.benchmark import Benchmark
from onpoint_desktop.errors import InputError, OnpointError
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.response_rates import ResponseRates, response_rates
from onpoint_desktop.scoring import RoundScore
from onpoint_desktop.workspace import RatingEvent, Round, Workspace, default_author


@dataclass(frozen=True)
class Rating:
    """What a tile shows: a level (None when unrated) and its evidence note."""

    level: int | None = None
    note: str | None = None

    @classmethod
    def of(cls, event: RatingEvent | None) -> Rating:
        return cls(event.level, event.note) if event else cls()


class DistrictSession(QObject):
    """One open district: its workspace, the round on screen and the undo history."""

    ratingChanged = Signal(str)  # area id
    roundChanged = Signal(str)  # round id now on screen
    roundsChanged = Signal()  # a round was added
    surveysChanged = Signal()  # responses were imported into a round
    benchmarkChanged = Signal()  # a benchmark pack was imported: every score changes
    failed = Signal(str)  # a user-actionable error from an undo/redo

    def __init__(
        self, workspace: Workspace, round_id: str | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.author = default_author()
        self.undo_stack = QUndoStack(self)
        self._closed = False
        self._round_id: str | None = None
        self._board: dict[str, RatingEvent] = {}
        rounds = {r.id for r in workspace.rounds()}
        start = round_id if round_id in rounds else None
        latest = workspace.latest_round()
        self._show_round(start or (latest.id if latest else None))

    # --- identity and rounds ---------------------------------------------------------------

    @property
    def district_name(self) -> str:
        return self.workspace.district.name

    @property
    def path(self):
        return self.workspace.path

    def rounds(self) -> list[Round]:
        return self.workspace.rounds()

    @property
    def round_id(self) -> str | None:
        return self._round_id

    @property
    def current_round(self) -> Round | None:
        return self.workspace.get_round(self._round_id) if self._round_id else None

    def set_round(self, round_id: str) -> None:
        """Show another round (ratings, score and survey counts all follow)."""
        if round_id == self._round_id:
            return
        self.workspace.get_round(round_id)  # raises InputError for an unknown round
        self._show_round(round_id)
        self.roundChanged.emit(round_id)

    def _show_round(self, round_id: str | None) -> None:
        self._round_id = round_id
        self._board = self.workspace.board(round_id) if round_id else {}

    def add_round(self, round_id: str, stage: str, label: str | None = None) -> Round:
        """Add a round (one transaction) and switch to it."""
        new = self.workspace.add_round(round_id, stage, label)
        self.roundsChanged.emit()
        self.set_round(new.id)
        return new

    # --- ratings ---------------------------------------------------------------------------

    def rating(self, area_id: str) -> Rating:
        return Rating.of(self._board.get(area_id))

    def last_event(self, area_id: str) -> RatingEvent | None:
        """The event behind the tile (who set it and when), if rated."""
        return self._board.get(area_id)

    def set_rating(self, area_id: str, level: int | None, note: str | None = None) -> bool:
        """Rate an area in the current round as one undoable command.

        The change is written first; only when the core accepted it does the command go
        on the undo stack. Returns False when nothing changed. Raises ``OnpointError``
        (nothing written) when the core refuses it.
        """
        from ui.commands import RateCommand

        if self._round_id is None:
            raise InputError("Add a round first (Round ▸ Add round…); ratings belong to a round.")
        before = self.rating(area_id)
        kept_note = ((note or "").strip() or None) if level is not None else None
        after = Rating(level, kept_note)
        if after == before:
            return False
        self.apply_rating(self._round_id, area_id, after)
        label = self.workspace.framework.areas[area_id].label
        word = self.workspace.framework.level_label(level)
        self.undo_stack.push(
            RateCommand(self, self._round_id, area_id, before, after, f"{label}: {word}")
        )
        return True

    def set_level(self, area_id: str, level: int | None) -> bool:
        """Set or clear the level, keeping the evidence note when a level remains."""
        return self.set_rating(area_id, level, self.rating(area_id).note)

    def apply_rating(self, round_id: str, area_id: str, rating: Rating) -> None:
        """Append one rating event and redraw; used by commands for do, undo and redo."""
        self.workspace.rate(round_id, area_id, rating.level, rating.note, author=self.author)
        if round_id != self._round_id:
            self._show_round(round_id)
            self.roundChanged.emit(round_id)
            return
        self._board = self.workspace.board(round_id)
        self.ratingChanged.emit(area_id)

    def report_failure(self, error: OnpointError) -> None:
        """An undo/redo the core refused: reload from the store so views stay truthful."""
        self._show_round(self._round_id)
        self.roundChanged.emit(self._round_id or "")
        self.failed.emit(str(error))

    # --- score and surveys -----------------------------------------------------------------

    def score(self, round_id: str | None = None) -> RoundScore | None:
        """The core's score of a round (default: the one on screen); None without rounds."""
        rid = round_id or self._round_id
        return self.workspace.score(rid) if rid else None

    def scoring_model(self) -> ScoringModel:
        """The model of the round on screen (the one new rounds get, without rounds)."""
        ws = self.workspace
        return (
            ws.round_model(self._round_id) if self._round_id else ws.models.get(ws.current_model_id)
        )

    def benchmark(self) -> Benchmark:
        """The benchmark the round on screen is compared with."""
        return self.workspace.benchmark(self.scoring_model().id)

    def respondent_counts(self) -> dict[str, int]:
        return self.workspace.respondent_counts(self._round_id) if self._round_id else {}

    def response_rates(self) -> ResponseRates | None:
        """The core's response rates of the round on screen (None without rounds)."""
        return response_rates(self.workspace, self._round_id) if self._round_id else None

    def notify_surveys_changed(self) -> None:
        """Responses were written (possibly by another connection): redraw the score."""
        self.surveysChanged.emit()

    def import_benchmark_pack(self, path) -> Benchmark:
        """Use an HQ benchmark pack in this workspace (one transaction; the core refuses a
        bad pack with nothing changed); every score and band follows at once."""
        from onpoint_desktop.sync import import_pack

        benchmark = import_pack(self.workspace, path)
        self.benchmarkChanged.emit()
        return benchmark

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the workspace (idempotent). Everything is already saved."""
        if self._closed:
            return
        self._closed = True
        self.undo_stack.clear()
        self.workspace.close()

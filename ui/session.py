"""The Qt face of an open district workspace.

``DistrictSession`` owns the :class:`~onpoint_desktop.workspace.Workspace`, the round on
screen and the undo stack. Views never touch the workspace: they read what they show from
the session and ask it for changes. Every change goes through a core operation that
returns what it changed (:class:`~onpoint_desktop.changes.Changes`); the session emits
that value once on ``changed`` and each view redraws only what concerns it. The score is
always the core's (``Workspace.score``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from onpoint_desktop import changes as ops
from onpoint_desktop.benchmark import Benchmark
from onpoint_desktop.changes import Changes
from onpoint_desktop.errors import InputError, OnpointError
from onpoint_desktop.framework import Framework, Instrument, ScoringModel
from onpoint_desktop.response_rates import ResponseRates, response_rates
from onpoint_desktop.scoring import RoundScore
from onpoint_desktop.workspace import RatingEvent, Round, Workspace, default_author
from ui.commands import RateCommand, Rating
from ui.round_session import Preview, RoundHistory
from ui.visit_session import VisitRecords

__all__ = ["BOARD_VIEWS", "DistrictSession", "Preview", "Rating"]

# What the board shows (SPEC §12): the expert's ratings (the scored ones), the district
# team's own, or the gap (the expert's level with the district's beside it).
EXPERT, DISTRICT, GAP = "expert", "district", "gap"
BOARD_VIEWS = {EXPERT: "Expert", DISTRICT: "District", GAP: "Gap"}


def rating_of(event: RatingEvent | None) -> Rating:
    """What a tile shows of its latest event: a carried rating stays marked as carried
    (a confirmed one is shown as any other rating)."""
    if event is None:
        return Rating()
    return Rating(event.level, event.note, "carried" if event.carried else None)


def follow(old: DistrictSession | None, new: DistrictSession, slots: dict[str, Callable]) -> None:
    """Move a view from the session it showed (if any) to ``new``: ``slots`` maps the name
    of each session signal the view listens to (``"changed"``, ``"roundShown"``...) to the
    view's slot for it."""
    for signal, slot in slots.items():
        if old is not None:
            getattr(old, signal).disconnect(slot)
        getattr(new, signal).connect(slot)


class DistrictSession(RoundHistory, VisitRecords, QObject):
    """One open district: its workspace, the round on screen and the undo history."""

    changed = Signal(object)  # Changes: the one notification that the workspace changed
    roundShown = Signal(str)  # another round is on screen (nothing in the file changed)
    viewChanged = Signal(str)  # the board shows another perspective (BOARD_VIEWS)
    failed = Signal(str)  # a user-actionable error from an undo/redo
    compareShown = Signal(object)  # the round compared with (None: none); nothing changed
    previewChanged = Signal(object)  # a Preview of a rating being considered, or None

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
        self._district: dict[str, RatingEvent] = {}  # the district's own ratings
        self._view = EXPERT
        self._scores: dict[str, RoundScore] = {}
        # Response rates count stored responses (a scan of the round's rows): kept until
        # the round's responses change, so a rating repaints within a frame at 100,000.
        self._rates: dict[str, ResponseRates] = {}
        self._compare_id: str | None = None
        self._basis = None  # (round id, ScoreBasis) of the round on screen
        rounds = {r.id for r in workspace.rounds()}
        start = round_id if round_id in rounds else None
        latest = workspace.latest_round()
        self._show_round(start or (latest.id if latest else None))

    # --- what the district is ------------------------------------------------------------

    @property
    def district_name(self) -> str:
        return self.workspace.district.name

    @property
    def path(self) -> Path:
        return self.workspace.path

    @property
    def workspace_uuid(self) -> str:
        return self.workspace.workspace_uuid

    @property
    def framework(self) -> Framework:
        return self.workspace.framework

    def scoring_model(self, round_id: str | None = None) -> ScoringModel:
        """The model a round is scored with (default: the one on screen; without rounds,
        the one new rounds get)."""
        rid = round_id or self._round_id
        ws = self.workspace
        return ws.round_model(rid) if rid else ws.current_model

    def benchmark(self, round_id: str | None = None) -> Benchmark:
        """The benchmark a round (default: the one on screen) is compared with."""
        return self.model_benchmark(self.scoring_model(round_id))

    @property
    def current_model(self) -> ScoringModel:
        """The model new rounds are scored with."""
        return self.workspace.current_model

    def model_benchmark(self, model: ScoringModel) -> Benchmark:
        """The benchmark in use for ``model`` (its latest imported pack, else its default)."""
        return self.workspace.benchmark(model.id)

    def previous_benchmark(self, round_id: str | None = None) -> Benchmark | None:
        """The benchmark a round's model was compared with before its latest pack (None
        while no pack was imported): the trend can show both."""
        return self.workspace.previous_benchmark(self.scoring_model(round_id).id)

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    @property
    def read_only_notice(self) -> str | None:
        return self.workspace.read_only_notice

    @property
    def calibration_case(self):
        """The calibration case this workspace holds (``CaseInfo``), or None."""
        return self.workspace.calibration_case

    @property
    def district_locked(self) -> bool:
        """Whether the district itself cannot be changed here: a read-only file, or a
        calibration case (whose ratings alone are written)."""
        return self.read_only or self.calibration_case is not None

    @property
    def backup_problem(self) -> str | None:
        return self.workspace.backup_problem

    def clock_behind(self):
        """How far this computer's clock is behind the workspace's latest event, when it
        is behind by more than the core's tolerance (else None)."""
        return self.workspace.clock_behind()

    # --- rounds ----------------------------------------------------------------------------

    def rounds(self) -> list[Round]:
        return self.workspace.rounds()

    def round_label(self, rnd: Round) -> str:
        """e.g. "2024-25 · Year 1"."""
        return f"{rnd.label} · {self.framework.stage_label(rnd.stage)}"

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
        self.roundShown.emit(round_id)

    def step_round(self, step: int) -> bool:
        """Show the round ``step`` places later (earlier when negative); False at an end."""
        ids = [r.id for r in self.rounds()]
        if self._round_id not in ids:
            return False
        index = ids.index(self._round_id) + step
        if not 0 <= index < len(ids):
            return False
        self.set_round(ids[index])
        return True

    def _show_round(self, round_id: str | None) -> None:
        self._round_id = round_id
        self._board = self.workspace.board(round_id) if round_id else {}
        self._district = self.workspace.board(round_id, DISTRICT) if round_id else {}

    def add_round(
        self,
        round_id: str,
        stage: str,
        label: str | None = None,
        from_round: str | None = None,
    ) -> Round:
        """Add a round (one transaction) and switch to it; started from ``from_round``,
        its ratings come carried forward."""
        new, change = ops.add_round(self.workspace, round_id, stage, label, from_round=from_round)
        self._announce(change)
        self.set_round(new.id)
        return new

    # --- ratings ---------------------------------------------------------------------------

    @property
    def board_view(self) -> str:
        """What the board shows: ``expert``, ``district`` or ``gap`` (BOARD_VIEWS)."""
        return self._view

    def set_board_view(self, view: str) -> None:
        if view not in BOARD_VIEWS:
            raise InputError(f"Unknown board view '{view}'; use {', '.join(BOARD_VIEWS)}.")
        if view != self._view:
            self._view = view
            self.viewChanged.emit(view)

    @property
    def perspective(self) -> str:
        """Whose ratings the board's keys set: the district's own in the District view,
        else the expert's."""
        return DISTRICT if self._view == DISTRICT else EXPERT

    def _shown(self) -> dict[str, RatingEvent]:
        return self._district if self._view == DISTRICT else self._board

    def rating(self, area_id: str) -> Rating:
        """The rating a tile shows (the district's own in the District view)."""
        return rating_of(self._shown().get(area_id))

    def expert_rating(self, area_id: str) -> Rating:
        return rating_of(self._board.get(area_id))

    def district_rating(self, area_id: str) -> Rating:
        return rating_of(self._district.get(area_id))

    def last_event(self, area_id: str) -> RatingEvent | None:
        """The event behind the tile (who set it and when), if rated."""
        return self._shown().get(area_id)

    def rated_count(self) -> tuple[int, int]:
        """Focus areas rated in the round on screen (the expert's: the score's), and how
        many there are."""
        return len(self._board), len(self.framework.areas)

    def set_rating(self, area_id: str, level: int | None, note: str | None = None) -> bool:
        """Rate an area in the round on screen, as one undoable command.

        Pushing the command performs the change. Returns False when nothing would change.
        Raises ``OnpointError`` (nothing written, nothing on the undo stack) when the core
        refuses it.
        """
        if self._round_id is None:
            raise InputError("Add a round first (Round ▸ Add round…); ratings belong to a round.")
        self.workspace.check_area(area_id)  # an unknown area is refused, nothing pushed
        before = self.rating(area_id)
        kept_note = ((note or "").strip() or None) if level is not None else None
        after = Rating(level, kept_note)
        if after == before:
            return False
        label = self.framework.areas[area_id].label
        word = self.framework.level_label(level)
        whose = " (district's view)" if self.perspective == DISTRICT else ""
        command = RateCommand(
            self,
            self._round_id,
            area_id,
            before,
            after,
            f"{label}: {word}{whose}",
            self.perspective,
        )
        self.undo_stack.push(command)
        if command.refused is not None:
            raise command.refused
        return True

    def set_level(self, area_id: str, level: int | None) -> bool:
        """Set or clear the level, keeping the evidence note when a level remains."""
        return self.set_rating(area_id, level, self.rating(area_id).note)

    def apply_rating(
        self, round_id: str, area_id: str, rating: Rating, perspective: str = EXPERT
    ) -> None:
        """Append one rating event (a command's do, undo or redo) and announce it."""
        event, change = ops.rate(
            self.workspace,
            round_id,
            area_id,
            rating.level,
            rating.note,
            author=self.author,
            kind=rating.kind,
            perspective=perspective,
        )
        board = self._district if perspective == DISTRICT else self._board
        if round_id != self._round_id:
            self._show_round(round_id)
            self.roundShown.emit(round_id)
        elif event.level is None:
            board.pop(area_id, None)
        else:
            board[area_id] = event
        self._announce(change)

    def report_failure(self, error: OnpointError) -> None:
        """An undo/redo the core refused: reload from the store so views stay truthful."""
        self._show_round(self._round_id)
        self._announce(Changes(rounds=True))
        self.failed.emit(str(error))

    # --- score and surveys -----------------------------------------------------------------

    def score(self, round_id: str | None = None) -> RoundScore | None:
        """The core's score of a round (default: the one on screen); None without rounds."""
        rid = round_id or self._round_id
        if rid is None:
            return None
        cached = self._scores.get(rid)
        if cached is None:
            cached = self._scores[rid] = self.workspace.score(rid)
        return cached

    def respondents(self, round_id: str | None = None) -> dict[str, int]:
        """Respondents per role (with at least one valid answer) in a round, every role
        of the round's scoring model listed."""
        rid = round_id or self._round_id
        if rid is None:
            return {}
        aggregates = self.workspace.survey_aggregates(rid)
        return {role: aggregates.respondents(role) for role in self.scoring_model(rid).roles}

    def response_rates(self, round_id: str | None = None) -> ResponseRates | None:
        """The core's response rates of a round (default: the one on screen)."""
        rid = round_id or self._round_id
        if rid is None:
            return None
        cached = self._rates.get(rid)
        if cached is None:
            cached = self._rates[rid] = response_rates(self.workspace, rid)
        return cached

    def get_round(self, round_id: str) -> Round:
        return self.workspace.get_round(round_id)

    def survey_instruments(self, round_id: str) -> dict[str, Instrument]:
        """The survey instruments of a round's scoring model, by role."""
        return self.workspace.survey_instruments(round_id)

    def invitations(self, round_id: str) -> dict[tuple[str, str], int]:
        """How many were invited, by (role, school) (school "" for the whole round)."""
        return self.workspace.invitations(round_id)

    def notify_surveys_changed(self, round_id: str | None = None) -> None:
        """Responses were written (possibly by another connection) into ``round_id``
        (None: any round): redraw what depends on them."""
        self._announce(ops.responses_changes(round_id))

    def import_benchmark_pack(self, path) -> Benchmark:
        """Use an HQ benchmark pack in this workspace (one transaction; the core refuses a
        bad pack with nothing changed); every score and band follows at once."""
        benchmark, change = ops.import_benchmark_pack(self.workspace, path)
        self._announce(change)
        return benchmark

    def _announce(self, change: Changes) -> None:
        """Forget the scores the change touches, then tell every view once."""
        self._basis = None
        if change.rounds or change.benchmark:
            self._scores.clear()
        else:
            for rid in list(self._scores):
                if change.scores_of(rid):
                    del self._scores[rid]
        for rid in list(self._rates):
            if change.rounds or change.responses_of(rid):
                del self._rates[rid]
        self.changed.emit(change)

    # --- lifetime --------------------------------------------------------------------------

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

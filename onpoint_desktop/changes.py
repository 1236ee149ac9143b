"""What an operation changed, so every front-end redraws only what it shows (Anki's OpChanges).

Each operation a consultant performs on an open workspace returns a :class:`Changes`
value; the desktop app broadcasts it once and each view asks whether it concerns it
(``rated_areas`` for the board, ``scores_of`` for the score panel, ``any_score`` for the
trend). The operations themselves are the core's; the functions here only call them and
say what they touched, so the GUI never has to guess.

>>> change = rate_changes("2024-25", "pl_vision_alignment")
>>> change.scores_of("2024-25"), change.scores_of("2023-24"), change.rounds
(True, False, False)
>>> (change | Changes(benchmark=True)).scores_of("2023-24")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onpoint_desktop.benchmark import Benchmark
    from onpoint_desktop.workspace import RatingEvent, Round, Workspace

EVERY_ROUND = "*"  # in ``responses``: responses may have changed in any round


@dataclass(frozen=True)
class Changes:
    """The kinds of things one operation changed (all empty: nothing changed)."""

    rounds: bool = False  # rounds added, removed, renamed or moved to another stage
    ratings: frozenset[tuple[str, str]] = frozenset()  # (round id, area id) re-rated
    responses: frozenset[str] = frozenset()  # round ids (or EVERY_ROUND) with new responses
    benchmark: bool = False  # another benchmark is in use: every band and median moves
    actions: frozenset[str] = frozenset()  # round ids whose action plan changed
    # Round ids whose visit evidence changed (walkthroughs, the district's own ratings,
    # conditions for scale; SPEC §12). Evidence never moves a score.
    evidence: frozenset[str] = frozenset()

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            rounds=self.rounds or other.rounds,
            ratings=self.ratings | other.ratings,
            responses=self.responses | other.responses,
            benchmark=self.benchmark or other.benchmark,
            actions=self.actions | other.actions,
            evidence=self.evidence | other.evidence,
        )

    def __bool__(self) -> bool:
        return (
            self.rounds
            or bool(self.ratings)
            or bool(self.responses)
            or self.benchmark
            or bool(self.actions)
            or bool(self.evidence)
        )

    def actions_of(self, round_id: str | None) -> bool:
        """Whether the action plan of ``round_id`` may have changed."""
        return self.rounds or round_id in self.actions

    def evidence_of(self, round_id: str | None) -> bool:
        """Whether the visit evidence of ``round_id`` may have changed."""
        return self.rounds or round_id in self.evidence

    def rated_areas(self, round_id: str | None) -> frozenset[str]:
        """The areas whose rating changed in ``round_id``."""
        return frozenset(area for rnd, area in self.ratings if rnd == round_id)

    def responses_of(self, round_id: str | None) -> bool:
        return EVERY_ROUND in self.responses or round_id in self.responses

    def scores_of(self, round_id: str | None) -> bool:
        """Whether the score of ``round_id`` (or its benchmark band) may have moved."""
        return (
            self.rounds
            or self.benchmark
            or bool(self.rated_areas(round_id))
            or self.responses_of(round_id)
        )

    @property
    def any_score(self) -> bool:
        """Whether any round's score may have moved (what a trend across rounds shows)."""
        return self.rounds or self.benchmark or bool(self.ratings) or bool(self.responses)


def rate_changes(round_id: str, area_id: str) -> Changes:
    return Changes(ratings=frozenset({(round_id, area_id)}))


def responses_changes(round_id: str | None = None) -> Changes:
    """Responses were added to or removed from a round (None: possibly any round)."""
    return Changes(responses=frozenset({round_id or EVERY_ROUND}))


def rate(
    workspace: Workspace,
    round_id: str,
    area_id: str,
    level: int | None,
    note: str | None = None,
    author: str | None = None,
    perspective: str = "expert",
    *,
    kind: str | None = None,
) -> tuple[RatingEvent, Changes]:
    """Record a rating (``level`` None clears it) as one rating event; the event is the
    area's current rating from now on (it is the latest). ``kind``: "carried" or
    "confirmed" (SPEC §11), else None. The district's own rating (``perspective``
    "district", SPEC §12) is visit evidence: it moves no score."""
    event = workspace.rate(
        round_id, area_id, level, note, author=author, perspective=perspective, kind=kind
    )
    if perspective != "expert":
        return event, Changes(evidence=frozenset({round_id}))
    return event, rate_changes(round_id, area_id)


def add_walkthrough(workspace: Workspace, round_id: str, **observation) -> tuple[object, Changes]:
    """Record one observed classroom (``Workspace.add_walkthrough``'s fields)."""
    walkthrough = workspace.add_walkthrough(round_id, **observation)
    return walkthrough, Changes(evidence=frozenset({round_id}))


def rate_condition(
    workspace: Workspace,
    round_id: str,
    condition_id: str,
    state: str | None,
    note: str | None = None,
    author: str | None = None,
) -> tuple[object, Changes]:
    """Rate a condition for scale (``state`` None clears it)."""
    event = workspace.rate_condition(round_id, condition_id, state, note, author)
    return event, Changes(evidence=frozenset({round_id}))


def add_round(
    workspace: Workspace,
    round_id: str,
    stage: str,
    label: str | None = None,
    *,
    from_round: str | None = None,
) -> tuple[Round, Changes]:
    """Add a round (one transaction), started from ``from_round`` when given."""
    rnd = workspace.add_round(round_id, stage, label, from_round=from_round)
    carried = frozenset({rnd.id}) if from_round else frozenset()
    return rnd, Changes(rounds=True, actions=carried)


def rate_many(
    workspace: Workspace,
    round_id: str,
    ratings: dict[str, tuple[int | None, str | None, str | None]],
    author: str | None = None,
) -> tuple[dict[str, RatingEvent], Changes]:
    """Several ratings (area → level, note, kind) in one transaction: confirming carried
    ratings, applying a plan, or undoing either."""
    with workspace.transaction():
        events = {
            area: workspace.rate(round_id, area, level, note, author=author, kind=kind)
            for area, (level, note, kind) in ratings.items()
        }
    return events, Changes(ratings=frozenset((round_id, area) for area in ratings))


def change_round(workspace: Workspace, action: str, round_id: str, value: str | None) -> Changes:
    """Rename a round, move it to another stage, delete or restore it (one transaction,
    one round event each; ``action``: rename, set-stage, delete, restore)."""
    if action == "rename":
        workspace.rename_round(round_id, value or "")
    elif action == "set-stage":
        workspace.set_round_stage(round_id, value or "")
    elif action == "delete":
        workspace.delete_round(round_id)
    elif action == "restore":
        workspace.restore_round(round_id)
    else:
        raise ValueError(f"unknown round action {action!r}")
    return Changes(rounds=True)


def import_benchmark_pack(workspace: Workspace, path: Path) -> tuple[Benchmark, Changes]:
    """Use an HQ benchmark pack in the workspace (one transaction; refused with nothing
    changed when the pack is bad). Every score's band follows."""
    from onpoint_desktop.sync import import_pack

    return import_pack(workspace, Path(path)), Changes(benchmark=True)


def action_changes(round_id: str) -> Changes:
    return Changes(actions=frozenset({round_id}))

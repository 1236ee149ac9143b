"""Comparing two rounds of a district (SPEC §11 compare): which areas moved, by how many
levels, and how the total and each component's score moved.

>>> from onpoint_desktop.compare import level_change
>>> level_change(3, 2), level_change(2, 3), level_change(2, 2), level_change(2, None)
('▲', '▼', '', 'new')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from onpoint_desktop.errors import InputError
from onpoint_desktop.scoring import RoundScore

if TYPE_CHECKING:
    from onpoint_desktop.workspace.store import Workspace

UP, DOWN = "▲", "▼"


def level_change(now: int | None, then: int | None) -> str:
    """The mark of an area's change since the other round: ▲ up, ▼ down, '' the same,
    'new' rated now but not then, 'cleared' rated then but not now."""
    if now == then:
        return ""
    if then is None:
        return "new"
    if now is None:
        return "cleared"
    return UP if now > then else DOWN


@dataclass(frozen=True)
class AreaChange:
    area: str
    now: int | None
    then: int | None

    @property
    def mark(self) -> str:
        return level_change(self.now, self.then)


@dataclass(frozen=True)
class Comparison:
    """A round (``now``) beside another (``then``)."""

    now: RoundScore
    then: RoundScore
    areas: tuple[AreaChange, ...]  # only the areas whose level differs

    @staticmethod
    def delta(now: float | None, then: float | None) -> float | None:
        return None if now is None or then is None else now - then

    @property
    def total_delta(self) -> float | None:
        return self.delta(self.now.total, self.then.total)

    def component_delta(self, component_id: str) -> float | None:
        return self.delta(self.now.value(component_id), self.then.value(component_id))

    def to_json(self) -> dict[str, Any]:
        """The ``compare`` member of ``score --compare --json``."""
        return {
            "round": self.then.round,
            "stage": self.then.stage,
            "total": _round(self.then.total),
            "total_delta": _round(self.total_delta),
            "components": [
                {
                    "id": c.id,
                    "score": _round(self.then.value(c.id)),
                    "delta": _round(self.component_delta(c.id)),
                }
                for c in self.now.components
            ],
            "areas": [{"area": a.area, "from": a.then, "to": a.now} for a in self.areas],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def compare(
    now: RoundScore,
    then: RoundScore,
    levels_now: Mapping[str, int],
    levels_then: Mapping[str, int],
    area_order: tuple[str, ...],
) -> Comparison:
    """Set a round's score and board beside another's (areas in ``area_order``)."""
    changed = tuple(
        AreaChange(a, levels_now.get(a), levels_then.get(a))
        for a in area_order
        if levels_now.get(a) != levels_then.get(a)
    )
    return Comparison(now, then, changed)


def compare_rounds(ws: Workspace, round_id: str, other_id: str) -> Comparison:
    """Round ``round_id`` of a workspace beside round ``other_id``."""
    now, then = ws.score(round_id), ws.score(other_id)
    if now.round == then.round:
        raise InputError(f"Choose another round to compare {now.round} with.")
    areas = tuple(ws.framework.areas)
    return compare(now, then, ws.levels(now.round), ws.levels(then.round), areas)

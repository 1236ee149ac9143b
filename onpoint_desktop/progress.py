"""Changes between two rounds of a district, honest about incomplete rounds.

A change compares two scores; when either rests on part of its evidence (the core's
``provisional``), the change is not like for like and must be worded as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from onpoint_desktop.scoring import RoundScore

TOTAL = "total"


@dataclass(frozen=True)
class Change:
    """The total (``key == "total"``) or one component, before and after."""

    key: str
    name: str
    before: float
    after: float
    before_provisional: bool
    after_provisional: bool

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def like_for_like(self) -> bool:
        """Both scores rest on all their evidence, so the change is a change in the
        district, not in what was measured."""
        return not (self.before_provisional or self.after_provisional)


def total_change(previous: RoundScore, current: RoundScore) -> Change | None:
    """The change in the Onpoint score, when both rounds have one."""
    if previous.total is None or current.total is None:
        return None
    return Change(
        TOTAL,
        "Onpoint score",
        previous.total,
        current.total,
        previous.provisional,
        current.provisional,
    )


def component_changes(previous: RoundScore, current: RoundScore) -> tuple[Change, ...]:
    """Components scored in both rounds, largest change (either way) first; ties keep
    the model's order."""
    before = {c.id: c for c in previous.components}
    found = []
    for c in current.components:
        old = before.get(c.id)
        if old is None or old.score is None or c.score is None:
            continue
        found.append(Change(c.id, c.name, old.score, c.score, old.provisional, c.provisional))
    found.sort(key=lambda ch: -abs(ch.delta))
    return tuple(found)

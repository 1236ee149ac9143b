"""Changes between two rounds of a district, honest about incomplete rounds and about
uncertainty.

A change compares two scores; when either rests on part of its evidence (the core's
``provisional``), the change is not like for like and must be worded as such. A change
is *clear* only when its own 90% interval excludes zero (SPEC §13): the two rounds'
survey samples are independent, so the change's standard error is √(se₁² + se₂²); expert
ratings are fixed, so a change resting on them alone is clear whenever it is not zero.
``Change.clear`` is the one rule the score panel, the trend and the report call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from onpoint_desktop.scoring import RoundScore
from onpoint_desktop.uncertainty import Z90

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
    before_se: float | None = None  # standard errors of the two scores (None: unknown)
    after_se: float | None = None

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def se(self) -> float | None:
        """The standard error of the change (None when either score's is unknown)."""
        if self.before_se is None or self.after_se is None:
            return None
        return math.hypot(self.before_se, self.after_se)

    @property
    def interval(self) -> tuple[float, float] | None:
        """The change's 90% interval."""
        se = self.se
        return None if se is None else (self.delta - Z90 * se, self.delta + Z90 * se)

    @property
    def verdict(self) -> str:
        """The change's certainty in a few words, as every front-end says it."""
        if self.interval is None:
            return "margin of error unknown"
        if self.se == 0:
            return "exact: expert ratings only"
        return "a clear change" if self.clear else "within the margin of error"

    @property
    def clear(self) -> bool:
        """The change's 90% interval excludes zero: a change in the district, not noise in
        who answered the surveys. Never clear when its uncertainty is unknown."""
        found = self.interval
        return found is not None and (found[0] > 0 or found[1] < 0)

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
        previous.total_se,
        current.total_se,
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
        found.append(
            Change(c.id, c.name, old.score, c.score, old.provisional, c.provisional, old.se, c.se)
        )
    found.sort(key=lambda ch: -abs(ch.delta))
    return tuple(found)


def change_of(previous: RoundScore, current: RoundScore, key: str) -> Change | None:
    """The change of the total (``key="total"``) or of one component, when both rounds
    have a score for it."""
    if key == TOTAL:
        return total_change(previous, current)
    return next((c for c in component_changes(previous, current) if c.key == key), None)

"""Survey results item by item, and the gaps worth calling out (SPEC §1.4, §1.5).

Pure functions of the scoring model, the round's score and the answer counts of its
survey store (``Workspace.survey_answer_counts``). An item's answers are shown only when
at least ``min_n`` respondents of that role answered it: the same privacy rule that keeps
a role's sub-score out of the score below ``min_n``.

Items are reported as asked: a reverse-coded item (R) keeps its answers as given, so
agreeing with it counts against the component; scoring reverses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from onpoint_desktop.framework import Item, ScoringModel
from onpoint_desktop.scoring import RoundScore

# A difference between two parts of a component worth a reader's attention, in score
# points (200–1,000 scale): one eighth of the scale, half a step of the 5-point survey.
GAP_THRESHOLD_POINTS = 100.0

AnswerCounts = Mapping[str, Mapping[str, Mapping[int, int]]]  # role → item → value → n


@dataclass(frozen=True)
class ItemResult:
    """One item's answers from one role: counts per scale point, lowest first."""

    item: Item
    role: str
    scale: tuple[int, ...]  # the scale's values, lowest first
    counts: tuple[int, ...]  # respondents per value of ``scale``
    min_n: int

    @property
    def n(self) -> int:
        """Respondents who answered the item (missing answers left out)."""
        return sum(self.counts)

    @property
    def shown(self) -> bool:
        """Whether the item's answers may be shown (at least ``min_n`` answered)."""
        return self.n >= self.min_n

    @property
    def mean(self) -> float | None:
        """Mean answer as given (1–5), or None when not shown."""
        if not self.shown:
            return None
        return sum(v * c for v, c in zip(self.scale, self.counts, strict=True)) / self.n

    @property
    def agreeing(self) -> float | None:
        """Share (0–1) answering one of the top two points (Agree, Strongly agree), or
        None when not shown."""
        if not self.shown:
            return None
        return sum(self.counts[-2:]) / self.n

    @property
    def shares(self) -> tuple[float, ...] | None:
        """Share of each answer, lowest first, or None when not shown."""
        if not self.shown:
            return None
        return tuple(c / self.n for c in self.counts)


def item_results(model: ScoringModel, answers: AnswerCounts) -> dict[str, tuple[ItemResult, ...]]:
    """Every item of every role, grouped by component (model order; within a component,
    roles in model order and items in instrument order)."""
    grouped: dict[str, list[ItemResult]] = {c: [] for c in model.component_ids}
    for role in model.role_weights:
        instrument = model.instruments[role]
        scale = tuple(value for value, _ in instrument.scale)
        by_item = answers.get(role, {})
        for item in instrument.items:
            got = by_item.get(item.id, {})
            counts = tuple(int(got.get(value, 0)) for value in scale)
            grouped.setdefault(item.component, []).append(
                ItemResult(item, role, scale, counts, model.min_n)
            )
    return {c: tuple(results) for c, results in grouped.items()}


@dataclass(frozen=True)
class Gap:
    """Two parts of one component that differ by at least the threshold.

    ``kind`` is ``roles`` (teachers' part vs leaders' part) or ``sources`` (the expert
    part vs the survey part). ``first`` and ``second`` are on the 0–1 scale, in that
    order (teacher then leader; expert then survey).
    """

    component: str
    name: str
    kind: str
    first: float
    second: float
    points: float  # first − second, in score points

    @property
    def size(self) -> float:
        return abs(self.points)


def gaps(
    model: ScoringModel, score: RoundScore, threshold: float = GAP_THRESHOLD_POINTS
) -> tuple[Gap, ...]:
    """Teacher-vs-leader and expert-vs-survey differences of at least ``threshold``
    points, largest first. Only parts the score uses are compared (a role below
    ``min_n`` has no part)."""
    span = model.score_max - model.score_min
    found = []
    roles = list(model.role_weights)
    for c in score.components:
        pairs = []
        if len(roles) == 2:
            a, b = (c.role_survey.get(r) for r in roles)
            if a is not None and b is not None:
                pairs.append(("roles", a, b))
        if c.expert is not None and c.survey is not None:
            pairs.append(("sources", c.expert, c.survey))
        for kind, first, second in pairs:
            points = (first - second) * span
            if abs(points) >= threshold:
                found.append(Gap(c.id, c.name, kind, first, second, points))
    found.sort(key=lambda g: -g.size)
    return tuple(found)


def largest_disagreement(model: ScoringModel, score: RoundScore) -> Gap | None:
    """The component whose expert and survey parts differ most, whatever the size."""
    found = gaps(model, score, threshold=0.0)
    return next((g for g in found if g.kind == "sources"), None)

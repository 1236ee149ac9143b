"""What a rating would do, before it is written (SPEC §11 what-if).

:class:`ScoreBasis` holds what the score of one round rests on, prepared once: each
component's survey sub-score (from the round's aggregates) and the sum and count of its
rated areas' expert values. :meth:`ScoreBasis.what_if` then scores a hypothetical board
(some areas at other levels, or cleared) by adjusting those sums — the exact model of
SPEC §1.5, in a few microseconds, with no survey rescans and nothing written.

>>> from onpoint_desktop.model_catalogue import ModelCatalogue
>>> catalogue = ModelCatalogue()
>>> model = catalogue.get("onpoint-1")
>>> ops = dict.fromkeys(model.by_id["operations"].areas, 3)
>>> basis = ScoreBasis.of(model, catalogue.framework, ops, NO_SURVEYS)
>>> round(basis.total, 1)
733.3
>>> round(basis.what_if({next(iter(ops)): 4}).total, 1)
786.7
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from onpoint_desktop.framework import Framework, ScoringModel
from onpoint_desktop.scoring import survey_subscore
from onpoint_desktop.survey_aggregates import NO_SURVEYS, SurveyAggregates

__all__ = ["NO_SURVEYS", "ComponentBasis", "Outcome", "ScoreBasis"]


@dataclass(frozen=True)
class ComponentBasis:
    """One component's part of the score: its rated areas' expert values (sum, count),
    its survey sub-score, its weight."""

    id: str
    areas: tuple[str, ...]
    weight: float
    expert_sum: float
    rated: int
    survey: float | None

    def value(self, expert_sum: float, rated: int, alpha: float) -> float | None:
        """C_c for these expert sums (SPEC §1.5), None when unavailable."""
        expert = expert_sum / rated if rated else None
        if expert is not None and self.survey is not None:
            return alpha * expert + (1 - alpha) * self.survey
        return expert if expert is not None else self.survey


@dataclass(frozen=True)
class Outcome:
    """The score a (hypothetical) board gives: total and component scores (None:
    unavailable)."""

    total: float | None
    components: Mapping[str, float | None]


@dataclass(frozen=True)
class ScoreBasis:
    """What one round's score rests on; see the module docstring."""

    model: ScoringModel
    levels: Mapping[str, int]
    components: tuple[ComponentBasis, ...]
    top: int  # max_level - 1: the expert value of a level is (level - 1) / top

    @classmethod
    def of(
        cls,
        model: ScoringModel,
        framework: Framework,
        levels: Mapping[str, int],
        survey: SurveyAggregates,
    ) -> ScoreBasis:
        top = framework.max_level - 1
        parts = []
        for comp in model.components:
            rated = [levels[a] for a in comp.areas if levels.get(a)]
            parts.append(
                ComponentBasis(
                    id=comp.id,
                    areas=tuple(comp.areas),
                    weight=comp.weight,
                    expert_sum=sum((lvl - 1) / top for lvl in rated),
                    rated=len(rated),
                    survey=survey_subscore(model, survey, comp.id)[0],
                )
            )
        return cls(model, dict(levels), tuple(parts), top)

    def expert_value(self, level: int) -> float:
        return (level - 1) / self.top

    @property
    def outcome(self) -> Outcome:
        return self.what_if({})

    @property
    def total(self) -> float | None:
        return self.outcome.total

    def what_if(self, changes: Mapping[str, int | None]) -> Outcome:
        """The score if the areas in ``changes`` were at those levels (None: cleared)."""
        alpha = self.model.expert_weight
        weighted = weights = 0.0
        scores: dict[str, float | None] = {}
        for comp in self.components:
            expert_sum, rated = comp.expert_sum, comp.rated
            for area, level in changes.items():
                if area not in comp.areas:
                    continue
                old = self.levels.get(area)
                if old:
                    expert_sum -= self.expert_value(old)
                    rated -= 1
                if level:
                    expert_sum += self.expert_value(level)
                    rated += 1
            value = comp.value(expert_sum, rated, alpha)
            scores[comp.id] = None if value is None else self.model.to_score(value)
            if value is not None:
                weighted += comp.weight * value
                weights += comp.weight
        total = self.model.to_score(weighted / weights) if weights else None
        return Outcome(total, scores)

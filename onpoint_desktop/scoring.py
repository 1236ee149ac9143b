"""The Onpoint score (SPEC §1.5), as pure functions.

Inputs are the current board (area → level) and survey *aggregates* (per role and item:
count and raw sum of valid answers; per role and component: respondents with at least one
valid answer; per role and pair of items: the sums a covariance needs). Working from
aggregates keeps a recompute after a rating change at a few microseconds, whatever the
number of survey responses.

Uncertainty (SPEC §13). Every survey sub-score, component score and total carries a 90%
interval from an analytic standard error (``uncertainty``), computed from the same kept
aggregates (``survey_aggregates``): analytic rather than bootstrapped, so it costs the live
score nothing whatever the number of responses and gives the same interval every time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from onpoint_desktop.benchmark import TOTAL, Benchmark, Recommendation
from onpoint_desktop.framework import Framework, ScoringModel
from onpoint_desktop.survey_aggregates import (
    RoleAggregate,
    SurveyAggregates,
)
from onpoint_desktop.uncertainty import (
    combined_se,
    covariances_of,
    interval,
    role_subscore_se,
    total_se_of,
)


@dataclass(frozen=True)
class ComponentScore:
    id: str
    name: str
    score: float | None
    expert: float | None  # E_c, 0–1
    survey: float | None  # S_c, 0–1
    role_survey: Mapping[str, float | None]  # S_c,r where available (n ≥ min_n)
    role_n: Mapping[str, int]  # n_c,r, shown even below min_n
    areas_rated: int
    areas_total: int
    band: str | None = None
    median: float | None = None
    se: float | None = None  # standard error of the score (score scale; 0 for expert only)
    survey_se: float | None = None  # standard error of S_c (0–1)
    role_survey_se: Mapping[str, float | None] = field(default_factory=dict)  # of S_c,r
    score_range: tuple[float, float] = (0.0, 1.0)

    @property
    def ci(self) -> tuple[float, float] | None:
        """The score's 90% interval (None: no score, or no standard error known)."""
        return interval(self.score, self.se, *self.score_range)

    @property
    def ci_low(self) -> float | None:
        return self.ci[0] if self.ci else None

    @property
    def ci_high(self) -> float | None:
        return self.ci[1] if self.ci else None

    @property
    def survey_ci(self) -> tuple[float, float] | None:
        """S_c's 90% interval (0–1)."""
        return interval(self.survey, self.survey_se, 0.0, 1.0)

    def role_survey_ci(self, role: str) -> tuple[float, float] | None:
        """S_c,r's 90% interval (0–1)."""
        return interval(self.role_survey.get(role), self.role_survey_se.get(role), 0.0, 1.0)

    @property
    def n_teacher(self) -> int:
        return self.role_n.get("teacher", 0)

    @property
    def n_leader(self) -> int:
        return self.role_n.get("leader", 0)

    @property
    def status(self) -> str:
        """``complete``, ``expert-only``, ``survey-only`` or ``unavailable``."""
        if self.expert is not None and self.survey is not None:
            return "complete"
        if self.expert is not None:
            return "expert-only"
        if self.survey is not None:
            return "survey-only"
        return "unavailable"

    @property
    def held_back_roles(self) -> list[str]:
        """Roles that answered this component but were too few to be used (n < min_n)."""
        return [r for r, n in self.role_n.items() if n > 0 and self.role_survey.get(r) is None]

    @property
    def provisional(self) -> bool:
        """A score that rests on part of its evidence: one source only (expert ratings or
        surveys), or a role's answers set aside for too few respondents. The one
        definition the panel, charts, report and HQ use."""
        return self.score is not None and (self.status != "complete" or bool(self.held_back_roles))

    @property
    def delta(self) -> float | None:
        """Distance from the stage median (positive: above it)."""
        if self.score is None or self.median is None:
            return None
        return self.score - self.median


@dataclass(frozen=True)
class RoundScore:
    """The score of one round, with the scoring model and the benchmark it was made with
    (a front-end reads names, ``min_n``, the score range and the bands from here)."""

    model: ScoringModel
    stage: str
    total: float | None
    complete: bool
    components: tuple[ComponentScore, ...]
    strengths: tuple[str, ...]
    focus_areas: tuple[str, ...]
    total_band: str | None
    total_median: float | None
    benchmark: Benchmark
    district: str = ""
    round: str = ""
    total_se: float | None = None  # standard error of the total (score scale)

    @property
    def total_ci(self) -> tuple[float, float] | None:
        """The total's 90% interval (None: no total, or no standard error known)."""
        return interval(self.total, self.total_se, self.model.score_min, self.model.score_max)

    def se(self, key: str) -> float | None:
        """The standard error of the total (``key="total"``) or of a component's score."""
        if key == TOTAL:
            return self.total_se
        found = next((c for c in self.components if c.id == key), None)
        return found.se if found is not None else None

    def component(self, component_id: str) -> ComponentScore:
        return next(c for c in self.components if c.id == component_id)

    def value(self, key: str) -> float | None:
        """The score of the total (``key="total"``) or of a component; None when it is
        unavailable, or when the round's model has no such component (a trend across
        rounds scored with different models)."""
        if key == TOTAL:
            return self.total
        found = next((c for c in self.components if c.id == key), None)
        return found.score if found is not None else None

    @property
    def provisional(self) -> bool:
        """A total that exists but not every component has both expert and survey parts
        (SPEC §1.5 ``complete``): compare it with complete rounds only with that said."""
        return self.total is not None and not self.complete

    def to_json(self) -> dict[str, Any]:
        """The ``score --json`` object of SPEC §6."""
        return {
            "district": self.district,
            "round": self.round,
            "stage": self.stage,
            "model": self.model.id,
            "total": _round(self.total, 2),
            "total_ci": [round(v, 2) for v in self.total_ci] if self.total_ci else None,
            "complete": self.complete,
            "components": [
                {
                    "id": c.id,
                    "name": c.name,
                    "score": _round(c.score, 2),
                    "ci_low": _round(c.ci_low, 2),
                    "ci_high": _round(c.ci_high, 2),
                    "expert": _round(c.expert, 6),
                    "survey": _round(c.survey, 6),
                    "n_teacher": c.n_teacher,
                    "n_leader": c.n_leader,
                    "band": c.band,
                }
                for c in self.components
            ],
            "strengths": list(self.strengths),
            "focus_areas": list(self.focus_areas),
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def expert_subscore(
    model: ScoringModel, framework: Framework, ratings: Mapping[str, int], component_id: str
) -> tuple[float | None, int]:
    """E_c: mean of (level − 1) / (max − 1) over the rated areas of c, and how many are rated."""
    top = framework.max_level - 1
    values = [(ratings[a] - 1) / top for a in model.by_id[component_id].areas if ratings.get(a)]
    return _mean(values), len(values)


def role_subscore(
    model: ScoringModel, role: str, agg: RoleAggregate, component_id: str
) -> tuple[float | None, int]:
    """S_c,r and n_c,r. S_c,r is None when n_c,r < min_n (never shown or used)."""
    n = agg.component_n.get(component_id, 0)
    instrument = model.instruments[role]
    lo, hi = instrument.scale_min, instrument.scale_max
    values = []
    for item in model.items_of(role, component_id):
        stat = agg.items.get(item.id)
        if not stat or stat.n == 0:
            continue
        total = instrument.reverse_base * stat.n - stat.total if item.reverse else stat.total
        values.append((total / stat.n - lo) / (hi - lo))
    if n < model.min_n:
        return None, n
    return _mean(values), n


def survey_subscore(
    model: ScoringModel, survey: SurveyAggregates, component_id: str
) -> tuple[float | None, dict[str, float | None], dict[str, int]]:
    """S_c: role sub-scores weighted over the available roles."""
    role_scores: dict[str, float | None] = {}
    role_n: dict[str, int] = {}
    for role in model.role_weights:
        role_scores[role], role_n[role] = role_subscore(
            model, role, survey.role(role), component_id
        )
    available = {r: s for r, s in role_scores.items() if s is not None}
    if not available:
        return None, role_scores, role_n
    weight = sum(model.role_weights[r] for r in available)
    value = sum(model.role_weights[r] * s for r, s in available.items()) / weight
    return value, role_scores, role_n


def compute(
    model: ScoringModel,
    framework: Framework,
    ratings: Mapping[str, int],
    survey: SurveyAggregates,
    stage: str,
    benchmark: Benchmark,
    *,
    district: str = "",
    round_id: str = "",
) -> RoundScore:
    """The Onpoint score of one round, with bands against ``benchmark`` at ``stage``, and
    the 90% interval of every survey sub-score, component score and total."""
    alpha = model.expert_weight
    span = model.score_max - model.score_min
    covariances = {role: covariances_of(model, survey, role) for role in model.role_weights}
    parts = []
    weighted, weights = 0.0, 0.0
    # component id → role → the weight of S_c,r in the component's 0–1 value
    coefficients: dict[str, dict[str, float]] = {}
    for comp in model.components:
        expert, rated = expert_subscore(model, framework, ratings, comp.id)
        survey_value, role_scores, role_n = survey_subscore(model, survey, comp.id)
        if expert is not None and survey_value is not None:
            value: float | None = alpha * expert + (1 - alpha) * survey_value
        else:
            value = expert if expert is not None else survey_value
        score = model.to_score(value) if value is not None else None
        if value is not None:
            weighted += comp.weight * value
            weights += comp.weight
        used = {r: model.role_weights[r] for r, v in role_scores.items() if v is not None}
        share = (1 - alpha) if expert is not None else 1.0
        of_survey = {r: w / sum(used.values()) for r, w in used.items()}
        coefficients[comp.id] = {r: share * w for r, w in of_survey.items()}
        role_se = {r: role_subscore_se(covariances[r], comp.id, v) for r, v in role_scores.items()}
        survey_se = combined_se(of_survey, role_se)
        if survey_value is None:
            se = 0.0 if expert is not None else None
        else:
            se = None if survey_se is None else span * share * survey_se
        uncertainty = (se, survey_se, role_se)
        parts.append((comp, score, expert, survey_value, role_scores, role_n, rated, uncertainty))
    total = model.to_score(weighted / weights) if weights else None
    total_se = None
    if total is not None:
        total_se = total_se_of(model, coefficients, covariances, weights)
    against = compare(model, stage, {p[0].id: p[1] for p in parts}, total, benchmark)
    components = tuple(
        ComponentScore(
            id=comp.id,
            name=comp.name,
            score=score,
            expert=expert,
            survey=survey_value,
            role_survey=role_scores,
            role_n=role_n,
            areas_rated=rated,
            areas_total=len(comp.areas),
            band=against.bands[comp.id],
            median=against.medians[comp.id],
            se=uncertainty[0],
            survey_se=uncertainty[1],
            role_survey_se=uncertainty[2],
            score_range=(model.score_min, model.score_max),
        )
        for comp, score, expert, survey_value, role_scores, role_n, rated, uncertainty in parts
    )
    return RoundScore(
        model=model,
        stage=stage,
        total=total,
        complete=all(c.status == "complete" for c in components),
        components=components,
        strengths=against.strengths,
        focus_areas=against.focus_areas,
        total_band=against.total_band,
        total_median=against.total_median,
        benchmark=benchmark,
        district=district,
        round=round_id,
        total_se=total_se,
    )


@dataclass(frozen=True)
class Comparison:
    """Where a round's scores stand against a benchmark at the round's stage."""

    bands: Mapping[str, str | None]  # component id → below / within / above (None: no band)
    medians: Mapping[str, float | None]  # component id → the stage median
    strengths: tuple[str, ...]
    focus_areas: tuple[str, ...]
    total_band: str | None
    total_median: float | None


def compare(
    model: ScoringModel,
    stage: str,
    scores: Mapping[str, float | None],
    total: float | None,
    benchmark: Benchmark,
) -> Comparison:
    """Bands, medians, strengths and focus areas of scores (component id → score) against
    ``benchmark`` at ``stage``: the part of a score that changes with the benchmark (HQ
    keeps the rest, and compares it again when it builds a new benchmark pack)."""
    bands: dict[str, str | None] = {}
    medians: dict[str, float | None] = {}
    placed = []
    at_stage = benchmark.stages.get(stage)  # once: HQ compares 39,000 rounds at a time
    for comp in model.components:
        pct = at_stage.of(comp.id) if at_stage else None
        score = scores.get(comp.id)
        bands[comp.id] = pct.band(score) if pct else None
        medians[comp.id] = pct.p50 if pct else None
        if pct is not None and score is not None:
            placed.append(_Placed(comp.id, score - pct.p50))
    strengths, focus = highlights(placed, model.highlights)
    total_pct = at_stage.of(TOTAL) if at_stage else None
    return Comparison(
        bands,
        medians,
        strengths,
        focus,
        total_pct.band(total) if total_pct else None,
        total_pct.p50 if total_pct else None,
    )


class _Placed(NamedTuple):
    id: str
    delta: float


def highlights(components: Sequence[Any], count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Strengths: up to ``count`` components furthest above their stage median.
    Focus areas: up to ``count`` furthest below it. Ties go to framework order.
    (``components``: anything with an ``id`` and a ``delta`` from the median, or None.)"""
    scored = [c for c in components if c.delta is not None]
    above = sorted((c for c in scored if c.delta > 0), key=lambda c: -c.delta)
    below = sorted((c for c in scored if c.delta < 0), key=lambda c: c.delta)
    return tuple(c.id for c in above[:count]), tuple(c.id for c in below[:count])


def recommendations_for(score: RoundScore) -> dict[str, list[tuple[str, Recommendation]]]:
    """Texts from the round's model's recommendation set for its strengths and focus areas."""
    library = score.model.recommendations
    out: dict[str, list[tuple[str, Recommendation]]] = {"strengths": [], "focus_areas": []}
    for kind in out:
        for cid in getattr(score, kind):
            comp = score.component(cid)
            rec = library.lookup(cid, comp.band, score.stage)
            if rec is not None:
                out[kind].append((cid, rec))
    return out

"""What goes into a report, gathered from the workspace once.

Everything here is computed by the core (``Workspace.score``, ``school_breakdown``,
``board``, the benchmark and the recommendation library); the report only lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from onpoint_desktop.benchmark import (
    Benchmark,
    Percentiles,
    Recommendation,
    RecommendationLibrary,
    StageBenchmark,
)
from onpoint_desktop.breakdown import SchoolBreakdown
from onpoint_desktop.framework import Framework, ScoringModel
from onpoint_desktop.scoring import ComponentScore, RoundScore, recommendations_for
from onpoint_desktop.workspace import RatingEvent, Round, Workspace


@dataclass(frozen=True)
class RoundResult:
    """One round of the district with its score (against its own stage's benchmark)."""

    round: Round
    score: RoundScore


@dataclass(frozen=True)
class Highlight:
    """A component named as a strength or focus area, with its recommendation."""

    component: ComponentScore
    recommendation: Recommendation | None


@dataclass(frozen=True)
class Highlights:
    """Strengths or focus areas. When none qualify, ``nearest`` names the components
    closest to the median on that side, so the report can still say where to look."""

    named: tuple[Highlight, ...]
    nearest: tuple[Highlight, ...]


@dataclass(frozen=True)
class ReportContent:
    district: str
    round: Round
    stage_label: str
    report_date: date
    consultant: str
    model: ScoringModel
    framework: Framework
    benchmark: Benchmark
    score: RoundScore
    history: tuple[RoundResult, ...]  # rounds up to and including this one, oldest first
    board: Mapping[str, RatingEvent]  # area id → current rating event
    breakdown: SchoolBreakdown
    respondents: Mapping[str, int]  # role → respondents with at least one valid answer
    strengths: Highlights
    focus_areas: Highlights

    @property
    def previous(self) -> RoundResult | None:
        return self.history[-2] if len(self.history) > 1 else None

    @property
    def stage_benchmark(self) -> StageBenchmark | None:
        return self.benchmark.stages.get(self.round.stage)

    def percentiles(self, key: str, stage: str | None = None) -> Percentiles | None:
        """Benchmark percentiles of the total (``"total"``) or a component at a stage."""
        return self.benchmark.percentiles(stage or self.round.stage, key)

    def stage_label_of(self, stage: str) -> str:
        return self.framework.stage_label(stage)


def gather(
    ws: Workspace, round_id: str, *, consultant: str | None = None, today: date | None = None
) -> ReportContent:
    """Collect everything the report shows for ``round_id`` (which must exist)."""
    from onpoint_desktop.workspace import default_author

    rnd = ws.get_round(round_id)
    history = tuple(
        RoundResult(r, ws.score(r.id)) for r in ws.rounds() if r.position <= rnd.position
    )
    score = history[-1].score
    aggregates = ws.survey_aggregates(rnd.id)
    model = score.model  # the round's own scoring model
    library = model.recommendations
    recs = recommendations_for(score)
    count = model.highlights
    return ReportContent(
        district=ws.district.name,
        round=rnd,
        stage_label=ws.framework.stage_label(rnd.stage),
        report_date=today or date.today(),
        consultant=(consultant or "").strip() or default_author(),
        model=model,
        framework=ws.framework,
        benchmark=score.benchmark,
        score=score,
        history=history,
        board=ws.board(rnd.id),
        breakdown=ws.school_breakdown(rnd.id),
        respondents={r: aggregates.respondents(r) for r in model.roles},
        strengths=_highlights(score, recs["strengths"], library, count, above=True),
        focus_areas=_highlights(score, recs["focus_areas"], library, count, above=False),
    )


def _highlights(
    score: RoundScore,
    named: list[tuple[str, Recommendation]],
    library: RecommendationLibrary,
    count: int,
    *,
    above: bool,
) -> Highlights:
    by_id = dict(named)
    ids = score.strengths if above else score.focus_areas
    chosen = tuple(Highlight(score.component(c), by_id.get(c)) for c in ids)
    if chosen:
        return Highlights(chosen, ())
    # None on this side of the median: name those closest to it (not already named on
    # the other side), so the reader still learns where to look next.
    other = set(score.focus_areas if above else score.strengths)
    scored = [c for c in score.components if c.delta is not None and c.id not in other]
    scored.sort(key=lambda c: abs(c.delta))
    nearest = tuple(Highlight(c, library.lookup(c.id, c.band, score.stage)) for c in scored[:count])
    return Highlights((), nearest)

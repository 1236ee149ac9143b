"""What goes into a report, gathered from the workspace once.

Everything here is computed by the core (``Workspace.score``, ``school_breakdown``,
``board``, item results, gaps, landmarks, the benchmark and the recommendation library);
the report only lays it out. Strengths and focus areas are exactly the core's (the
``score --json`` lists), never recomputed here. Text that came from people (names,
labels, evidence notes) is cleaned once, here, of what a Word file cannot hold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone

from onpoint_desktop.benchmark import Benchmark, Percentiles, Recommendation, StageBenchmark
from onpoint_desktop.breakdown import SchoolBreakdown
from onpoint_desktop.framework import FocusArea, Framework, ScoringModel
from onpoint_desktop.landmarks import LandmarkReading, read_landmarks
from onpoint_desktop.report.text import clean
from onpoint_desktop.report.visit_content import VisitEvidence, gather_visit
from onpoint_desktop.response_rates import ResponseRates, response_rates
from onpoint_desktop.scoring import ComponentScore, RoundScore, recommendations_for
from onpoint_desktop.survey_results import Gap, ItemResult, gaps, item_results
from onpoint_desktop.workspace import RatingEvent, Round, Workspace
from onpoint_desktop.workspace.actions import Action, action_changes


@dataclass(frozen=True)
class RoundResult:
    """One round of the district with its score (against its own stage's benchmark)."""

    round: Round
    score: RoundScore


@dataclass(frozen=True)
class Evidence:
    """An evidence note the district's consultant recorded on a focus area."""

    area: FocusArea
    event: RatingEvent


@dataclass(frozen=True)
class Highlight:
    """A component the core names a strength or focus area, with its recommendation
    and the district's own evidence notes on its focus areas (most telling first)."""

    component: ComponentScore
    recommendation: Recommendation | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ReportContent:
    district: str
    round: Round
    stage_label: str
    report_date: date
    written_at: datetime  # UTC, for the document's created/modified properties
    consultant: str
    model: ScoringModel
    framework: Framework
    benchmark: Benchmark
    score: RoundScore
    history: tuple[RoundResult, ...]  # rounds up to and including this one, oldest first
    board: Mapping[str, RatingEvent]  # area id → current rating event (text cleaned)
    breakdown: SchoolBreakdown
    respondents: Mapping[str, int]  # role → respondents with at least one valid answer
    strengths: tuple[Highlight, ...]  # the core's strengths, in its order
    focus_areas: tuple[Highlight, ...]  # the core's focus areas, in its order
    items: Mapping[str, tuple[ItemResult, ...]]  # component → item results
    gaps: tuple[Gap, ...]  # teacher/leader and expert/survey gaps over the threshold
    landmarks: tuple[LandmarkReading, ...]
    response_rates: ResponseRates  # known when the numbers invited were recorded
    actions: tuple[Action, ...] = ()  # the round's action plan (text cleaned)
    action_changes: Mapping[str, str] = dataclasses.field(default_factory=dict)  # id → words
    closed_before: tuple[Action, ...] = ()  # the previous round's actions done or dropped
    visit: VisitEvidence | None = None  # walkthroughs, district view, conditions (SPEC §12)

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

    def evidence_of(self, component_id: str) -> tuple[Evidence, ...]:
        """Notes on the component's focus areas, in framework order."""
        areas = self.model.by_id[component_id].areas
        return tuple(
            Evidence(self.framework.areas[a], self.board[a])
            for a in areas
            if a in self.board and self.board[a].note
        )


def gather(
    ws: Workspace, round_id: str, *, consultant: str | None = None, today: date | None = None
) -> ReportContent:
    """Collect everything the report shows for ``round_id`` (which must exist)."""
    from onpoint_desktop.preferences import consultant_name

    rnd = _clean_round(ws.get_round(round_id))
    history = tuple(
        RoundResult(_clean_round(r), ws.score(r.id))
        for r in ws.rounds()
        if r.position <= rnd.position
    )
    score = history[-1].score
    board = {
        area: dataclasses.replace(e, note=clean(e.note) or None, author=clean(e.author))
        for area, e in ws.board(rnd.id).items()
    }
    aggregates = ws.survey_aggregates(rnd.id)
    model = score.model  # the round's own scoring model, and its benchmark
    now = datetime.now(timezone.utc).replace(microsecond=0)
    content = ReportContent(
        district=clean(ws.district.name),
        round=rnd,
        stage_label=ws.framework.stage_label(rnd.stage),
        report_date=today or now.date(),
        written_at=now,
        consultant=clean(consultant_name(consultant, fallback=_rater(board))),
        model=model,
        framework=ws.framework,
        benchmark=score.benchmark,
        score=score,
        history=history,
        board=board,
        breakdown=ws.school_breakdown(rnd.id),
        respondents={r: aggregates.respondents(r) for r in model.roles},
        strengths=(),
        focus_areas=(),
        items=item_results(model, ws.survey_answer_counts(rnd.id)),
        gaps=gaps(model, score),
        landmarks=read_landmarks(
            score.benchmark, ws.framework, [(r.round.label, r.score) for r in history]
        ),
        response_rates=response_rates(ws, rnd.id),
        visit=gather_visit(ws, rnd.id),
    )
    recs = recommendations_for(score)
    previous = history[-2].round.id if len(history) > 1 else None
    return dataclasses.replace(
        content,
        actions=tuple(_clean_action(a) for a in ws.actions(rnd.id)),
        action_changes=action_changes(ws, rnd.id),
        closed_before=tuple(
            _clean_action(a) for a in (ws.actions(previous) if previous else []) if not a.is_open
        ),
        strengths=_highlights(content, score.strengths, dict(recs["strengths"]), top=True),
        focus_areas=_highlights(content, score.focus_areas, dict(recs["focus_areas"]), top=False),
    )


def _clean_action(action: Action) -> Action:
    return dataclasses.replace(
        action,
        title=clean(action.title),
        owner=clean(action.owner) or None if action.owner else None,
        note=clean(action.note) or None if action.note else None,
    )


def _clean_round(rnd: Round) -> Round:
    return dataclasses.replace(rnd, label=clean(rnd.label))


def _rater(board: Mapping[str, RatingEvent]) -> str | None:
    """Who recorded most of the round's current ratings (the consultant of the visit)."""
    authors: dict[str, int] = {}
    for event in board.values():
        if event.author:
            authors[event.author] = authors.get(event.author, 0) + 1
    return max(authors, key=lambda a: authors[a]) if authors else None


def _highlights(
    content: ReportContent,
    ids: tuple[str, ...],
    recs: Mapping[str, Recommendation],
    *,
    top: bool,
) -> tuple[Highlight, ...]:
    """The core's list, each with its recommendation and its evidence: for a focus
    area the notes of its lowest-rated areas first, for a strength its highest."""
    chosen = []
    for cid in ids:
        notes = sorted(
            content.evidence_of(cid),
            key=lambda e: (e.event.level or 0) * (-1 if top else 1),
        )
        chosen.append(Highlight(content.score.component(cid), recs.get(cid), tuple(notes)))
    return tuple(chosen)

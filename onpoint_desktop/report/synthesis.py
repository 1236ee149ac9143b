"""The synthesis of page 2, in plain words: the three facts that matter most in the
round, each with its number; the next steps.

Facts, in order of preference: the largest change since the previous round, the largest
disagreement between the expert ratings and the surveys, and a landmark of the journey
(``onpoint_desktop.landmarks``) where the district departs most from the benchmark's
pattern. A round that lacks one of them (a first round, one source only) falls back on
the component furthest from its median and the widest teacher/leader gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from onpoint_desktop.english import counted
from onpoint_desktop.landmarks import LandmarkReading
from onpoint_desktop.progress import Change, component_changes, total_change
from onpoint_desktop.report.content import Highlight, ReportContent
from onpoint_desktop.report.wording import (
    benchmark_words,
    median_words,
    not_like_for_like,
    percent,
    points,
    round_name,
    score_text,
    whole,
)
from onpoint_desktop.survey_results import largest_disagreement

FACTS = 3
QUOTE_CHARS = 240  # an evidence note quoted on page 2 is cut at a word near this length


@dataclass(frozen=True)
class Fact:
    lead: str  # a short bold opening, carrying the number
    text: str  # the explanation


@dataclass(frozen=True)
class NextStep:
    """One row of the next-steps table: a proposed action from a recommendation (or,
    once the district has an action plan, one of its actions)."""

    action: str
    component: str
    why: str
    owner: str
    due: str
    status: str
    from_plan: bool = False  # one of the district's own actions, not a proposal


def signed(delta: float) -> str:
    return f"{'+' if delta >= 0 else '−'}{abs(delta):,.0f}"


def moved(delta: float) -> str:
    if abs(delta) < 0.05:
        return "did not move"
    return f"{'rose' if delta > 0 else 'fell'} {abs(delta):,.1f} points"


def certainty(change: Change, *, short: bool = False) -> str:
    """Whether a change is clear (``Change.clear``: its 90% interval excludes zero), in
    words (``Change.verdict``), with the interval."""
    found = change.interval
    if found is None or change.se == 0:
        if short:
            return change.verdict
        return "" if found is None else "The change rests on expert ratings alone."
    span = f"90% interval of the change {signed(found[0])} to {signed(found[1])} points"
    if short:
        return f"{change.verdict}; {span}"
    if change.clear:
        return f"It is a clear change ({span})."
    return (
        f"It is within the margin of error ({span}): other respondents could have given "
        "no change at all."
    )


def _bm_step(content: ReportContent, key: str, before_stage: str, after_stage: str):
    then = content.percentiles(key, before_stage)
    now = content.percentiles(key, after_stage)
    return None if then is None or now is None else now.p50 - then.p50


def change_fact(content: ReportContent) -> tuple[Fact, str] | None:
    """The largest component change since the previous round (with the total's), and
    the id of that component."""
    prev = content.previous
    if prev is None:
        return None
    changes = component_changes(prev.score, content.score)
    if not changes:
        return None
    top: Change = changes[0]
    label, before = content.round.label, prev.round.label
    lead = f"{top.name} {moved(top.delta)} since {before}"
    text = (
        f"{top.name} went from {score_text(top.before)} in {round_name(content, prev)} to "
        f"{score_text(top.after)} in {label}, the largest change of any component."
    )
    step = _bm_step(content, top.key, prev.round.stage, content.round.stage)
    if step is not None and prev.round.stage != content.round.stage:
        text += (
            f" From {content.stage_label_of(prev.round.stage)} to {content.stage_label}, its "
            f"median in {benchmark_words(content)} {'rises' if step >= 0 else 'falls'} by "
            f"{abs(step):,.0f} points."
        )
    said = certainty(top)
    text += f" {said}" if said else ""
    if top.interval is not None and not top.clear and top.delta:
        lead += ", within the margin of error"
    total = total_change(prev.score, content.score)
    if total is not None:
        text += f" The Onpoint score as a whole {moved(total.delta)}"
        text += f" ({certainty(total, short=True)})." if total.delta else "."
    if not top.like_for_like:
        text += " " + not_like_for_like(top, before, label)
    elif total is not None and not total.like_for_like:
        text += " " + not_like_for_like(total, before, label)
    reading = next((r for r in content.landmarks if r.landmark.component == top.key), None)
    if reading is not None and reading.holds and content.round.stage in reading.landmark.stages:
        text += " " + landmark_benchmark_sentence(content, reading)
        early = early_stall(content, reading)
        if early:
            text += " " + early
    return Fact(lead + ".", text), top.key


def disagreement_fact(content: ReportContent) -> tuple[Fact, str] | None:
    gap = largest_disagreement(content.model, content.score)
    if gap is None or gap.size < 0.5:
        return None
    model = content.model
    expert, survey = model.to_score(gap.first), model.to_score(gap.second)
    if gap.points < 0:
        reading = "teachers and leaders describe it more favourably than the consultant rated it"
    else:
        reading = "the consultant rated it more favourably than teachers and leaders describe it"
    return (
        Fact(
            f"Expert ratings and surveys differ by {whole(gap.size)} points on {gap.name}.",
            f"The expert part of {gap.name} is {score_text(expert)} and the survey part "
            f"{score_text(survey)}: {reading}. The component's score ({score_text(expert)} "
            f"and {score_text(survey)} averaged) hides this difference, so it is worth "
            "discussing with the district.",
        ),
        gap.component,
    )


def landmark_benchmark_sentence(content: ReportContent, reading: LandmarkReading) -> str:
    """What the benchmark in use shows for the landmark, with its numbers."""
    bm = benchmark_words(content)
    name = content.model.by_id[reading.landmark.component].name
    stages = [content.stage_label_of(s) for s, _ in reading.medians]
    medians = [m for _, m in reading.medians]
    pattern = reading.landmark.pattern
    if pattern == "front_loaded":
        return (
            f"In {bm}, {percent(reading.front_share or 0)} of the growth in {name} from "
            f"{stages[0]} to {stages[-1]} comes by {stages[1]} (median {whole(medians[0])} → "
            f"{whole(medians[1])})."
        )
    if pattern == "levels_off":
        return (
            f"In {bm}, {name} levels off after {stages[-2]} (median {whole(medians[-2])} at "
            f"{stages[-2]}, {whole(medians[-1])} at {stages[-1]})."
        )
    steps = ", ".join(signed(s) for s in reading.steps)
    if pattern == "fastest_at_outset":
        return (
            f"In {bm}, {name} grows fastest at the outset: its median moves {steps} points "
            f"from one stage to the next, {stages[0]} to {stages[-1]}."
        )
    return f"In {bm}, {name} grows steadily: its median moves {steps} points a stage."


def early_stall(content: ReportContent, reading: LandmarkReading) -> str | None:
    """For a levelling-off landmark: the district's component fell before the stage at
    which the benchmark levels off."""
    step = reading.latest_step
    if reading.landmark.pattern != "levels_off" or step is None or len(reading.medians) < 3:
        return None
    a, b = step
    stages = [s for s, _ in reading.medians]
    flat_from = stages[-2]
    if b.score < a.score and b.stage in stages and stages.index(b.stage) <= stages.index(flat_from):
        name = content.model.by_id[reading.landmark.component].name
        return (
            f"The district's {name} has not waited for that: it is already falling by "
            f"{content.stage_label_of(b.stage)}."
        )
    return None


def median_noun(content: ReportContent) -> str:
    return "the illustrative median" if content.benchmark.illustrative else "the benchmark median"


def landmark_district_sentence(content: ReportContent, reading: LandmarkReading) -> str | None:
    """What the district's own rounds show for the landmark's component."""
    points_ = reading.district
    name = content.model.by_id[reading.landmark.component].name
    if reading.landmark.pattern == "front_loaded":
        first, second = (s for s, _ in reading.medians[:2])
        at_first = [p for p in points_ if p.stage == first]
        at_second = [p for p in points_ if p.stage == second]
        latest = points_[-1] if points_ else None
        if at_first and at_second and latest and latest.stage not in (first, second):
            early = at_second[-1].score - at_first[0].score
            overall = latest.score - at_first[0].score
            if 0 < early <= overall:  # a share of growth; a later fall makes it meaningless
                return (
                    f"The district's {name} rose {whole(early)} points from "
                    f"{content.stage_label_of(first)} to {content.stage_label_of(second)}: "
                    f"{percent(early / overall)} of its growth to date "
                    f"({whole(early)} of {whole(overall)} points)."
                )
    step = reading.latest_step
    if step is None:
        if not points_:
            return None
        last = points_[-1]
        return f"The district's {name} is {score_text(last.score)} in {last.round_label}."
    a, b = step
    text = (
        f"The district's {name} {moved(b.score - a.score)} from {a.round_label} to {b.round_label}"
    )
    bm_step = _bm_step(content, reading.landmark.component, a.stage, b.stage)
    if bm_step is not None and a.stage != b.stage:
        text += f", against {signed(bm_step)} for {median_noun(content)}"
    if a.provisional or b.provisional:
        text += " (one of the two scores is provisional, so compare with care)"
    return text + "."


def landmark_relevance(content: ReportContent, reading: LandmarkReading) -> float:
    """How far the district's latest step departs from the benchmark's over the same
    stages (0 when it has no step to compare)."""
    step = reading.latest_step
    if step is None:
        return 0.0
    a, b = step
    expected = _bm_step(content, reading.landmark.component, a.stage, b.stage) or 0.0
    return abs((b.score - a.score) - expected)


def landmark_fact(content: ReportContent, exclude: set[str]) -> Fact | None:
    candidates = [
        r
        for r in content.landmarks
        if r.holds
        and content.round.stage in r.landmark.stages
        and r.landmark.component not in exclude
    ]
    if not candidates:
        return None
    best = max(candidates, key=lambda r: landmark_relevance(content, r))
    district = landmark_district_sentence(content, best)
    text = landmark_benchmark_sentence(content, best)
    if district:
        text += " " + district
    return Fact(f"Landmark: {best.landmark.title.lower()}.", f"{best.landmark.text} {text}")


def distance_fact(content: ReportContent, exclude: set[str]) -> Fact | None:
    scored = [c for c in content.score.components if c.delta is not None and c.id not in exclude]
    if not scored:
        return None
    far = max(scored, key=lambda c: abs(c.delta))
    side = "above" if far.delta > 0 else "below"
    return Fact(
        f"{far.name} is {abs(far.delta):,.0f} points {side} {median_words(content)}.",
        f"At {score_text(far.score)}, it is the component furthest from the median "
        f"({whole(far.median)}) in {content.round.label}.",
    )


def role_gap_fact(content: ReportContent, exclude: set[str]) -> Fact | None:
    gap = next((g for g in content.gaps if g.kind == "roles" and g.component not in exclude), None)
    if gap is None:
        return None
    model = content.model
    teacher, leader = model.to_score(gap.first), model.to_score(gap.second)
    higher = "Leaders" if gap.points < 0 else "Teachers"
    return Fact(
        f"Teachers and leaders differ by {whole(gap.size)} points on {gap.name}.",
        f"The teachers' part is {score_text(teacher)} and the leaders' part "
        f"{score_text(leader)}: {higher.lower()} see it more favourably.",
    )


def key_facts(content: ReportContent) -> list[Fact]:
    """Up to three facts, each with its number (none when nothing is scored)."""
    facts: list[Fact] = []
    used: set[str] = set()
    for build in (change_fact, disagreement_fact):
        found = build(content)
        if found is not None:
            facts.append(found[0])
            used.add(found[1])
    for build in (landmark_fact, role_gap_fact, distance_fact):
        if len(facts) >= FACTS:
            break
        fact = build(content, used)
        if fact is not None:
            facts.append(fact)
    return facts[:FACTS]


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """An evidence note as quoted on page 2: whole, or cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut} …"


def planned_steps(content: ReportContent) -> list[NextStep]:
    """The district's open actions of the round's action plan, as next steps (its own
    owner, due date and status; the Action plan section has the whole plan)."""
    from onpoint_desktop.report.action_plan import component_of
    from onpoint_desktop.report.text import day_text

    steps = []
    for action in content.actions:
        if not action.is_open:
            continue
        area = content.framework.areas.get(action.area_id or "")
        why = f"Action plan: {area.label}" if area else "Action plan"
        steps.append(
            NextStep(
                action.title,
                component_of(content, action),
                why,
                action.owner or "To be agreed",
                day_text(action.due) if action.due else "To be agreed",
                action.status.capitalize(),
                from_plan=True,
            )
        )
    return steps


def next_steps(content: ReportContent) -> list[NextStep]:
    """The district's open actions first (when it keeps an action plan), then proposed
    actions: what would complete the round's evidence, then the recommendation of each
    focus area and strength the plan does not already work on (the core's lists, in its
    order)."""
    steps = planned_steps(content)
    planned = {step.component for step in steps}
    unrated = [a for a in content.framework.areas if not _rated(content, a)]
    if unrated:
        steps.append(
            NextStep(
                f"Rate the {counted(len(unrated), 'focus area')} not yet rated",
                "All components",
                "Each component's expert part rests on its rated focus areas.",
                "Consultant",
                "Next report",
                "Proposed",
            )
        )
    surveyed = any(c.survey is not None for c in content.score.components)
    if not surveyed:
        steps.append(
            NextStep(
                f"Run the teacher and leader surveys (at least {content.model.min_n} of each)",
                "All components",
                "No usable survey results yet.",
                "District",
                "Next report",
                "Proposed",
            )
        )
    for h, kind in [(h, "focus") for h in content.focus_areas] + [
        (h, "strength") for h in content.strengths
    ]:
        if h.component.name not in planned:
            steps.append(_recommended_step(content, h, kind))
    return steps


def _rated(content: ReportContent, area_id: str) -> bool:
    event = content.board.get(area_id)
    return event is not None and event.level is not None


def _recommended_step(content: ReportContent, h: Highlight, kind: str) -> NextStep:
    c = h.component
    title = h.recommendation.title if h.recommendation else f"Discuss {c.name}"
    why = f"{'Focus area' if kind == 'focus' else 'Strength'}: {points(c.delta)} the median"
    return NextStep(title, c.name, why, "To be agreed", "To be agreed", "Proposed")

"""The report's words: numbers as printed, bands and the executive summary in plain
language. Pure functions of :class:`~onpoint_desktop.report.content.ReportContent`."""

from __future__ import annotations

from collections.abc import Sequence

from onpoint_desktop.report.content import Highlights, ReportContent

DASH = "—"
BAND_WORDS = {"below": "Below", "within": "Within", "above": "Above", None: DASH}
STATUS_MARKS = {"expert-only": "E", "survey-only": "S"}


def score_text(value: float | None) -> str:
    """A score as the report prints it everywhere: one decimal, or a dash."""
    return DASH if value is None else f"{value:,.1f}"


def whole(value: float) -> str:
    return f"{value:,.0f}"


def fewer_than(min_n: int) -> str:
    return f"fewer than {min_n}"


def count_text(n: int | None, min_n: int) -> str:
    """A respondent count, never printed when below ``min_n`` (None: suppressed)."""
    if n is None or 0 < n < min_n:
        return fewer_than(min_n)
    return f"{n:,}" if n else "none"


def names(items: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def points(delta: float) -> str:
    """Distance from a median: ``85 above``, ``6 below`` or ``at the median``."""
    if not round(abs(delta)):
        return "at the median"
    return f"{abs(delta):,.0f} {'above' if delta > 0 else 'below'}"


def band_sentence(content: ReportContent) -> str | None:
    """Where the total sits against the stage benchmark, in plain words."""
    score, stage_bm = content.score, content.stage_benchmark
    if score.total is None:
        return None
    if stage_bm is None:
        return (
            f"The benchmark in use ({content.benchmark.label}) has no districts at "
            f"{content.stage_label} yet, so the score cannot be compared with peers."
        )
    pct, n = stage_bm.total, stage_bm.n_districts
    peers = f"the {n} benchmark districts at {content.stage_label}"
    if score.total_band == "below":
        return (
            f"That is below the range typical of districts at this stage: three quarters "
            f"of {peers} score {whole(pct.p25)} or more (median {whole(pct.p50)})."
        )
    if score.total_band == "above":
        return (
            f"That is above the range typical of districts at this stage: only a quarter "
            f"of {peers} score more than {whole(pct.p75)} (median {whole(pct.p50)})."
        )
    return (
        f"That is within the range typical of districts at this stage: the middle half "
        f"of {peers} score between {whole(pct.p25)} and {whole(pct.p75)}, with a median "
        f"of {whole(pct.p50)}."
    )


def change_sentence(content: ReportContent) -> str | None:
    """The change in the total since the previous round, when there is one."""
    prev = content.previous
    if prev is None:
        return None
    before, now = prev.score.total, content.score.total
    prev_name = f"{prev.round.label} ({content.stage_label_of(prev.round.stage)})"
    if before is None or now is None:
        return f"There is no score for {prev_name} to compare with."
    delta = now - before
    if abs(delta) < 0.05:
        text = f"The score is unchanged since {prev_name}."
    else:
        direction = "up" if delta > 0 else "down"
        text = (
            f"The score is {direction} {abs(delta):,.1f} points since {prev_name}, "
            f"when it was {score_text(before)}."
        )
    if prev.round.stage != content.round.stage:
        then = content.percentiles("total", prev.round.stage)
        here = content.percentiles("total")
        if then and here:
            move = here.p50 - then.p50
            text += (
                f" Over the same step, from {content.stage_label_of(prev.round.stage)} to "
                f"{content.stage_label}, the benchmark median "
                f"{'rises' if move >= 0 else 'falls'} by {abs(move):,.0f} points."
            )
    return text


def highlight_sentence(content: ReportContent, highlights: Highlights, *, strengths: bool) -> str:
    """One sentence naming the strengths (or focus areas) against the stage median."""
    median = f"the {content.stage_label} median"
    if highlights.named:
        parts = [f"{h.component.name} ({points(h.component.delta)})" for h in highlights.named]
        if strengths:
            return f"Compared with {median}, the district is strongest in {names(parts)}."
        return f"The focus areas are {names(parts)} compared with {median}."
    side = "above" if strengths else "below"
    if not highlights.nearest:
        return f"No component can be compared with {median} yet."
    parts = [f"{h.component.name} ({points(h.component.delta)})" for h in highlights.nearest]
    verb = "is" if len(parts) == 1 else "are"
    return f"No component is {side} {median}; the closest to it {verb} {names(parts)}."


def provisional_sentence(content: ReportContent) -> str | None:
    """Which components are provisional (``ComponentScore.provisional``: one source only,
    or a role's answers set aside for too few respondents), and which have no result."""
    one_source = {"expert-only": [], "survey-only": [], "complete": []}
    unavailable = []
    for c in content.score.components:
        if c.provisional:
            one_source[c.status].append(c.name)
        elif c.score is None:
            unavailable.append(c.name)
    parts = []
    if one_source["expert-only"]:
        parts.append(f"{names(one_source['expert-only'])} on expert ratings only")
    if one_source["survey-only"]:
        parts.append(f"{names(one_source['survey-only'])} on survey responses only")
    if one_source["complete"]:
        parts.append(f"{names(one_source['complete'])} without a role that had too few respondents")
    sentence = ""
    if parts:
        sentence = (
            f"Some results are provisional: {names(parts)}; they may move once the missing "
            "evidence is added."
        )
    if unavailable:
        sentence += (
            f" {names(unavailable)} {'has' if len(unavailable) == 1 else 'have'} no results yet."
        )
    return sentence.strip() or None


def executive_summary(content: ReportContent) -> list[str]:
    """The executive summary as paragraphs of plain text."""
    score = content.score
    where = f"In {content.round.label} ({content.stage_label})"
    if score.total is None:
        return [
            f"{where} there is no Onpoint score yet: no focus area is rated and no usable "
            "survey results have been imported for this round."
        ]
    lo, hi = content.model.score_min, content.model.score_max
    opening = (
        f"{where}, {content.district} scored {score_text(score.total)} on the Onpoint scale "
        f"of {whole(lo)} to {whole(hi)}."
    )
    first = " ".join(s for s in (opening, band_sentence(content)) if s)
    paragraphs = [first]
    change = change_sentence(content)
    if change:
        paragraphs.append(change)
    if content.stage_benchmark is not None:
        paragraphs.append(
            highlight_sentence(content, content.strengths, strengths=True)
            + " "
            + highlight_sentence(content, content.focus_areas, strengths=False)
        )
    provisional = provisional_sentence(content)
    if provisional:
        paragraphs.append(provisional)
    return paragraphs

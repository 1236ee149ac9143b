"""The report's words: numbers as printed, the benchmark named honestly, bands and
changes in plain language. Pure functions of
:class:`~onpoint_desktop.report.content.ReportContent`.

Every sentence that cites the benchmark goes through :func:`benchmark_words` or
:func:`median_words`, so an illustrative benchmark is called illustrative wherever it
is used, not only on the cover.
"""

from __future__ import annotations

from collections.abc import Sequence

from onpoint_desktop.progress import Change
from onpoint_desktop.report.content import ReportContent

DASH = "—"
BAND_WORDS = {"below": "Below", "within": "Within", "above": "Above", None: DASH}


def score_text(value: float | None) -> str:
    """A score as the report prints it everywhere: one decimal, or a dash."""
    return DASH if value is None else f"{value:,.1f}"


def whole(value: float) -> str:
    return f"{value:,.0f}"


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"


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


def benchmark_title(content: ReportContent) -> str:
    """The benchmark's name, saying "illustrative" once when it is."""
    bm = content.benchmark
    if bm.illustrative and "illustrative" not in bm.name.lower():
        return f"{bm.name} (illustrative)"
    return bm.name


def benchmark_words(content: ReportContent) -> str:
    """How a sentence names the benchmark: ``the illustrative benchmark`` or ``the
    benchmark``."""
    return "the illustrative benchmark" if content.benchmark.illustrative else "the benchmark"


def median_words(content: ReportContent, stage: str | None = None) -> str:
    """``the Year 2 median of the illustrative benchmark`` (or of ``the benchmark``)."""
    label = content.stage_label_of(stage) if stage else content.stage_label
    return f"the {label} median of {benchmark_words(content)}"


def band_sentence(content: ReportContent) -> str | None:
    """Where the total sits against the stage benchmark, in plain words."""
    score, stage_bm = content.score, content.stage_benchmark
    if score.total is None:
        return None
    bm = benchmark_words(content)
    stage = content.stage_label
    if stage_bm is None:
        return (
            f"{bm.capitalize()} ({benchmark_title(content)}) has no districts at {stage} "
            "yet, so the score cannot be compared with peers."
        )
    pct = stage_bm.total
    if content.benchmark.illustrative:
        where = {"below": "below", "above": "above", "within": "within"}[score.total_band]
        return (
            f"That is {where} the {stage} range of {bm} ({whole(pct.p25)}–{whole(pct.p75)}, "
            f"median {whole(pct.p50)}); the illustrative benchmark follows Onpoint's "
            "published trends and is not measured data, so the comparison is indicative only."
        )
    peers = f"the {stage_bm.n_districts} districts of {bm} at {stage}"
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


def round_name(content: ReportContent, result) -> str:
    """``2023-24 (Year 1)``."""
    return f"{result.round.label} ({content.stage_label_of(result.round.stage)})"


def not_like_for_like(change: Change, before: str, after: str) -> str:
    """Why a change between a complete and an incomplete round is not like for like."""
    if change.before_provisional and change.after_provisional:
        which = f"both {before} and {after} are provisional"
    elif change.before_provisional:
        which = f"{before} was provisional"
    else:
        which = f"{after} is provisional"
    return (
        f"This is not a like-for-like change: {which} (not every component has both expert "
        "and survey results), so part of the difference may come from what was measured "
        "rather than from progress."
    )


def highlight_sentence(content: ReportContent, *, strengths: bool) -> str:
    """One sentence naming the core's strengths (or focus areas), or saying plainly that
    there are none."""
    chosen = content.strengths if strengths else content.focus_areas
    median = median_words(content)
    if chosen:
        parts = [f"{h.component.name} ({points(h.component.delta)})" for h in chosen]
        if strengths:
            return f"Compared with {median}, the district is strongest in {names(parts)}."
        return f"The focus areas are {names(parts)}, compared with {median}."
    side, kind = ("above", "a strength") if strengths else ("below", "a focus area")
    return f"No component is {side} {median}, so none is named {kind}."


def provisional_sentence(content: ReportContent) -> str | None:
    """Which components are provisional (``ComponentScore.provisional``: one source only,
    or a role's answers set aside for too few respondents), and which have no result."""
    one_source: dict[str, list[str]] = {"expert-only": [], "survey-only": [], "complete": []}
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

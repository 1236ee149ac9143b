"""What a round's score rests on, and the one table of words for each case.

A round can be sparse in several ways: nothing recorded, expert ratings only, surveys
only, a single component, or survey responses that cannot be used because every role is
under ``min_n``. Each case has one headline (beside the score on the cover), one
sentence saying what the score rests on (summary) and one sentence for strengths and
focus areas when none can be named, so no two parts of a report contradict each other.
The case is read from the core's score (``provisional`` is the core's one definition).
"""

from __future__ import annotations

from dataclasses import dataclass

from onpoint_desktop.english import counted
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.wording import provisional_sentence

NO_HIGHLIGHTS = "Strengths and focus areas are named from component scores, and there are none yet."


@dataclass(frozen=True)
class CaseWording:
    headline: str | None  # beside the score; None: nothing to flag
    basis: str | None  # what the score rests on; None: the round is complete
    highlights: str | None = None  # when strengths and focus areas cannot be named


# The sparse-case wording table. Fields: {round}, {component}, {source}, {others},
# {n_complete}, {n_total}, {min_n}, {survey_reason}, {provisional}.
CASES: dict[str, CaseWording] = {
    "nothing": CaseWording(
        headline="No Onpoint score yet",
        basis=(
            "Nothing has been recorded for {round} yet: no focus area is rated and no "
            "survey responses have been imported, so there is no score to report."
        ),
        highlights=NO_HIGHLIGHTS,
    ),
    "held_back": CaseWording(
        headline="No Onpoint score yet",
        basis=(
            "No focus area is rated for {round}, and its survey responses cannot be used: "
            "for every component fewer than {min_n} teachers and fewer than {min_n} leaders "
            "answered its questions, so their answers are neither shown nor counted."
        ),
        highlights=NO_HIGHLIGHTS,
    ),
    "one_component": CaseWording(
        headline="Provisional: only {component} has a result",
        basis=(
            "Only {component} has a result in {round} ({source}), so the Onpoint score is "
            "that one component's score; the other {others} have no result yet, and the "
            "score will move as they are added."
        ),
    ),
    "expert_only": CaseWording(
        headline="Provisional: expert ratings only",
        basis=(
            "The score rests on the consultant's expert ratings alone: {survey_reason}. "
            "It will move once usable survey results are added."
        ),
    ),
    "survey_only": CaseWording(
        headline="Provisional: survey results only",
        basis=(
            "The score rests on the teacher and leader surveys alone: no focus area has "
            "been rated for {round} yet. It will move once the expert ratings are added."
        ),
    ),
    "partial": CaseWording(
        headline="Provisional: {n_complete} of {n_total} components have both expert and "
        "survey results",
        basis="{provisional}",
    ),
    "complete": CaseWording(headline=None, basis=None),
}

SURVEY_REASONS = {
    "none": "no survey responses have been imported for {round}",
    "held_back": (
        "the survey responses of {round} cannot be used, because for every component "
        "fewer than {min_n} teachers and fewer than {min_n} leaders answered its questions"
    ),
}

SOURCES = {
    "complete": "expert ratings and surveys",
    "expert-only": "expert ratings only",
    "survey-only": "surveys only",
}


@dataclass(frozen=True)
class Coverage:
    """What the round's score rests on, counted from the core's component scores."""

    case: str
    fields: dict[str, str]

    def wording(self) -> CaseWording:
        w = CASES[self.case]
        return CaseWording(
            headline=w.headline.format(**self.fields) if w.headline else None,
            basis=w.basis.format(**self.fields) if w.basis else None,
            highlights=w.highlights.format(**self.fields) if w.highlights else None,
        )


def coverage(content: ReportContent) -> Coverage:
    """The case of the round (see ``CASES``) and the words it needs."""
    score = content.score
    comps = score.components
    scored = [c for c in comps if c.score is not None]
    rated = [c for c in comps if c.expert is not None]
    surveyed = [c for c in comps if c.survey is not None]
    complete = [c for c in comps if c.status == "complete"]
    answered = any(content.respondents.values())
    fields = {
        "round": content.round.label,
        "n_total": str(len(comps)),
        "n_complete": str(len(complete)),
        "min_n": str(content.model.min_n),
        "survey_reason": SURVEY_REASONS["held_back" if answered else "none"].format(
            round=content.round.label, min_n=content.model.min_n
        ),
        "provisional": provisional_sentence(content) or "",
    }
    if not scored:
        case = "held_back" if answered else "nothing"
    elif len(scored) == 1 and len(comps) > 1:
        only = scored[0]
        case = "one_component"
        fields |= {
            "component": only.name,
            "source": _source(only),
            "others": counted(len(comps) - 1, "component"),
        }
    elif not surveyed:
        case = "expert_only"
    elif not rated:
        case = "survey_only"
    elif score.provisional:
        case = "partial"
    else:
        case = "complete"
    return Coverage(case, fields)


def _source(component) -> str:
    """What one component's score rests on, in words."""
    words = SOURCES[component.status]
    if component.held_back_roles:
        held = " and ".join(f"{role}s" for role in component.held_back_roles)
        words += f", without the {held} (too few to use)"
    return words

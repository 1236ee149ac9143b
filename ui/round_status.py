"""What the score panel says about a round, in words (no widgets here).

How much of the round rests on evidence ("Rated 11 of 26 focus areas · 40 teachers and no
leaders responded"), whether its score is complete and if not what it lacks, and its
strengths and focus areas with their recommendations. "Complete" is never said of a round
with an unrated focus area or a survey role that did not respond.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from onpoint_desktop.english import counted
from onpoint_desktop.scoring import ComponentScore, RoundScore, recommendations_for

if TYPE_CHECKING:
    from onpoint_desktop.compare import Comparison
    from onpoint_desktop.framework import Framework

BAND_WORDS = {"below": "Below benchmark", "within": "Within benchmark", "above": "Above benchmark"}
STATUS_WORDS = {
    "complete": "",
    "expert-only": "expert only",
    "survey-only": "survey only",
    "unavailable": "no data",
}
DASH = "—"


def number(value: float | None, digits: int = 0) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def signed(value: float | None) -> str:
    """A change of score, e.g. "+12.5" (a dash when unknown)."""
    return DASH if value is None else f"{value:+.1f}"


def compare_text(comparison: Comparison | None, framework: Framework) -> str:
    """The line under the total while another round is compared with."""
    if comparison is None:
        return ""
    then = comparison.then
    return (
        f"Compared with {then.round} ({framework.stage_label(then.stage)}): "
        f"{number(then.total, 1)} · change {signed(comparison.total_delta)} · "
        f"{counted(len(comparison.areas), 'focus area')} moved (thin bars: {then.round})"
    )


def what_if_text(preview, framework: Framework) -> str:
    """The line under the total while a level is considered (a ``Preview``, or None)."""
    if preview is None:
        return ""
    word = framework.level_label(preview.level)
    return f"→ {number(preview.outcome.total, 1)} ({signed(preview.total_delta)}) if {word}"


def respondents_cell(comp: ComponentScore, role: str, min_n: int) -> str:
    n = comp.role_n.get(role, 0)
    return f"{n} (<{min_n})" if 0 < n < min_n else str(n)


def component_of(score: RoundScore, component_id: str) -> ComponentScore | None:
    return next((c for c in score.components if c.id == component_id), None)


def respondents_text(counts: dict[str, int]) -> str:
    """e.g. "40 teachers and no leaders responded" (every role of the model named)."""
    parts = [counted(n, role, zero="no") for role, n in counts.items()]
    if not any(counts.values()):
        return "no survey responses yet"
    text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{text} responded"


def evidence_text(rated: int, areas: int, counts: dict[str, int]) -> str:
    """What the round rests on: "Rated 11 of 26 focus areas · 40 teachers and no leaders
    responded"."""
    return f"Rated {rated} of {areas} focus areas · {respondents_text(counts)}"


def status_text(
    score: RoundScore, rated: int, areas: int, counts: dict[str, int], min_n: int
) -> str:
    """Whether the score is complete, and if not, what it lacks. Never says "complete"
    while a focus area is unrated or a role has not responded."""
    if score.total is None:
        return "No score yet: rate a focus area or import a survey."
    missing_roles = [role for role, n in counts.items() if not n]
    if score.complete and rated == areas and not missing_roles:
        return "Complete: every focus area is rated and every survey role responded."
    parts = []
    if score.complete:
        gaps = []
        if rated < areas:
            gaps.append(f"{counted(areas - rated, 'focus area')} unrated")
        if missing_roles:
            gaps.append(f"no {' or '.join(f'{r}s' for r in missing_roles)} responded")
        parts.append(
            "every component has expert ratings and survey responses, but " + " and ".join(gaps)
        )
        return "Partial — " + "; ".join(parts) + "."
    groups: dict[str, list[str]] = {}
    for comp in score.components:
        if comp.status != "complete":
            groups.setdefault(STATUS_WORDS[comp.status], []).append(comp.name)
    every = len(score.components)
    parts = [
        f"{word}: {'every component' if len(names) == every else ', '.join(names)}"
        for word, names in groups.items()
    ]
    low = [c.name for c in score.components if c.held_back_roles]
    if low:
        parts.append(f"fewer than {min_n} respondents of a role (not used): {', '.join(low)}")
    return "Provisional (*) — " + "; ".join(parts) + "."


def highlights_html(score: RoundScore, stage: str) -> str:
    """Strengths and focus areas with the recommendations of the round's model (HTML)."""
    if score.total is None:
        return (
            "<p>Nothing to compare with the benchmark yet: rate a focus area or import "
            "a survey, and the components furthest above and below their stage median "
            "show here with recommendations.</p>"
        )
    found = recommendations_for(score)
    scored = [c for c in score.components if c.delta is not None]
    sections = []
    for kind, title, empty in (
        ("strengths", "Strengths", "No component is above its stage median yet."),
        ("focus_areas", "Focus areas", "No component is below its stage median."),
    ):
        items = [f"<h3>{title}</h3>"]
        for cid, rec in found[kind]:
            comp = score.component(cid)
            delta = f"{comp.delta:+.0f} vs the {stage} median" if comp.delta is not None else ""
            items.append(
                f"<p><b>{html.escape(comp.name)}</b> — {number(comp.score)} ({delta})<br>"
                f"<i>{html.escape(rec.title)}</i><br>{html.escape(rec.text)}</p>"
            )
        if not found[kind]:
            missing = len(score.components) - len(scored)
            note = f" ({counted(missing, 'component')} not scored yet.)" if missing else ""
            items.append(f"<p>{empty}{note}</p>")
        sections.append("".join(items))
    return "".join(sections)

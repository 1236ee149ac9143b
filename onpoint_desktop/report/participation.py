"""Survey results, first part: who answered (per role and per school, small groups
suppressed) and, when the numbers invited were recorded, the response rates (SPEC §8, the
core's ``response_rates``: under 50% flagged "low response", shown, never suppressed);
then survey sub-scores by school.

Per-school figures come from ``Workspace.school_breakdown``, the same breakdown as
``onpoint score --by-school``: it applies complementary suppression (a hidden school
cannot be recovered by subtraction). A suppressed figure is printed as "withheld", never
as the number.
"""

from __future__ import annotations

import math

from docx.document import Document

from onpoint_desktop.english import counted
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.tables import Cell, add_table
from onpoint_desktop.report.text import clean
from onpoint_desktop.report.word import Captions, heading, keep_with_next, note
from onpoint_desktop.report.wording import count_text, fewer_than, names, score_text

ROLE_NOUNS = {"teacher": ("teacher", "teachers"), "leader": ("leader", "leaders")}
WITHHELD = "withheld"
SCHOOLS_PER_TABLE = 5


def role_noun(role: str, n: int) -> str:
    one, many = ROLE_NOUNS.get(role, (role, f"{role}s"))
    return one if n == 1 else many


def respondents_of(role: str, n: int, min_n: int) -> str:
    """e.g. "40 teachers", "fewer than 5 leaders", "no leaders" (never "none leaders")."""
    one, many = ROLE_NOUNS.get(role, (role, f"{role}s"))
    if n == 0:
        return counted(0, one, many, zero="no")
    return f"{count_text(n, min_n)} {role_noun(role, n)}"


def _school_count(n: int | None, min_n: int) -> str:
    return WITHHELD if n is None else count_text(n, min_n)


def withheld_note(min_n: int) -> str:
    return (
        f'"{WITHHELD}": the school\'s group is smaller than {min_n}, or is withheld together '
        "with a smaller one so that the smaller figure cannot be worked out from the district "
        "total (the same rule as 'onpoint score --by-school')."
    )


def add_participation(
    doc: Document, content: ReportContent, *, captions: Captions, **_: object
) -> bool:
    """Who answered. Returns False when there are no responses at all (the rest of the
    survey section then has nothing to show)."""
    from onpoint_desktop.report.cases import coverage

    min_n = content.model.min_n
    roles = list(content.model.role_weights)
    heading(doc, "Survey results", 1)
    counts = content.respondents
    if not any(counts.values()):
        doc.add_paragraph(
            f"No survey responses were imported for {content.round.label}, so there are no "
            "survey results to show."
        )
        return False
    parts = [respondents_of(r, counts.get(r, 0), min_n) for r in roles]
    intro = doc.add_paragraph(
        f"{names(parts).capitalize()} answered the surveys in {content.round.label}. To "
        f"protect respondents' privacy and keep results reliable, the answers of a group are "
        f"shown and used only when at least {min_n} people in it answered; smaller groups are "
        f'shown as "{fewer_than(min_n)}".'
    )
    keep_with_next(intro)
    _response_rates(doc, content, captions)
    if coverage(content).case == "held_back" or not any(
        c.survey is not None for c in content.score.components
    ):
        doc.add_paragraph(
            f"In {content.round.label} no component reached {min_n} respondents of a role, so "
            "no survey result can be shown or used yet."
        )
    breakdown = content.breakdown
    if not breakdown.schools:
        doc.add_paragraph(
            "The survey files did not name schools, so there is no per-school breakdown."
        )
        return True
    header = ["School", *(role_noun(r, 2).capitalize() for r in roles)]
    rows = [
        [clean(school), *(_school_count(breakdown.respondents[school][r], min_n) for r in roles)]
        for school in breakdown.schools
    ]
    rows.append(
        [
            Cell("District (all respondents)", bold=True),
            *(count_text(counts.get(r, 0), min_n) for r in roles),
        ]
    )
    keep_with_next(doc.add_paragraph("Respondents by school:"))
    captions.add(
        doc, "Table", f"Survey respondents by school, {content.round.label}", keep_with_next=True
    )
    width = 6.5 - 1.5 * len(roles)
    add_table(
        doc,
        [header, *rows],
        (width, *[1.5] * len(roles)),
        numeric=range(1, len(roles) + 1),
        keep_with_next=True,
    )
    note(
        doc,
        "Respondents counted here answered at least one question. "
        + withheld_note(min_n)
        + " Respondents who did not name a school are counted in the district total only.",
    )
    return True


def add_school_scores(doc: Document, content: ReportContent, captions: Captions) -> None:
    """Survey sub-scores (200–1,000) per school and component, as ``score --by-school``."""
    breakdown = content.breakdown
    if not breakdown.schools:
        return
    model = content.model
    heading(doc, "Results by school", 2)
    keep_with_next(
        doc.add_paragraph(
            "Each school's survey part of each component, on the same 200–1,000 scale, from "
            "its own teachers and leaders. Expert ratings are district-wide, so they are not "
            "part of these figures."
        )
    )
    components = content.score.components
    schools = list(breakdown.schools)
    chunks = [schools[i : i + SCHOOLS_PER_TABLE] for i in range(0, len(schools), SCHOOLS_PER_TABLE)]
    for number, chunk in enumerate(chunks, start=1):
        header = ["Component", *(clean(s) for s in chunk), Cell("District", bold=True)]
        rows = []
        for c in components:
            row: list = [c.name]
            for school in chunk:
                value = breakdown.of(school, c.id)
                if value.score is not None:
                    row.append(score_text(value.score))
                elif any(cell.n for cell in value.cells.values()):
                    row.append(Cell(WITHHELD, italic=True))
                else:
                    row.append("—")
            district = None if c.survey is None else model.to_score(c.survey)
            row.append(Cell(score_text(district), bold=True))
            rows.append(row)
        part = f" ({number} of {len(chunks)})" if len(chunks) > 1 else ""
        captions.add(
            doc,
            "Table",
            f"Survey part by school, {content.round.label}{part}",
            keep_with_next=True,
        )
        width = (6.5 - 2.0) / (len(chunk) + 1)
        add_table(
            doc,
            [header, *rows],
            (2.0, *[width] * (len(chunk) + 1)),
            numeric=range(1, len(chunk) + 2),
            font_size=8.5,
            keep_with_next=number == len(chunks),
        )
    note(doc, withheld_note(model.min_n) + " A dash: no one at the school answered.")


def rate_text(rate, min_n: int, *, flag: bool = True) -> str:
    """One role's rate as the report prints it: "62% (40 of 65)", "38% (8 of 21), low
    response"; a count under ``min_n`` is never printed, nor a rate that would give it."""
    from onpoint_desktop.response_rates import LOW_WORDS

    if not rate.invited:
        return "not recorded"
    if rate.respondents is None:
        return f"{WITHHELD} (of {rate.invited:,} invited)"
    if 0 < rate.respondents < min_n:
        ceiling = math.ceil(100 * min_n / rate.invited)
        text = f"under {ceiling}% ({fewer_than(min_n)} of {rate.invited:,})"
    else:
        text = f"{rate.rate:.0%} ({rate.respondents:,} of {rate.invited:,})"
    return f"{text}, {LOW_WORDS}" if rate.low and flag else text


def low_response_sentence(content: ReportContent) -> str | None:
    """A caution when fewer than half of those invited answered (district-wide)."""
    rates = content.response_rates
    low = rates.low
    if not low:
        return None
    min_n = content.model.min_n
    parts = [f"{role_noun(r, 2)} ({rate_text(rates.roles[r], min_n, flag=False)})" for r in low]
    return (
        f"Survey response was low for {names(parts)}: fewer than half of those invited "
        "answered, so the survey results may not speak for everyone; read them with care."
    )


def _response_rates(doc: Document, content: ReportContent, captions: Captions) -> None:
    rates = content.response_rates
    if not rates.known:
        return
    min_n = content.model.min_n
    roles = list(content.model.role_weights)
    low = low_response_sentence(content)
    keep_with_next(
        doc.add_paragraph(
            "Response rates: how many of those invited answered. "
            + (low or "More than half of those invited answered in each group with a number.")
        )
    )
    rows: list[list] = [["", *(role_noun(r, 2).capitalize() for r in roles)]]
    rows.append([Cell("District", bold=True), *(rate_text(rates.roles[r], min_n) for r in roles)])
    for school, by_role in rates.schools.items():
        rows.append([clean(school), *(rate_text(by_role[r], min_n) for r in roles)])
    captions.add(doc, "Table", f"Response rates, {content.round.label}", keep_with_next=True)
    width = 6.5 - 2.2 * len(roles)
    add_table(doc, rows, (width, *[2.2] * len(roles)), keep_with_next=True)
    note(
        doc,
        "Rate: respondents who answered at least one question over the number invited, as "
        "recorded for the round; under 50% is flagged low response. A school's rate is "
        f'"{WITHHELD}" where its respondents are (see below).',
    )

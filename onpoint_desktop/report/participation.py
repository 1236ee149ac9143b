"""Survey participation: respondents per role and per school, small groups suppressed.

Per-school counts come from ``Workspace.school_breakdown``, which already applies
complementary suppression (a hidden school cannot be recovered by subtraction). A
suppressed count is printed as "fewer than N", never as the number.
"""

from __future__ import annotations

from docx.document import Document

from onpoint_desktop.english import counted
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.word import Captions, data_table, note
from onpoint_desktop.report.wording import count_text, fewer_than, names

ROLE_NOUNS = {"teacher": ("teacher", "teachers"), "leader": ("leader", "leaders")}


def role_noun(role: str, n: int) -> str:
    one, many = ROLE_NOUNS.get(role, (role, f"{role}s"))
    return one if n == 1 else many


def respondents_of(role: str, n: int, min_n: int) -> str:
    """e.g. "40 teachers", "fewer than 5 leaders", "no leaders" (never "none leaders")."""
    one, many = ROLE_NOUNS.get(role, (role, f"{role}s"))
    if n == 0:
        return counted(0, one, many, zero="no")
    return f"{count_text(n, min_n)} {role_noun(role, n)}"


def withheld(min_n: int) -> str:
    """The one label of every suppressed school count. It must be true both of a school
    below ``min_n`` and of one hidden alongside it, and must not tell the two apart."""
    return f"{fewer_than(min_n)} or withheld"


def _school_count(n: int | None, min_n: int) -> str:
    return withheld(min_n) if n is None else count_text(n, min_n)


def add_participation(
    doc: Document, content: ReportContent, *, captions: Captions, **_: object
) -> None:
    min_n = content.model.min_n
    roles = list(content.model.role_weights)
    doc.add_heading("Survey participation", level=1)
    counts = content.respondents
    if not any(counts.values()):
        doc.add_paragraph(
            f"No survey responses were imported for {content.round.label}; the scores rest "
            "on the expert ratings alone."
        )
        return
    parts = [respondents_of(r, counts.get(r, 0), min_n) for r in roles]
    doc.add_paragraph(
        f"{names(parts).capitalize()} answered the surveys in {content.round.label}. To "
        f"protect respondents' privacy and keep results reliable, the answers of a group are "
        f"shown and used only when at least {min_n} people in it answered; smaller groups are "
        f'shown as "{fewer_than(min_n)}".'
    )
    breakdown = content.breakdown
    if not breakdown.schools:
        doc.add_paragraph(
            "The survey files did not name schools, so there is no per-school breakdown."
        )
        return
    headers = ("School", *(role_noun(r, 2).capitalize() for r in roles))
    rows = [
        (school, *(_school_count(breakdown.respondents[school][r], min_n) for r in roles))
        for school in breakdown.schools
    ]
    rows.append(
        ("District (all respondents)", *(count_text(counts.get(r, 0), min_n) for r in roles))
    )
    captions.add(
        doc, "Table", f"Survey respondents by school, {content.round.label}", keep_with_next=True
    )
    width = 6.5 - 1.75 * len(roles)
    data_table(
        doc, headers, rows, (width, *[1.75] * len(roles)), numeric=tuple(range(1, len(roles) + 1))
    )
    note(
        doc,
        f'Respondents counted here answered at least one question. "{withheld(min_n)}": '
        f"the school's group is smaller than {min_n}, or is withheld together with a smaller "
        "one so that the smaller count cannot be worked out from the district total. "
        "Respondents who did not name a school are counted in the district total only.",
    )

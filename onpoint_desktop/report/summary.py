"""Page 2: the executive summary a superintendent reads first.

The headline (score, band against the benchmark, what the score rests on), the three
facts that matter most, the recommendations with the district's own evidence quoted,
and the next steps as a table.
"""

from __future__ import annotations

from docx.document import Document
from docx.shared import Pt

from onpoint_desktop.english import counted
from onpoint_desktop.report.cases import coverage
from onpoint_desktop.report.content import Highlight, ReportContent
from onpoint_desktop.report.participation import low_response_sentence
from onpoint_desktop.report.synthesis import key_facts, next_steps, quote
from onpoint_desktop.report.tables import Cell, add_table
from onpoint_desktop.report.word import Captions, heading, keep_with_next, note, paragraph
from onpoint_desktop.report.wording import (
    band_sentence,
    benchmark_words,
    highlight_sentence,
    points,
    score_text,
    whole,
)


def headline_paragraphs(content: ReportContent) -> list[str]:
    """The opening of the summary: the score, its band, what it rests on."""
    score = content.score
    wording = coverage(content).wording()
    where = f"In {content.round.label} ({content.stage_label})"
    if score.total is None:
        return [f"{where} there is no Onpoint score yet. {wording.basis}"]
    lo, hi = content.model.score_min, content.model.score_max
    provisional = " (provisional)" if score.provisional else ""
    opening = (
        f"{where}, {content.district} scored {score_text(score.total)}{provisional} on the "
        f"Onpoint scale of {whole(lo)} to {whole(hi)}."
    )
    paragraphs = [" ".join(s for s in (opening, band_sentence(content)) if s)]
    if wording.basis:
        paragraphs.append(wording.basis)
    low = low_response_sentence(content)
    if low:
        paragraphs.append(low)
    return paragraphs


def highlight_paragraph(content: ReportContent) -> str:
    wording = coverage(content).wording()
    if wording.highlights:
        return wording.highlights
    if content.stage_benchmark is None:
        return (
            f"{benchmark_words(content).capitalize()} has no districts at "
            f"{content.stage_label}, so strengths and focus areas cannot be named."
        )
    return (
        highlight_sentence(content, strengths=True)
        + " "
        + highlight_sentence(content, strengths=False)
    )


def add_summary(doc: Document, content: ReportContent, *, captions: Captions, **_: object) -> None:
    heading(doc, "Executive summary", 1)
    for text in headline_paragraphs(content):
        doc.add_paragraph(text)
    facts = key_facts(content)
    if facts:
        heading(doc, "What matters most", 2)
        for fact in facts:
            item = paragraph(doc, style="List Number")
            item.add_run(fact.lead).bold = True
            item.add_run(" " + fact.text)
            item.paragraph_format.space_after = Pt(4)
    heading(doc, "What we recommend", 2)
    doc.add_paragraph(highlight_paragraph(content))
    for h in (*content.focus_areas, *content.strengths):
        _recommendation(doc, content, h)
    _next_steps(doc, content, captions)


def _recommendation(doc: Document, content: ReportContent, h: Highlight) -> None:
    c = h.component
    title = doc.add_paragraph()
    title.paragraph_format.space_after = Pt(2)
    keep_with_next(title)
    distance = points(c.delta)
    if distance != "at the median":
        distance += " the median"
    title.add_run(f"{c.name} ({score_text(c.score)}, {distance}): ").bold = True
    if h.recommendation is not None:
        title.add_run(h.recommendation.title + ".")
    else:
        title.add_run("no recommendation text covers this component at this stage.")
    if h.evidence:
        evidence = h.evidence[0]
        level = content.framework.level_label(evidence.event.level)
        cited = paragraph(doc, style="Quote")
        cited.paragraph_format.left_indent = Pt(18)
        cited.paragraph_format.space_after = Pt(6)
        cited.add_run(f"“{quote(evidence.event.note or '')}”")
        source = cited.add_run(f" Evidence note on {evidence.area.label} (rated {level}).")
        source.italic = False
        source.font.size = Pt(9)


def _next_steps(doc: Document, content: ReportContent, captions: Captions) -> None:
    steps = next_steps(content)
    heading(doc, "Next steps", 2)
    if not steps:
        doc.add_paragraph("No next step follows from this round's results.")
        return
    planned = sum(1 for step in steps if step.from_plan)
    if planned:
        intro = (
            f"The {counted(planned, 'open action')} of the district's action plan (the Action "
            "plan section has the whole plan)"
        )
        if planned < len(steps):
            intro += (
                ", then proposed actions for what the plan does not yet address, drawn from "
                "the recommendations and from what the round still lacks"
            )
        intro += "."
    else:
        intro = (
            "Proposed actions drawn from the recommendations and from what the round still "
            "lacks. Owners and dates are to be agreed with the district."
        )
    keep_with_next(doc.add_paragraph(intro))
    captions.add(doc, "Table", f"Next steps after {content.round.label}", keep_with_next=True)
    header = "Action" if planned else "Proposed action"
    rows = [["#", header, "Component", "Why", "Owner", "Due", "Status"]]
    for number, step in enumerate(steps, start=1):
        rows.append(
            [
                str(number),
                Cell(step.action, bold=True),
                step.component,
                step.why,
                step.owner,
                step.due,
                step.status,
            ]
        )
    add_table(doc, rows, (0.3, 1.6, 1.0, 1.2, 1.02, 0.66, 0.72), font_size=8.5, keep_with_next=True)
    if planned < len(steps):
        note(doc, "Proposed: until the district agrees the action, its owner and its date.")

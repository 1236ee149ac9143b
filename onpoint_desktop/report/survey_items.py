"""Survey results item by item: what stands out (gaps over the threshold), then for each
component a table of its items with teachers' and leaders' mean, share agreeing and the
diverging bar of the five answers. Items fewer than ``min_n`` answered are not shown."""

from __future__ import annotations

from docx.document import Document

from onpoint_desktop.english import counted
from onpoint_desktop.report import palette
from onpoint_desktop.report.answer_bars import WIDTH_IN, answer_bar, answer_fills
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.participation import role_noun
from onpoint_desktop.report.tables import Cell, Picture, add_table
from onpoint_desktop.report.word import Captions, heading, keep_with_next, paragraph
from onpoint_desktop.report.wording import fewer_than, percent, score_text, whole
from onpoint_desktop.survey_results import GAP_THRESHOLD_POINTS, Gap, ItemResult

WIDTHS = (2.6, 0.7, 0.5, 0.65, WIDTH_IN + 0.25)  # item, answered, mean, % agreeing, answers


def _gap_sentence(content: ReportContent, gap: Gap) -> str:
    model = content.model
    first, second = model.to_score(gap.first), model.to_score(gap.second)
    if gap.kind == "roles":
        higher, lower = ("teachers", "leaders") if gap.points > 0 else ("leaders", "teachers")
        return (
            f"{gap.name}: {higher} rate it {whole(gap.size)} points higher than {lower} "
            f"(teachers' part {score_text(first)}, leaders' part {score_text(second)})."
        )
    warmer = "the surveys are" if gap.points < 0 else "the expert ratings are"
    return (
        f"{gap.name}: {warmer} {whole(gap.size)} points more favourable (expert part "
        f"{score_text(first)}, survey part {score_text(second)})."
    )


def add_gaps(doc: Document, content: ReportContent) -> None:
    """Teacher-vs-leader and expert-vs-survey differences of at least the threshold."""
    if not any(c.survey is not None for c in content.score.components):
        return  # no survey part to compare with anything
    heading(doc, "What stands out", 2)
    threshold = whole(GAP_THRESHOLD_POINTS)
    if not content.gaps:
        doc.add_paragraph(
            f"No difference between teachers and leaders, or between the expert ratings "
            f"and the surveys, reaches {threshold} points in any component."
        )
        return
    keep_with_next(
        doc.add_paragraph(
            f"Differences of {threshold} points or more between two parts of a component "
            "(on the 200–1,000 scale), largest first. A large difference is worth "
            "discussing: the two groups, or the consultant and the staff, see the work "
            "differently."
        )
    )
    for kind, title in (
        ("roles", "Teachers and leaders"),
        ("sources", "Expert ratings and surveys"),
    ):
        found = [g for g in content.gaps if g.kind == kind]
        if not found:
            continue
        lead = doc.add_paragraph()
        lead.add_run(title).bold = True
        keep_with_next(lead).paragraph_format.space_after = 0
        for gap in found:
            paragraph(doc, _gap_sentence(content, gap), "List Bullet")


def _answers_alt(result: ItemResult, labels: list[str]) -> str:
    shares = result.shares or ()
    parts = ", ".join(
        f"{label.lower()} {percent(s)}" for label, s in zip(labels, shares, strict=True)
    )
    who = role_noun(result.role, 2).capitalize()
    return f"{who}' answers to {result.item.id}: {parts} ({result.n:,} answered)."


def _item_rows(content: ReportContent, results: tuple[ItemResult, ...]) -> list[list]:
    min_n = content.model.min_n
    rows: list[list] = []
    for role in content.model.role_weights:
        of_role = [r for r in results if r.role == role]
        if not of_role:
            continue
        labels = [label for _, label in content.model.instruments[role].scale]
        n_role = content.score.component(of_role[0].item.component).role_n.get(role, 0)
        group = f"{role_noun(role, 2).capitalize()} ({count_role(n_role, min_n)})"
        rows.append([Cell(group, bold=True, fill=palette.GROUP_FILL, span=len(WIDTHS))])
        for r in of_role:
            text = f"{r.item.id} {r.item.text}"
            if r.item.reverse:
                text += " (R)"
            if not r.shown:
                answered = fewer_than(min_n) if r.n else "none"
                rows.append(
                    [
                        Cell(text),
                        Cell(answered, right=True),
                        Cell("—", right=True),
                        Cell("—", right=True),
                        Cell("Not shown: too few answered", italic=True, colour=palette.MUTED_TEXT),
                    ]
                )
                continue
            picture = Picture(answer_bar(r.shares), WIDTH_IN, _answers_alt(r, labels))
            rows.append(
                [
                    Cell(text),
                    Cell(f"{r.n:,}", right=True),
                    Cell(f"{r.mean:.1f}", right=True),
                    Cell(percent(r.agreeing), right=True),
                    Cell(picture=picture),
                ]
            )
    return rows


def count_role(n: int, min_n: int) -> str:
    if n and n < min_n:
        return f"{fewer_than(min_n)} answered"
    return f"{n:,} answered" if n else "none answered"


def _legend(doc: Document, content: ReportContent) -> None:
    """The five answers' colours, as a one-row table (readable by screen readers)."""
    role = next(iter(content.model.role_weights))
    scale = content.model.instruments[role].scale
    fills = answer_fills(len(scale))
    cells = [
        Cell(label, size=7.5, fill=fill, colour=palette.text_on(fill))
        for (_, label), fill in zip(scale, fills, strict=True)
    ]
    add_table(doc, [cells], [6.5 / len(cells)] * len(cells), header_rows=0, font_size=7.5)


def add_item_results(doc: Document, content: ReportContent, captions: Captions) -> None:
    min_n = content.model.min_n
    role = next(iter(content.model.role_weights))
    instrument = content.model.instruments[role]
    top = [label for _, label in instrument.scale[-2:]]
    heading(doc, "Results by item", 2)
    shown = [r for results in content.items.values() for r in results if r.shown]
    if not shown:
        doc.add_paragraph(
            f"No question was answered by at least {min_n} teachers or {min_n} leaders in "
            f"{content.round.label}, so no answers are shown."
        )
        return
    keep_with_next(
        doc.add_paragraph(
            f"For each question: how many answered, the mean answer on the "
            f"{instrument.scale_min}–{instrument.scale_max} scale, the share answering "
            f"{top[0]} or {top[1]} (% agreeing) and all five answers as a bar centred on "
            f"the neutral answer (bars further right: more agreement). Questions marked (R) "
            f"are worded negatively, so agreeing with them counts against the component; "
            f"they are shown as answered. A question fewer than {min_n} answered is not "
            "shown."
        )
    )
    _legend(doc, content)
    header = ["Question", "Answered", "Mean", "% agreeing", "Answers"]
    for component in content.model.components:
        results = content.items.get(component.id, ())
        if not results:
            continue
        c = content.score.component(component.id)
        heading(doc, component.name, 3)
        line = doc.add_paragraph(_component_line(content, c))
        if not any(r.shown for r in results):
            line.add_run(
                f" No question of this component was answered by at least {min_n} of a role, "
                "so none is shown."
            )
            continue
        keep_with_next(line)
        captions.add(
            doc,
            "Table",
            f"{component.name}: answers by question, {content.round.label}",
            keep_with_next=True,
        )
        add_table(
            doc,
            [header, *_item_rows(content, results)],
            WIDTHS,
            numeric=(1, 2, 3),
            font_size=8.5,
        )


def _component_line(content: ReportContent, c) -> str:
    """The component's survey parts per role, in score points."""
    model = content.model
    parts = []
    for role in model.role_weights:
        value = c.role_survey.get(role)
        n = c.role_n.get(role, 0)
        noun = role_noun(role, 2)
        if value is not None:
            who = counted(n, role_noun(role, 1), noun)
            parts.append(f"{noun}' part {score_text(model.to_score(value))} ({who})")
        elif n:
            parts.append(f"{noun}' part not used ({fewer_than(model.min_n)} answered)")
        else:
            parts.append(f"no {noun} answered")
    if c.survey is None:
        return "No survey part: " + "; ".join(parts) + "."
    return f"Survey part {score_text(model.to_score(c.survey))}: " + "; ".join(parts) + "."

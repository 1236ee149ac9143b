"""The Word document: page setup, cover, executive summary, charts, component table,
strengths and focus areas. The board, participation and methodology sections live in
their own modules; :func:`build_document` puts them all in order."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from datetime import date

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Inches, Pt, RGBColor

from onpoint_desktop.report import board, methodology, palette, participation
from onpoint_desktop.report.content import Highlights, ReportContent
from onpoint_desktop.report.word import Captions, add_field, cell_text, data_table, grid, note
from onpoint_desktop.report.wording import (
    BAND_WORDS,
    DASH,
    count_text,
    executive_summary,
    points,
    score_text,
    whole,
)

BODY_FONT = "Calibri"  # the body in the headings' face; restyle via the Normal style
TEXT_WIDTH = 6.5  # inches: US Letter portrait with 1-inch margins


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def build_document(
    content: ReportContent, charts: Mapping[str, bytes], step: Callable[[], None]
) -> Document:
    """The whole report; ``step()`` is called after each section (progress, cancel)."""
    doc = docx.Document()
    _page_setup(doc, content)
    captions = Captions()
    for section in (
        _cover,
        _summary,
        _charts,
        _component_table,
        _highlights,
        board.add_board,
        participation.add_participation,
        methodology.add_methodology,
    ):
        section(doc, content, charts=charts, captions=captions)
        step()
    return doc


def _page_setup(doc: Document, content: ReportContent) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = section.footer_distance = Inches(0.5)
    section.different_first_page_header_footer = True  # a clean cover page
    doc.styles["Normal"].font.name = BODY_FONT
    header = section.header.paragraphs[0]
    header.text = f"{content.district} · Onpoint report {content.round.label}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES", "1")
    doc.core_properties.title = f"Onpoint report — {content.district}, {content.round.label}"
    doc.core_properties.author = content.consultant
    doc.core_properties.subject = "Personalized learning implementation"


def _cover(doc: Document, content: ReportContent, **_: object) -> None:
    bm, stage_bm = content.benchmark, content.stage_benchmark
    doc.add_paragraph(content.district, style="Title")
    doc.add_paragraph("Personalized Learning Implementation Report", style="Subtitle")
    lead = doc.add_paragraph()
    run = lead.add_run(f"Round {content.round.label} · {content.stage_label}")
    run.font.size = Pt(14)
    score = doc.add_paragraph()
    score.paragraph_format.space_before = Pt(18)
    run = score.add_run(f"Onpoint score {score_text(content.score.total)}")
    run.font.size, run.bold = Pt(24), True
    run.font.color.rgb = RGBColor.from_string(palette.DISTRICT_TEXT)
    pct = content.percentiles("total")
    if content.score.total is not None and pct is not None:
        band = doc.add_paragraph()
        band.add_run(
            f"{BAND_WORDS[content.score.total_band]} the {content.stage_label} benchmark range "
            f"({whole(pct.p25)}–{whole(pct.p75)}, median {whole(pct.p50)})"
        ).font.size = Pt(13)
    districts = (
        f"{stage_bm.n_districts} districts at {content.stage_label}"
        if stage_bm
        else f"no districts at {content.stage_label}"
    )
    rows = [
        ("Date", long_date(content.report_date)),
        ("Consultant", content.consultant),
        ("Scoring model", f"{content.model.name} ({content.model.id})"),
        ("Benchmark", f"{bm.label}, {bm.date}"),
        ("Benchmark districts", districts),
    ]
    doc.add_paragraph().paragraph_format.space_before = Pt(24)
    table = data_table(doc, ("Report details", ""), rows, (1.8, 4.7), font_size=10)
    first = grid(table)[0]
    first[0].merge(first[1])
    if bm.illustrative:
        warning = doc.add_paragraph()
        warning.paragraph_format.space_before = Pt(12)
        run = warning.add_run(
            "Illustrative benchmark. The comparison figures in this report come from the "
            "illustrative benchmark shipped with Onpoint Desktop, not from measured district "
            "data; treat every comparison as indicative only."
        )
        run.italic, run.font.size = True, Pt(10)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _summary(doc: Document, content: ReportContent, **_: object) -> None:
    doc.add_heading("Executive summary", level=1)
    for paragraph in executive_summary(content):
        doc.add_paragraph(paragraph)


def _picture(doc: Document, png: bytes, captions: Captions, caption: str) -> None:
    doc.add_picture(io.BytesIO(png), width=Inches(TEXT_WIDTH))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    captions.add(doc, "Figure", caption, keep_with_next=False)


def _charts(
    doc: Document,
    content: ReportContent,
    *,
    charts: Mapping[str, bytes],
    captions: Captions,
    **_: object,
) -> None:
    stage = content.stage_label
    doc.add_heading("Results against the benchmark", level=1)
    doc.add_paragraph(
        f"Each bar is the district's score in {content.round.label}. Behind it, the grey band "
        f"spans the middle half of benchmark districts at {stage} (25th to 75th percentile) "
        "and the dark tick marks their median."
    ).paragraph_format.keep_with_next = True
    _picture(
        doc,
        charts["components"],
        captions,
        f"Onpoint score and components, {content.round.label}, against the {stage} benchmark",
    )
    doc.add_heading("Progress across rounds", level=2)
    if "total_trend" not in charts:
        doc.add_paragraph(
            f"{content.round.label} is the district's first assessment round, so there is no "
            "trend to show yet. Later reports will chart the change from this baseline."
        )
        return
    doc.add_paragraph(
        "Each round is compared with the benchmark for the stage the district was at in "
        "that round, so the grey band moves up as expectations rise."
    ).paragraph_format.keep_with_next = True  # never stranded above its chart
    _picture(doc, charts["total_trend"], captions, "Onpoint score across rounds")
    _picture(doc, charts["component_trend"], captions, "Component scores across rounds")


def _component_name_cell(cell, name: str, status: str, *, bold: bool = False) -> None:
    paragraph = cell_text(cell, name, bold=bold)
    extra = {
        "expert-only": "expert rating only",
        "survey-only": "survey only",
        "unavailable": "no results yet",
    }.get(status)
    if extra:
        run = paragraph.add_run(f"\n{extra}")
        run.italic, run.font.size = True, Pt(8)
        run.font.color.rgb = RGBColor.from_string(palette.MUTED_TEXT)


def _component_table(
    doc: Document, content: ReportContent, *, captions: Captions, **_: object
) -> None:
    model, score = content.model, content.score
    min_n = model.min_n
    doc.add_heading("Component scores", level=1)
    doc.add_paragraph(
        "Each component blends the consultant's expert ratings of its focus areas with the "
        "teacher and leader surveys. The expert and survey parts are shown on the same "
        f"{whole(model.score_min)}–{whole(model.score_max)} scale as the score."
    )
    pct_total = content.percentiles("total")
    rows = [
        [
            "Onpoint score (total)",
            score_text(score.total),
            DASH,
            DASH,
            count_text(content.respondents.get("teacher", 0), min_n),
            count_text(content.respondents.get("leader", 0), min_n),
            whole(pct_total.p50) if pct_total else DASH,
            BAND_WORDS[score.total_band],
        ],
    ]
    for c in score.components:
        rows.append(
            [
                c.name,
                score_text(c.score),
                score_text(None if c.expert is None else model.to_score(c.expert)),
                score_text(None if c.survey is None else model.to_score(c.survey)),
                count_text(c.n_teacher, min_n),
                count_text(c.n_leader, min_n),
                whole(c.median) if c.median is not None else DASH,
                BAND_WORDS[c.band],
            ]
        )
    captions.add(doc, "Table", f"Component scores, {content.round.label}", keep_with_next=True)
    header = (
        "Component",
        "Score",
        "Expert part",
        "Survey part",
        "Teachers",
        "Leaders",
        f"{content.stage_label} median",
        "Band",
    )
    table = data_table(
        doc,
        header,
        rows,
        (1.6, 0.55, 0.6, 0.6, 0.85, 0.85, 0.8, 0.65),
        numeric=(1, 2, 3, 4, 5, 6),
        font_size=8.5,
    )
    cells = grid(table)
    _component_name_cell(cells[1][0], rows[0][0], "complete", bold=True)
    for r, c in enumerate(score.components, start=2):
        _component_name_cell(cells[r][0], c.name, c.status)
    note(
        doc,
        f"Expert rating only / survey only: the component rests on one source, so its "
        f"score is provisional. Fewer than {min_n}: too few respondents of that role "
        f"answered the component's questions, so their answers are neither shown nor used "
        f"(at least {min_n} are needed). Band: below, within or above the middle half "
        f"(25th–75th percentile) of benchmark districts at {content.stage_label}.",
    )


def _highlight_entries(doc: Document, content: ReportContent, highlights: Highlights) -> None:
    for h in highlights.named or highlights.nearest:
        c = h.component
        distance = points(c.delta)
        if distance != "at the median":
            distance += " the median"
        doc.add_heading(f"{c.name}: {score_text(c.score)} ({distance})", level=3)
        if h.recommendation is None:
            doc.add_paragraph("No recommendation text covers this component at this stage.")
            continue
        title = doc.add_paragraph()
        title.add_run(h.recommendation.title).bold = True
        title.paragraph_format.keep_with_next = True
        title.paragraph_format.space_after = Pt(3)
        doc.add_paragraph(h.recommendation.text)


def _highlights(doc: Document, content: ReportContent, **_: object) -> None:
    stage = content.stage_label
    doc.add_heading("Strengths and focus areas", level=1)
    if content.stage_benchmark is None:
        doc.add_paragraph(
            f"The benchmark in use has no districts at {stage}, so strengths and focus areas "
            "cannot be named."
        )
        return
    doc.add_paragraph(
        f"Strengths are the components furthest above the median of benchmark districts at "
        f"{stage}; focus areas are those furthest below it. Each comes with a recommendation "
        f"for districts at {stage}."
    )
    for title, highlights, side in (
        ("Strengths", content.strengths, "above"),
        ("Focus areas", content.focus_areas, "below"),
    ):
        doc.add_heading(title, level=2)
        if not highlights.named:
            closest = names_of(highlights)
            text = f"No component is {side} the {stage} median."
            if closest:
                text += f" The closest to it {'is' if len(closest) == 1 else 'are'} listed here."
            doc.add_paragraph(text)
        _highlight_entries(doc, content, highlights)


def names_of(highlights: Highlights) -> list[str]:
    return [h.component.name for h in highlights.named or highlights.nearest]

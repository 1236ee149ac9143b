"""The Word document: page setup, document properties, the cover, and every section in
order (:func:`build_document`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Inches, Pt, RGBColor

from onpoint_desktop.report import (
    action_plan,
    board,
    methodology,
    palette,
    participation,
    properties,
    results,
    summary,
    survey_items,
    visit_sections,
)
from onpoint_desktop.report.cases import coverage
from onpoint_desktop.report.charts import Chart
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.tables import Cell, add_table
from onpoint_desktop.report.text import day_text
from onpoint_desktop.report.word import Captions, add_field, paragraph
from onpoint_desktop.report.wording import BAND_WORDS, benchmark_title, score_text, whole

BODY_FONT = "Calibri"  # the body in the headings' face; restyle via the Normal style
TEXT_WIDTH = 6.5  # inches: US Letter portrait with 1-inch margins


def _survey(doc: Document, content: ReportContent, *, captions: Captions, **_: object) -> None:
    if participation.add_participation(doc, content, captions=captions):
        survey_items.add_gaps(doc, content)
        survey_items.add_item_results(doc, content, captions)
        participation.add_school_scores(doc, content, captions)


SECTIONS = (
    "cover",
    "summary",
    "results",
    "progress",
    "highlights",
    "action plan",
    "survey",
    "walkthroughs",
    "perspectives",
    "conditions",
    "board",
    "methodology",
)


def build_document(
    content: ReportContent, charts: Mapping[str, Chart], step: Callable[[], None]
) -> Document:
    """The whole report; ``step()`` is called after each section (progress, cancel)."""
    doc = docx.Document()
    _page_setup(doc, content)
    properties.set_properties(doc, content)
    captions = Captions()
    for section in (
        _cover,
        summary.add_summary,
        results.add_results,
        results.add_progress,
        results.add_highlights,
        action_plan.add_action_plan,
        _survey,
        visit_sections.add_walkthroughs,
        visit_sections.add_perspectives,
        visit_sections.add_conditions,
        board.add_board,
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
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.paragraph_format.widow_control = True
    header = section.header.paragraphs[0]
    header.text = f"{content.district} · Onpoint report {content.round.label}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES", "1")


def _cover(doc: Document, content: ReportContent, **_: object) -> None:
    bm, stage_bm = content.benchmark, content.stage_benchmark
    paragraph(doc, content.district, "Title")
    paragraph(doc, "Personalized Learning Implementation Report", "Subtitle")
    lead = doc.add_paragraph()
    run = lead.add_run(f"Round {content.round.label} · {content.stage_label}")
    run.font.size = Pt(14)
    score = doc.add_paragraph()
    score.paragraph_format.space_before = Pt(18)
    score.paragraph_format.space_after = Pt(4)
    run = score.add_run(f"Onpoint score {score_text(content.score.total)}")
    run.font.size, run.bold = Pt(24), True
    run.font.color.rgb = RGBColor.from_string(palette.DISTRICT_TEXT)
    if content.score.provisional:
        flag = score.add_run("  provisional")
        flag.font.size, flag.italic = Pt(16), True
        flag.font.color.rgb = RGBColor.from_string(palette.MUTED_TEXT)
    headline = coverage(content).wording().headline
    if headline:
        warning = doc.add_paragraph()
        warning.paragraph_format.space_after = Pt(4)
        run = warning.add_run(headline)
        run.bold, run.font.size = True, Pt(12)
    pct = content.percentiles("total")
    if content.score.total is not None and pct is not None:
        band = doc.add_paragraph()
        illustrative = " illustrative" if bm.illustrative else ""
        band.add_run(
            f"{BAND_WORDS[content.score.total_band]} the{illustrative} {content.stage_label} "
            f"benchmark range ({whole(pct.p25)}–{whole(pct.p75)}, median {whole(pct.p50)})"
        ).font.size = Pt(13)
    districts = (
        f"{stage_bm.n_districts} districts at {content.stage_label}"
        if stage_bm
        else f"no districts at {content.stage_label}"
    )
    if bm.illustrative and stage_bm:
        districts += " (illustrative figures, not measured data)"
    rows = [
        [Cell("Report details", span=2), ""][:1],
        ["Date", day_text(content.report_date)],
        ["Consultant", content.consultant],
        ["Scoring model", f"{content.model.name} ({content.model.id})"],
        ["Benchmark", f"{benchmark_title(content)}, {day_text(bm.date)}"],
        ["Benchmark districts", districts],
    ]
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_before = Pt(24)
    add_table(doc, rows, (1.8, 4.7), font_size=10, keep_together=True)
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

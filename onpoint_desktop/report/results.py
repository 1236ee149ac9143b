"""The score in detail: the components against the benchmark (chart and table), progress
across rounds with the landmarks of the journey, and the strengths and focus areas with
their full recommendations."""

from __future__ import annotations

from collections.abc import Mapping

from docx.document import Document
from docx.shared import Pt

from onpoint_desktop.report.cases import coverage
from onpoint_desktop.report.charts import WIDTH_IN, Chart
from onpoint_desktop.report.content import Highlight, ReportContent
from onpoint_desktop.report.synthesis import (
    landmark_benchmark_sentence,
    landmark_district_sentence,
)
from onpoint_desktop.report.tables import Cell, add_table
from onpoint_desktop.report.word import (
    Captions,
    add_picture,
    heading,
    keep_with_next,
    legend,
    note,
    paragraph,
)
from onpoint_desktop.report.wording import (
    BAND_WORDS,
    DASH,
    benchmark_words,
    count_text,
    median_words,
    names,
    points,
    score_text,
    whole,
)

STATUS_WORDS = {
    "expert-only": "expert rating only",
    "survey-only": "survey only",
    "unavailable": "no result yet",
}


def _figure(doc: Document, chart: Chart, captions: Captions, caption: str) -> None:
    add_picture(doc, chart.png, WIDTH_IN, chart.alt)
    legend(doc, chart.legend)
    captions.add(doc, "Figure", caption, keep_with_next=False)


def add_results(
    doc: Document,
    content: ReportContent,
    *,
    charts: Mapping[str, Chart],
    captions: Captions,
    **_: object,
) -> None:
    stage = content.stage_label
    bm = benchmark_words(content)
    heading(doc, "Results against the benchmark", 1)
    text = (
        f"Each bar is the district's score in {content.round.label}. Behind it, the grey band "
        f"spans the middle half of {bm} at {stage} (25th to 75th percentile) and the dark "
        "tick marks its median."
    )
    if content.benchmark.illustrative:
        text += (
            " The illustrative benchmark is not measured data: read the comparison as indicative."
        )
    if any(c.provisional for c in content.score.components) or content.score.provisional:
        text += " Hatched bars are provisional: they rest on part of their evidence."
    keep_with_next(doc.add_paragraph(text))
    _figure(
        doc,
        charts["components"],
        captions,
        f"Onpoint score and components, {content.round.label}, against {bm} at {stage}",
    )
    _component_table(doc, content, captions)


def _name_cell(name: str, c, *, min_n: int, bold: bool = False) -> Cell:
    extra = STATUS_WORDS.get(c.status) if c is not None else None
    if c is not None and c.status == "complete" and c.held_back_roles:
        roles = names([f"{r}s" for r in c.held_back_roles])
        extra = f"{roles} set aside ({'fewer than'} {min_n})"
    return Cell(name, bold=bold, note=extra)


def interval_text(ci: tuple[float, float] | None, se: float | None) -> str:
    """A 90% interval as the table prints it: 'exact' for expert ratings alone."""
    if ci is None:
        return DASH
    if se == 0:
        return "exact"
    return f"{whole(ci[0])}–{whole(ci[1])}"


def _component_table(doc: Document, content: ReportContent, captions: Captions) -> None:
    model, score = content.model, content.score
    min_n = model.min_n
    heading(doc, "Component scores", 2)
    keep_with_next(
        doc.add_paragraph(
            "Each component blends the consultant's expert ratings of its focus areas with the "
            "teacher and leader surveys. The expert and survey parts are shown on the same "
            f"{whole(model.score_min)}–{whole(model.score_max)} scale as the score."
        )
    )
    pct_total = content.percentiles("total")
    total_note = "provisional" if score.provisional else None
    rows: list[list] = [
        [
            "Component",
            "Score",
            "90% interval",
            "Expert part",
            "Survey part",
            "Teachers",
            "Leaders",
            f"{content.stage_label} median",
            "Band",
        ],
        [
            Cell("Onpoint score (total)", bold=True, note=total_note),
            score_text(score.total),
            interval_text(score.total_ci, score.total_se),
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
                _name_cell(c.name, c, min_n=min_n),
                score_text(c.score),
                interval_text(c.ci, c.se),
                score_text(None if c.expert is None else model.to_score(c.expert)),
                score_text(None if c.survey is None else model.to_score(c.survey)),
                count_text(c.n_teacher, min_n),
                count_text(c.n_leader, min_n),
                whole(c.median) if c.median is not None else DASH,
                BAND_WORDS[c.band],
            ]
        )
    captions.add(doc, "Table", f"Component scores, {content.round.label}", keep_with_next=True)
    add_table(
        doc,
        rows,
        (1.4, 0.55, 0.75, 0.55, 0.55, 0.75, 0.75, 0.6, 0.6),
        numeric=(1, 2, 3, 4, 5, 6, 7),
        font_size=8.5,
        keep_together=True,
        keep_with_next=True,  # with its legend below
    )
    legend = []
    statuses = {c.status for c in score.components}
    if statuses & {"expert-only", "survey-only"}:
        legend.append(
            "Expert rating only / survey only: the component rests on one source, so its "
            "score is provisional."
        )
    if "unavailable" in statuses:
        legend.append("No result yet: neither a rated focus area nor usable survey answers.")
    if any(c.held_back_roles for c in score.components) or any(
        0 < n < min_n for n in content.respondents.values()
    ):
        legend.append(
            f"Fewer than {min_n}: too few respondents of that role answered the component's "
            f"questions, so their answers are neither shown nor used (at least {min_n} are "
            "needed); a component with a role set aside is provisional."
        )
    legend.append(
        "90% interval: where the score would likely lie with other respondents of the same "
        "schools (survey parts vary, expert ratings are fixed; 'exact' when only expert "
        "ratings count)."
    )
    legend.append(
        "Band: below, within or above the middle half (25th–75th percentile) of "
        f"{benchmark_words(content)} at {content.stage_label}."
    )
    note(doc, " ".join(legend))


def add_progress(
    doc: Document,
    content: ReportContent,
    *,
    charts: Mapping[str, Chart],
    captions: Captions,
    **_: object,
) -> None:
    heading(doc, "Progress across rounds", 1)
    if "total_trend" not in charts:
        doc.add_paragraph(
            f"{content.round.label} is the district's first assessment round, so there is no "
            "trend to show yet. Later reports will chart the change from this baseline."
        )
    else:
        text = (
            "Each round is compared with the median of "
            f"{benchmark_words(content)} for the stage the district was at in that round, so "
            "the grey band moves up as expectations rise."
        )
        provisional = [r.round.label for r in content.history if r.score.provisional]
        if provisional:
            verb = "was" if len(provisional) == 1 else "were"
            text += (
                f" Hollow points are provisional: {names(provisional)} {verb} incomplete (not "
                "every component had both expert and survey results), so changes to or from "
                f"{'it' if len(provisional) == 1 else 'them'} are not like for like."
            )
        keep_with_next(doc.add_paragraph(text))
        _figure(doc, charts["total_trend"], captions, "Onpoint score across rounds")
        _figure(doc, charts["component_trend"], captions, "Component scores across rounds")
    _landmarks(doc, content, captions)


def _landmarks(doc: Document, content: ReportContent, captions: Captions) -> None:
    readings = [r for r in content.landmarks if len(r.medians) > 2]
    if not readings:
        return
    heading(doc, "Landmarks on the journey", 2)
    keep_with_next(
        doc.add_paragraph(
            "Onpoint describes four patterns in how districts progress. Here each is read "
            f"against {benchmark_words(content)} and against the district's own rounds."
        )
    )
    rows: list[list] = [["Landmark", f"What {benchmark_words(content)} shows", "The district"]]
    for r in readings:
        shows = landmark_benchmark_sentence(content, r)
        if not r.holds:
            shows += " This benchmark does not show the pattern."
        rows.append(
            [
                Cell(r.landmark.title, bold=True, note=r.landmark.text),
                shows,
                landmark_district_sentence(content, r) or "No score for this component yet.",
            ]
        )
    captions.add(doc, "Table", "Landmarks of the journey", keep_with_next=True)
    add_table(doc, rows, (2.1, 2.3, 2.1), font_size=8.5)


def _highlight_entries(doc: Document, content: ReportContent, highlights) -> None:
    for h in highlights:
        _entry(doc, content, h)


def _entry(doc: Document, content: ReportContent, h: Highlight) -> None:
    c = h.component
    distance = points(c.delta)
    if distance != "at the median":
        distance += " the median"
    heading(doc, f"{c.name}: {score_text(c.score)} ({distance})", 3)
    if h.recommendation is None:
        doc.add_paragraph("No recommendation text covers this component at this stage.")
    else:
        title = doc.add_paragraph()
        title.add_run(h.recommendation.title).bold = True
        title.paragraph_format.keep_with_next = True
        title.paragraph_format.space_after = Pt(3)
        doc.add_paragraph(h.recommendation.text)
    if h.evidence:
        lead = keep_with_next(doc.add_paragraph())
        lead.add_run("The district's evidence").bold = True
        lead.paragraph_format.space_after = Pt(2)
        for e in h.evidence:
            level = content.framework.level_label(e.event.level)
            item = paragraph(doc, style="List Bullet")
            item.add_run(f"{e.area.label} ({level}): ").bold = True
            item.add_run(e.event.note or "")


def add_highlights(doc: Document, content: ReportContent, **_: object) -> None:
    stage = content.stage_label
    heading(doc, "Strengths and focus areas", 1)
    wording = coverage(content).wording()
    if wording.highlights:
        doc.add_paragraph(wording.highlights)
        return
    if content.stage_benchmark is None:
        doc.add_paragraph(
            f"{benchmark_words(content).capitalize()} has no districts at {stage}, so "
            "strengths and focus areas cannot be named."
        )
        return
    doc.add_paragraph(
        f"Strengths are the components furthest above {median_words(content)}; focus areas "
        f"are those furthest below it (up to {content.model.highlights} of each). Each comes "
        f"with a recommendation for districts at {stage} and the evidence notes recorded on "
        "its focus areas."
    )
    for title, chosen, side, kind in (
        ("Strengths", content.strengths, "above", "a strength"),
        ("Focus areas", content.focus_areas, "below", "a focus area"),
    ):
        heading(doc, title, 2)
        if not chosen:
            doc.add_paragraph(
                f"No component is {side} {median_words(content)}, so none is named {kind}."
            )
            continue
        _highlight_entries(doc, content, chosen)

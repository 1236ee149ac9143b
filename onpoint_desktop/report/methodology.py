"""Appendix: how the Onpoint score is built, read from the scoring model resource and
the benchmark in use (never hard-coded), so a new model version describes itself."""

from __future__ import annotations

from docx.document import Document

from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.tables import add_table
from onpoint_desktop.report.text import day_text
from onpoint_desktop.report.word import Captions, heading, keep_with_next, paragraph
from onpoint_desktop.report.wording import benchmark_title, benchmark_words, whole
from onpoint_desktop.survey_results import GAP_THRESHOLD_POINTS


def _number(value: float) -> str:
    return f"{value:g}"


def add_methodology(
    doc: Document, content: ReportContent, *, captions: Captions, **_: object
) -> None:
    model, fw, bm = content.model, content.framework, content.benchmark
    alpha = model.expert_weight
    lo, hi = whole(model.score_min), whole(model.score_max)
    top = fw.max_level
    title = heading(doc, "Appendix: how the Onpoint score is built", 1)
    title.paragraph_format.page_break_before = True
    doc.add_paragraph(
        f"Scores follow the scoring model {model.id} ({model.name}) and run from {lo} to "
        f"{hi}. Each of the {len(model.components)} components combines two parts, each "
        "first expressed between 0 and 1."
    )
    instrument = next(iter(model.instruments.values()))
    role_weights = " and ".join(f"{role}s {_number(w)}" for role, w in model.role_weights.items())
    for text in (
        f"Expert part: the mean over the component's rated focus areas of (level − 1) / "
        f"{top - 1}, so {fw.level_label(1)} counts 0 and {fw.level_label(top)} counts 1. "
        "Unrated areas are left out.",
        f"Survey part: for each role, the mean over the component's questions of (mean answer "
        f"− {instrument.scale_min}) / {instrument.scale_max - instrument.scale_min} on the "
        f"{instrument.scale_max}-point agreement scale, with negatively worded questions "
        f"reversed. The roles are combined with weights {role_weights}.",
        f"Privacy and reliability: a role's answers to a component are used only when at "
        f"least {model.min_n} respondents of that role answered its questions.",
        f"Component score: {lo} + {whole(model.score_max - model.score_min)} × "
        f"({_number(alpha)} × expert part + {_number(1 - alpha)} × survey part) when both "
        "parts exist, otherwise the part that exists.",
        "Onpoint score: the same scale applied to the weighted mean of the components that "
        "have results (weights below).",
        "Provisional: a component score that rests on one part only, or that leaves out a "
        f"role with fewer than {model.min_n} respondents; an Onpoint score is provisional "
        "when not every component has both parts. Changes to or from a provisional score "
        "are not like for like.",
        "Uncertainty: every survey part, component score and Onpoint score carries a 90% "
        "interval, the score ± 1.645 standard errors. The standard error is analytic, not "
        "bootstrapped: a role's survey part is a mean of question means, so its variance is "
        "the sum over pairs of questions of the covariance of their means, each from the "
        "respondents who answered both; components and the Onpoint score combine those "
        "parts with fixed weights, counting that the same people answered every component; "
        "teachers and leaders are independent samples; expert ratings count as fixed. It is "
        "computed from sums kept with the responses, so it is exact for these respondents, "
        "the same every time, and costs nothing when a rating changes. It measures who "
        "happened to answer, not whether the questions measure well.",
        "A change between two rounds is called clear only when its own 90% interval "
        "(the two rounds' standard errors combined as independent samples) excludes zero; "
        "otherwise it is within the margin of error. A change in expert ratings alone is "
        "exact.",
        f"Survey results by question are shown only when at least {model.min_n} of a role "
        "answered the question. Differences of at least "
        f"{whole(GAP_THRESHOLD_POINTS)} points between the teachers' and leaders' parts, or "
        "between the expert and survey parts, are called out.",
    ):
        paragraph(doc, text, "List Bullet")
    weight_total = sum(c.weight for c in model.components)
    rows = [
        (
            c.name,
            f"{100 * c.weight / weight_total:.1f}%",
            str(len(c.areas)),
            *(str(len(model.items_of(role, c.id))) for role in model.role_weights),
        )
        for c in model.components
    ]
    captions.add(doc, "Table", f"Components of {model.id}", keep_with_next=True)
    roles = [f"{role.capitalize()} questions" for role in model.role_weights]
    add_table(
        doc,
        [("Component", "Weight", "Focus areas", *roles), *rows],
        (2.5, 0.9, 1.0, *[2.1 / len(roles)] * len(roles)),
        numeric=tuple(range(1, 3 + len(roles))),
    )
    heading(doc, "Benchmark", 2)
    keep_with_next(
        doc.add_paragraph(
            f"{benchmark_title(content)}, dated {day_text(bm.date)}. {bm.source} A score is "
            f"below {benchmark_words(content)} under the 25th percentile of its districts at "
            "the same stage, above it over the 75th percentile, and within it otherwise. "
            f"Strengths and focus areas are the up to {model.highlights} components furthest "
            f"above and below the stage median of {benchmark_words(content)}."
        )
    )
    rows = [
        (
            fw.stage_label(stage.id),
            str(bm.stages[stage.id].n_districts),
            whole(bm.stages[stage.id].total.p25),
            whole(bm.stages[stage.id].total.p50),
            whole(bm.stages[stage.id].total.p75),
        )
        for stage in fw.stages
        if stage.id in bm.stages
    ]
    if rows:
        title = "Illustrative benchmark" if bm.illustrative else "Benchmark"
        captions.add(doc, "Table", f"{title}: Onpoint score by stage", keep_with_next=True)
        add_table(
            doc,
            [("Stage", "Districts", "25th percentile", "Median", "75th percentile"), *rows],
            (1.7, 1.2, 1.2, 1.2, 1.2),
            numeric=(1, 2, 3, 4),
        )

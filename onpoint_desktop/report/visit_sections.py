"""The report's visit-evidence sections (SPEC §12; issue 16 item 4), after the survey:
"Classroom walkthroughs", "Perspectives" and "Conditions for scale". Each is left out
when the round has none of its evidence; none of them is part of the Onpoint score, and
each says so."""

from __future__ import annotations

from docx.document import Document

from onpoint_desktop.english import counted
from onpoint_desktop.report.charts import Chart
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.tables import Cell, add_table
from onpoint_desktop.report.text import day_text
from onpoint_desktop.report.word import Captions, add_picture, heading, keep_with_next, legend, note

NOT_SCORED = "It is evidence beside the score: it does not enter the Onpoint score."


def add_walkthroughs(
    doc: Document, content: ReportContent, *, charts: dict[str, Chart], captions: Captions, **_
) -> None:
    visit = content.visit
    if visit is None or not visit.has_walkthroughs:
        return
    profile = visit.walkthroughs
    inst = profile.instrument
    heading(doc, "Classroom walkthroughs", 1)
    days = visit.observed_on
    when = (
        f"on {day_text(days[0])}"
        if len(days) == 1
        else f"between {day_text(days[0])} and {day_text(days[-1])}"
    )
    schools = profile.overall.schools
    intro = doc.add_paragraph(
        f"During the visit {counted(profile.n, 'classroom')} in "
        f"{counted(schools, 'school')} were observed {when} against the Core Four of "
        f"personalized learning, each element rated "
        + ", ".join(f"{v} {label}" for v, label in inst.levels)
        + ". No teacher or student is named. "
        + NOT_SCORED
    )
    chart = charts.get("walkthroughs")
    if chart is not None:
        keep_with_next(intro)
    if chart is not None:
        add_picture(doc, chart.png, chart.width, chart.alt)
        legend(doc, chart.legend)
        captions.add(
            doc,
            "Figure",
            f"Share of observed classrooms at each level, {content.round.label}",
            keep_with_next=False,
        )
    merged = next((g for g in profile.schools if g.merged), None)
    hidden = []
    if merged is not None:
        hidden.append(
            f"{counted(len(merged.merged), 'school')} with fewer than {profile.min_n} observed "
            f"classrooms each are shown together as \u201c{merged.label}\u201d"
        )
    if profile.hidden:
        hidden.append(
            f"{counted(profile.hidden, 'classroom')} from schools with fewer than "
            f"{profile.min_n} observed count in the overall profile only"
        )
    if hidden:
        note(doc, "So that no classroom can be told apart: " + "; ".join(hidden) + ".")
    keep_with_next(
        doc.add_paragraph("What each element informs, and where the district's classrooms stand:")
    )
    rows: list[list] = [["Element", "Informs", "Developing or strong", "Average (0–3)"]]
    for element in inst.elements:
        ep = profile.overall.element(element.id)
        upper = sum(ep.counts[2:]) / ep.n if ep.n else 0
        rows.append(
            [
                Cell(element.label, bold=True, note=element.look_for),
                ", ".join(visit.component_names.get(c, c) for c in element.components),
                f"{upper:.0%}",
                "—" if ep.mean is None else f"{ep.mean:.1f}",
            ]
        )
    captions.add(doc, "Table", "The Core Four and the components they inform", keep_with_next=True)
    add_table(doc, rows, (2.6, 1.9, 1.0, 1.0), font_size=8.5, numeric=(2, 3))


def add_perspectives(doc: Document, content: ReportContent, *, captions: Captions, **_) -> None:
    visit = content.visit
    if visit is None or not visit.has_district_view:
        return
    fw = content.framework
    heading(doc, "Perspectives", 1)
    both = [g for g in visit.gaps if g.gap is not None]
    agree = sum(1 for g in both if g.gap == 0)
    keep_with_next(
        doc.add_paragraph(
            f"The district's own team rated the same board. Of the {counted(len(both), 'area')} "
            f"both rated, they agree with the consultant on {agree}. The district's view is "
            "shown beside the expert rating; only the expert rating enters the Onpoint score."
        )
    )
    if visit.largest_gaps:
        named = "; ".join(
            f"{fw.areas[g.area].label} (district {fw.level_label(g.district)}, "
            f"expert {fw.level_label(g.expert)})"
            for g in visit.largest_gaps
        )
        keep_with_next(doc.add_paragraph(f"The largest gaps: {named}."))
    rows: list[list] = [["Category and focus area", "Expert", "District", "Gap"]]
    for category in fw.categories:
        rows.append([Cell(category.label, bold=True, span=4, fill="DCE6F1")])
        for area in category.areas:
            g = next(x for x in visit.gaps if x.area == area.id)
            big = g.gap is not None and abs(g.gap) >= 2
            rows.append(
                [
                    area.label,
                    fw.level_label(g.expert),
                    fw.level_label(g.district),
                    Cell(g.gap_text, bold=big),
                ]
            )
    captions.add(
        doc, "Table", f"Expert and district ratings, {content.round.label}", keep_with_next=True
    )
    add_table(doc, rows, (3.5, 1.1, 1.1, 0.8), font_size=8.5, keep_together=False, numeric=(3,))
    note(doc, "Gap: the district's level minus the expert's; a positive gap means the district "
         "rates itself further along.")  # fmt: skip


def add_conditions(doc: Document, content: ReportContent, *, captions: Captions, **_) -> None:
    visit = content.visit
    if visit is None or not visit.has_conditions:
        return
    inst = visit.conditions
    heading(doc, "Conditions for scale", 1)
    keep_with_next(
        doc.add_paragraph(
            f"The {inst.label.lower()}, after {inst.source}. Each condition is rated "
            + " / ".join(s.label for s in inst.states)
            + ". Readiness groups them by the three operational areas of the self-assessment. "
            + NOT_SCORED
        )
    )
    labels = {a.id: a.label for a in inst.readiness_areas}
    rows: list[list] = [["Readiness area", "In place", "Rated", *[s.label for s in inst.states]]]
    for r in visit.readiness:
        rows.append(
            [
                Cell(labels[r.area], bold=True),
                "—" if r.value is None else f"{r.value:.0%}",
                f"{r.rated} of {len(r.conditions)}",
                *[str(r.counts[s.id]) for s in inst.states],
            ]
        )
    captions.add(doc, "Table", f"Readiness profile, {content.round.label}", keep_with_next=True)
    add_table(doc, rows, (1.9, 0.8, 0.8, 1.0, 1.0, 1.0), font_size=8.5, numeric=(1, 2, 3, 4, 5))
    note(doc, "In place: the share of the area's rated conditions in place (partially counts "
         "half).")  # fmt: skip
    rows = [["Condition", "State", "Note"]]
    for condition in inst.conditions:
        event = visit.condition_states.get(condition.id)
        linked = ", ".join(visit.component_names.get(c, c) for c in condition.components)
        rows.append(
            [
                Cell(condition.label, bold=True, note=f"{labels[condition.readiness]} · {linked}"),
                inst.state_label(event.state if event else None),
                (event.note or "") if event else "",
            ]
        )
    captions.add(
        doc, "Table", f"The ten conditions for scale, {content.round.label}", keep_with_next=True
    )
    add_table(doc, rows, (2.4, 0.9, 3.2), font_size=8.5, split_rows=True)

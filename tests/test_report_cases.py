"""Reports of sparse rounds, read back: each case of the one wording table (nothing rated,
expert only, survey only, one component, all roles under min_n) says what the score rests
on, flags it where the score is shown, and never contradicts itself; strengths and focus
areas are exactly the core's."""

from __future__ import annotations

import json

import pytest
from report_reading import (
    alt_text,
    body_text,
    fill_of,
    open_report,
    paragraphs,
    pictures,
    rows_of,
    section_text,
    table_with_header,
)

from onpoint_desktop.cli import main
from onpoint_desktop.report import palette, write_report
from onpoint_desktop.report.cases import CASES, NO_HIGHLIGHTS, SURVEY_REASONS
from onpoint_desktop.workspace import Response


def _teachers(ws, round_id, school, count, items, value=4, start=0):
    ws.add_survey_responses(
        round_id,
        "teacher",
        [
            Response(f"{school}-{start + i}", {item: value for item in items}, school)
            for i in range(count)
        ],
    )


def _everyone(ws, round_id, teachers, leaders, value=5):
    """Teachers and leaders answering every item with ``value``."""
    for role, count in (("teacher", teachers), ("leader", leaders)):
        items = ws.current_model.instruments[role].item_ids
        ws.add_survey_responses(
            round_id,
            role,
            [Response(f"{role}-{i}", dict.fromkeys(items, value)) for i in range(count)],
        )


def _report(ws, tmp_path, round_id="r1"):
    return open_report(write_report(ws, round_id, tmp_path / f"{round_id}.docx"))


def _cover(doc) -> str:
    lines = []
    for p in doc.paragraphs:
        if p.text == "Executive summary":
            break
        lines.append(p.text)
    return "\n".join(lines)


def _contradictions(text: str) -> list[str]:
    """Sentences that sparse rounds used to get wrong (issue 15)."""
    wrong = [
        "the scores rest on the expert ratings alone",
        "No component is above the",
        "No component is below the",
        "the closest to it",
    ]
    return [w for w in wrong if w in text]


def test_nothing_rated_nothing_imported(ws, tmp_path):
    # Issue 15: an empty round said "No component is above / below the Year 1 median" and
    # "the scores rest on the expert ratings alone".
    doc = _report(ws, tmp_path)
    wording = CASES["nothing"]
    text = body_text(doc)
    assert wording.headline in _cover(doc)
    assert wording.basis.format(round="r1") in section_text(doc, "Executive summary")
    assert NO_HIGHLIGHTS in section_text(doc, "Strengths and focus areas")
    assert _contradictions(text) == []
    assert "No survey responses were imported for r1" in text
    assert "No evidence notes were recorded in r1." in text
    assert rows_of(table_with_header(doc, "Component"))[1][1] == "—"


def test_expert_ratings_only(ws, tmp_path):
    for area in ws.framework.areas:
        ws.rate("r1", area, 3)
    doc = _report(ws, tmp_path)
    score = ws.score("r1")
    summary = section_text(doc, "Executive summary")
    assert CASES["expert_only"].headline in _cover(doc)
    assert f"{score.total:,.1f}  provisional" in _cover(doc).replace("\n", " ")
    reason = SURVEY_REASONS["none"].format(round="r1")
    assert f"The score rests on the consultant's expert ratings alone: {reason}." in summary
    assert f"scored {score.total:,.1f} (provisional)" in summary
    names = [row[0] for row in rows_of(table_with_header(doc, "Component"))[2:]]
    assert all(n.endswith("\nexpert rating only") for n in names)


def test_survey_only_lists_exactly_the_cores_strengths_and_no_invented_focus_areas(
    ws, tmp_path, capsys
):
    # Issue 15: a surveys-only round listed components 108 and 126 points above the median
    # as "focus areas", with praise texts, while `score --json` had none.
    _everyone(ws, "r1", teachers=8, leaders=6, value=4)
    score = ws.score("r1")
    assert score.strengths and not score.focus_areas
    assert main(["score", str(ws.path), "--round", "r1", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["strengths"], printed["focus_areas"]) == (list(score.strengths), [])
    doc = _report(ws, tmp_path)
    assert CASES["survey_only"].headline in _cover(doc)
    assert "The score rests on the teacher and leader surveys alone" in body_text(doc)
    named = [h.split(":")[0] for h in paragraphs(doc, "Heading 3") if ": " in h]
    assert named == [score.component(c).name for c in score.strengths]
    focus = section_text(doc, "Focus areas", level=2)
    assert focus == (
        "No component is below the Planning median of the illustrative benchmark, so none "
        "is named a focus area."
    )
    next_steps = [r[2] for r in rows_of(table_with_header(doc, "#"))[1:]]
    assert next_steps == ["All components", *(score.component(c).name for c in score.strengths)]


def test_one_component_flags_the_headline(ws, tmp_path):
    # Issue 15: with only Operations rated the cover said "733.3, above the Planning
    # benchmark range" though 6 of 7 components have no result.
    for area in ws.current_model.by_id["operations"].areas:
        ws.rate("r1", area, 3)
    doc = _report(ws, tmp_path)
    cover = _cover(doc)
    assert "Onpoint score 733.3  provisional" in cover
    assert "Provisional: only Operations has a result" in cover
    assert "Above the illustrative Planning benchmark range" in cover
    summary = section_text(doc, "Executive summary")
    assert (
        "Only Operations has a result in r1 (expert ratings only), so the Onpoint score is "
        "that one component's score; the other 6 components have no result yet" in summary
    )
    assert "(provisional)" in alt_text(pictures(doc)[0])


def test_all_roles_under_min_n(ws, tmp_path):
    _everyone(ws, "r1", teachers=3, leaders=2)
    doc = _report(ws, tmp_path)
    text = body_text(doc)
    assert CASES["held_back"].headline in _cover(doc)
    assert CASES["held_back"].basis.format(round="r1", min_n=5) in text
    assert NO_HIGHLIGHTS in section_text(doc, "Strengths and focus areas")
    assert "Fewer than 5 teachers and fewer than 5 leaders answered the surveys" in text
    assert "no survey result can be shown or used yet" in text
    assert _contradictions(text) == []
    # No item's answers are shown: nothing below min_n ever is.
    bars = [p for p in pictures(doc) if "answers to" in alt_text(p)]
    assert bars == []
    assert "No question was answered by at least 5 teachers or 5 leaders in r1" in text
    assert not [t for t in doc.tables if t.rows[0].cells[0].text == "Question"]
    component_rows = rows_of(table_with_header(doc, "Component"))[1:]
    assert {r[5] for r in component_rows} == {"fewer than 5"}


def test_expert_ratings_with_surveys_all_under_min_n(ws, tmp_path):
    for area in ws.framework.areas:
        ws.rate("r1", area, 2)
    _everyone(ws, "r1", teachers=4, leaders=1)
    doc = _report(ws, tmp_path)
    reason = SURVEY_REASONS["held_back"].format(round="r1", min_n=5)
    assert f"expert ratings alone: {reason}." in section_text(doc, "Executive summary")


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_case_of_the_table_has_words_for_the_cover_and_summary(case):
    wording = CASES[case]
    if case == "complete":
        assert wording.headline is None and wording.basis is None
    else:
        assert wording.headline and wording.basis


def test_small_school_is_withheld_and_its_count_printed_nowhere(ws, tmp_path):
    # Lincoln has 3 teachers (below min_n 5); Roosevelt (7) is withheld with it, so the
    # district total (22) minus the shown school (12) cannot give Lincoln away.
    _teachers(ws, "r1", "Adams Middle", 12, ["T01", "T02"])
    _teachers(ws, "r1", "Lincoln Elementary", 3, ["T01", "T02"])
    _teachers(ws, "r1", "Roosevelt High", 7, ["T01", "T02"])
    doc = _report(ws, tmp_path)
    rows = {row[0]: row[1:] for row in rows_of(table_with_header(doc, "School"))}
    assert rows["Adams Middle"] == ["12", "none"]
    assert rows["Lincoln Elementary"] == ["withheld", "none"]
    assert rows["Roosevelt High"] == ["withheld", "none"]
    assert rows["District (all respondents)"] == ["22", "none"]
    table_cells = [c for row in rows.values() for c in row]
    assert "3" not in table_cells and "7" not in table_cells


def test_component_table_marks_one_source_components_and_small_roles(ws, tmp_path):
    ops = ws.current_model.by_id["operations"].areas
    for area in ops:
        ws.rate("r1", area, 3)
    _teachers(ws, "r1", "Adams Middle", 6, ["T01", "T02", "T03"])
    ws.add_survey_responses(
        "r1", "leader", [Response(f"l{i}", {"L01": 5}, "Adams Middle") for i in range(3)]
    )
    score = ws.score("r1")
    doc = _report(ws, tmp_path)
    rows = {row[0].split("\n")[0]: row for row in rows_of(table_with_header(doc, "Component"))}
    operations = rows["Operations"]
    assert operations[0] == "Operations\nexpert rating only"
    assert operations[1] == "733.3" == f"{score.component('operations').score:,.1f}"
    assert operations[2] == "exact"  # expert ratings only: no survey uncertainty
    strategy = rows["Strategy Communication"]
    assert strategy[0] == "Strategy Communication\nsurvey only"
    assert strategy[5:7] == ["6", "fewer than 5"]  # 3 leaders: neither shown nor used
    assert rows["Data Culture"][0] == "Data Culture\nno result yet"
    legend = body_text(doc)
    assert "Expert rating only / survey only: the component rests on one source" in legend
    assert "Fewer than 5: too few respondents" in legend
    assert (
        "Some results are provisional: Operations on expert ratings only and Strategy "
        "Communication on survey responses only" in legend
    )


def test_first_round_has_no_trend_and_no_change(ws, tmp_path):
    ws.rate("r1", "pl_vision_alignment", 2)
    doc = _report(ws, tmp_path)
    board = table_with_header(doc, "Strategy")
    vision, rollout = board.rows[1].cells[0], board.rows[2].cells[0]
    assert vision.text == "PL Vision Alignment\nEmerging"
    assert fill_of(vision) == palette.level_fills(4)[2]
    assert rollout.text == "PL Rollout Plan\nUnrated"
    assert fill_of(rollout) not in palette.level_fills(4).values()  # never a level colour
    assert len(doc.inline_shapes) == 1  # the components chart only
    text = body_text(doc)
    assert "first assessment round, so there is no trend to show yet" in text
    assert " since " not in section_text(doc, "Executive summary")


def test_later_round_reports_change_and_each_stage_benchmark(ws, tmp_path):
    for area in ws.framework.areas:
        ws.rate("r1", area, 2)
    ws.add_round("r2", "year1")
    for area in ws.framework.areas:
        ws.rate("r2", area, 3)
    doc = _report(ws, tmp_path, "r2")
    trend = [p for p in pictures(doc) if alt_text(p).startswith("Line chart: the Onpoint")]
    assert len(trend) == 1
    assert "r1 (Planning) 466.7, provisional, median 497" in alt_text(trend[0])
    # A report of the earlier round ignores the later one.
    early = _report(ws, tmp_path, "r1")
    assert len(early.inline_shapes) == 1


def test_a_change_between_complete_and_incomplete_rounds_is_worded_as_such(ws, tmp_path):
    # Issue 15: year-on-year changes mixed complete and incomplete rounds without saying so.
    for area in ws.framework.areas:
        ws.rate("r1", area, 2)
    _everyone(ws, "r1", teachers=6, leaders=5, value=3)
    assert ws.score("r1").complete
    ws.add_round("r2", "year1")
    for area in ws.framework.areas:
        ws.rate("r2", area, 3)  # no surveys yet in r2: provisional
    doc = _report(ws, tmp_path, "r2")
    text = body_text(doc)
    assert "This is not a like-for-like change: r2 is provisional" in text
    assert "Hollow points are provisional: r2 was incomplete" in text


def test_a_measured_benchmark_is_never_called_illustrative(ws, tmp_path):
    import dataclasses

    from onpoint_desktop.report.content import gather
    from onpoint_desktop.report.document import build_document
    from onpoint_desktop.report.writer import render_charts

    for area in ws.framework.areas:
        ws.rate("r1", area, 2)
    _everyone(ws, "r1", teachers=6, leaders=5, value=3)
    content = gather(ws, "r1")
    measured = dataclasses.replace(
        content.benchmark,
        name="HQ benchmark 2026",
        illustrative=False,
        source="Built by HQ from the latest complete round of 140 districts.",
    )
    content = dataclasses.replace(content, benchmark=measured)
    out = tmp_path / "measured.docx"
    build_document(content, render_charts(content), lambda: None).save(str(out))
    doc = open_report(out)
    text = body_text(doc)
    assert "illustrative" not in text.lower()
    assert "the middle half of the 38 districts of the benchmark at Planning score" in text
    assert "HQ benchmark 2026, January 15, 2026" in text


def test_a_landmark_share_is_only_given_for_growth(ws, tmp_path):
    """Strategy Communication rising by Year 1 then falling below its start: no
    "175% of its growth to date"."""
    levels = {"r1": 1, "r2": 4, "r3": 2}
    for round_id, stage in (("r2", "year1"), ("r3", "year2")):
        ws.add_round(round_id, stage)
    for round_id, level in levels.items():
        for area in ws.current_model.by_id["strategy_communication"].areas:
            ws.rate(round_id, area, level)
    text = body_text(_report(ws, tmp_path, "r3"))
    assert "of its growth to date" not in text
    assert "The district's Strategy Communication fell 533.3 points from r2 to r3" in text


def test_participation_says_no_leaders_not_none_leaders(ws, tmp_path):
    _teachers(ws, "r1", "Adams Middle", 40, ["T01", "T02"])
    text = body_text(open_report(write_report(ws, "r1", tmp_path / "r.docx")))
    assert "40 teachers and no leaders answered the surveys" in text
    assert "none leaders" not in text

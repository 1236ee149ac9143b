"""Reports of districts that are not the demo: small groups, one-source components,
no focus areas, a first round, nothing recorded yet."""

from __future__ import annotations

from report_reading import (
    body_text,
    fill_of,
    open_report,
    paragraphs,
    rows_of,
    table_with_header,
)

from onpoint_desktop.report import palette, write_report
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


def test_small_school_is_withheld_and_its_count_printed_nowhere(ws, tmp_path):
    # Lincoln has 3 teachers (below min_n 5); Roosevelt (7) is withheld with it, so the
    # district total (22) minus the shown school (12) cannot give Lincoln away.
    _teachers(ws, "r1", "Adams Middle", 12, ["T01", "T02"])
    _teachers(ws, "r1", "Lincoln Elementary", 3, ["T01", "T02"])
    _teachers(ws, "r1", "Roosevelt High", 7, ["T01", "T02"])
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    rows = {row[0]: row[1:] for row in rows_of(table_with_header(doc, "School"))}
    assert rows["Adams Middle"] == ["12", "none"]
    assert rows["Lincoln Elementary"] == ["fewer than 5 or withheld", "none"]
    assert rows["Roosevelt High"] == ["fewer than 5 or withheld", "none"]
    assert rows["District (all respondents)"] == ["22", "none"]
    table_cells = [c for row in rows.values() for c in row]
    assert "3" not in table_cells and "7" not in table_cells
    assert "Lincoln Elementary" not in body_text(doc).replace(
        "Lincoln Elementary\nfewer than 5 or withheld", ""
    )


def test_component_table_marks_one_source_components_and_small_roles(ws, tmp_path):
    ops = ws.current_model.by_id["operations"].areas
    for area in ops:
        ws.rate("r1", area, 3)
    _teachers(ws, "r1", "Adams Middle", 6, ["T01", "T02", "T03"])
    ws.add_survey_responses(
        "r1", "leader", [Response(f"l{i}", {"L01": 5}, "Adams Middle") for i in range(3)]
    )
    score = ws.score("r1")
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    rows = {row[0].split("\n")[0]: row for row in rows_of(table_with_header(doc, "Component"))}
    operations = rows["Operations"]
    assert operations[0] == "Operations\nexpert rating only"
    assert operations[1] == "733.3" == f"{score.component('operations').score:,.1f}"
    strategy = rows["Strategy Communication"]
    assert strategy[0] == "Strategy Communication\nsurvey only"
    assert strategy[4:6] == ["6", "fewer than 5"]  # 3 leaders: neither shown nor used
    assert rows["Data Culture"][0] == "Data Culture\nno results yet"
    legend = body_text(doc)
    assert "Expert rating only / survey only: the component rests on one source" in legend
    assert "Fewer than 5: too few respondents" in legend
    assert "Some results are provisional" in legend


def test_no_focus_area_below_the_median_names_the_closest(ws, tmp_path):
    for area in ws.framework.areas:
        ws.rate("r1", area, 4 if area != "culture_of_innovation" else 3)
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    text = body_text(doc)
    assert "No component is below the Planning median." in text
    # Culture of Innovation (733.3 vs 520) is closest to the median of all seven.
    assert "No component is below the Planning median; the closest to it are Culture" in text
    headings = paragraphs(doc, "Heading 3")
    assert any(
        h.startswith("Culture of Innovation: 733.3 (213 above the median)") for h in headings
    )


def test_first_round_has_no_trend_and_no_change(ws, tmp_path):
    ws.rate("r1", "pl_vision_alignment", 2)
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    board = table_with_header(doc, "Strategy")
    vision, rollout = board.rows[1].cells[0], board.rows[2].cells[0]
    assert vision.text == "PL Vision Alignment\nEmerging"
    assert fill_of(vision) == palette.level_fills(4)[2]
    assert rollout.text == "PL Rollout Plan\nUnrated"
    assert fill_of(rollout) not in palette.level_fills(4).values()  # never a level colour
    assert len(doc.inline_shapes) == 1  # the components chart only
    text = body_text(doc)
    assert "first assessment round, so there is no trend to show yet" in text
    assert "since" not in " ".join(paragraphs(doc, "Normal")[:6])


def test_later_round_reports_change_and_each_stage_benchmark(ws, tmp_path):
    for area in ws.framework.areas:
        ws.rate("r1", area, 2)
    ws.add_round("r2", "year1")
    for area in ws.framework.areas:
        ws.rate("r2", area, 3)
    before, now = ws.score("r1").total, ws.score("r2").total
    doc = open_report(write_report(ws, "r2", tmp_path / "r.docx"))
    text = body_text(doc)
    assert f"The score is up {now - before:,.1f} points since r1 (Planning)" in text
    assert "from Planning to Year 1, the benchmark median rises by 91 points" in text
    assert len(doc.inline_shapes) == 3
    # A report of the earlier round ignores the later one.
    early = open_report(write_report(ws, "r1", tmp_path / "early.docx"))
    assert len(early.inline_shapes) == 1


def test_round_with_nothing_recorded_still_reports(ws, tmp_path):
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    text = body_text(doc)
    assert "there is no Onpoint score yet" in text
    assert "No survey responses were imported for r1" in text
    assert "No evidence notes were recorded in r1." in text
    assert rows_of(table_with_header(doc, "Component"))[1][1] == "—"


def test_participation_says_no_leaders_not_none_leaders(ws, tmp_path):
    _teachers(ws, "r1", "Adams Middle", 40, ["T01", "T02"])
    text = body_text(open_report(write_report(ws, "r1", tmp_path / "r.docx")))
    assert "40 teachers and no leaders answered the surveys" in text
    assert "none leaders" not in text

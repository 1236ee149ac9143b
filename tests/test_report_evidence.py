"""The report's visit-evidence sections (issue 16 item 4): "Classroom walkthroughs",
"Perspectives" and "Conditions for scale", read back from the demo district's report."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from report_reading import (
    alt_text,
    open_report,
    paragraphs,
    pictures,
    rows_of,
    section_text,
    table_with_header,
)

from onpoint_desktop.report import write_report
from onpoint_desktop.workspace import Workspace

SECTIONS = ["Classroom walkthroughs", "Perspectives", "Conditions for scale"]


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evidence-report")
    db = folder / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    ws = Workspace.open(db)
    out = write_report(ws, None, folder / "report.docx", today=date(2025, 6, 3))
    yield ws, open_report(out)
    ws.close()


def test_the_three_sections_come_after_the_survey_and_before_the_board(demo):
    _, doc = demo
    headings = paragraphs(doc, "Heading 1")
    at = [headings.index(s) for s in SECTIONS]
    assert at == sorted(at)
    assert at[-1] < headings.index("The bingo board")


def test_walkthroughs_show_n_and_never_a_school_under_min_n(demo):
    ws, doc = demo
    profile = ws.walkthrough_profile("2024-25")
    text = section_text(doc, "Classroom walkthroughs")
    assert f"{profile.n} classrooms in 4 schools were observed" in text
    assert "No teacher or student is named" in text
    assert "does not enter the Onpoint score" in text
    # Roosevelt High had 4 classrooms observed: counted overall only, and said so.
    assert "4 classrooms from schools with fewer than 5 observed count in the overall" in text
    chart = next(p for p in pictures(doc) if "Core Four" in alt_text(p))
    assert "Roosevelt" not in alt_text(chart)
    rows = rows_of(table_with_header(doc, "Element"))
    assert rows[1][0].startswith("Student reflection")
    assert rows[2][1] == "Data Culture"
    targeted = profile.overall.element("targeted")
    assert rows[3][2] == f"{sum(targeted.counts[2:]) / targeted.n:.0%}"


def test_perspectives_name_the_largest_gaps_and_keep_the_score_expert(demo):
    ws, doc = demo
    text = section_text(doc, "Perspectives")
    assert "The largest gaps: Culture of Innovation (district Established, expert Emerging)" in (
        text
    )
    assert "only the expert rating enters the Onpoint score" in text
    rows = rows_of(table_with_header(doc, "Category and focus area"))
    row = next(r for r in rows if r[0] == "Culture of Innovation")
    assert row[1:] == ["Emerging", "Established", "+2"]
    assert next(r for r in rows if r[0] == "PL Rollout Plan")[3] == "\u22121"
    assert ws.score("2024-25").total == pytest.approx(662.4306, abs=1e-3)


def test_conditions_show_all_ten_with_state_and_note_and_the_readiness_profile(demo):
    _, doc = demo
    rows = rows_of(table_with_header(doc, "Condition"))
    assert len(rows) == 11
    partners = next(r for r in rows if r[0].startswith("Partnerships"))
    assert partners[1] == "Not in place"
    assert partners[2].startswith("Community college conversations started")
    readiness = rows_of(table_with_header(doc, "Readiness area"))
    assert [r[0] for r in readiness[1:]] == ["Future focus", "Supportive environment", "Open doors"]
    assert readiness[2][1:3] == ["88%", "4 of 4"]


def test_a_round_without_visit_evidence_has_none_of_the_sections(demo, tmp_path):
    ws, _ = demo
    out = write_report(ws, "2022-23", tmp_path / "planning.docx", today=date(2025, 6, 3))
    headings = paragraphs(open_report(out), "Heading 1")
    assert not set(SECTIONS) & set(headings)

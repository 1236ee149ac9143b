"""The survey results of the report, read back: item by item, the gaps called out, and
sub-scores by school with the suppression of `score --by-school`."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from datetime import date

import pytest
from PIL import Image
from report_reading import (
    alt_text,
    body_text,
    open_report,
    pictures,
    rows_of,
    section_text,
    table_with_header,
)

from onpoint_desktop.cli import main
from onpoint_desktop.report import write_report
from onpoint_desktop.report.answer_bars import answer_bar
from onpoint_desktop.workspace import Response, Workspace


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("survey-report")
    db = folder / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    ws = Workspace.open(db)
    out = write_report(ws, None, folder / "report.docx", today=date(2025, 6, 3))
    yield ws, open_report(out), db
    ws.close()


def _answers(ws, round_id):
    """Every stored answer, straight from the responses: (role, item) → Counter."""
    found: dict[tuple[str, str], Counter] = {}
    for role, answers in ws.conn.execute(
        "SELECT role, answers FROM survey_responses WHERE round_id = ?", (round_id,)
    ):
        for item, value in json.loads(answers).items():
            found.setdefault((role, item), Counter())[value] += 1
    return found


def test_each_item_shows_answered_mean_and_share_agreeing(demo):
    ws, doc, _ = demo
    stored = _answers(ws, ws.latest_round().id)
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Question"]
    assert len(tables) == len(ws.current_model.components)
    seen = 0
    for table in tables:
        role = None
        for row in rows_of(table)[1:]:
            if row[0] == row[1]:  # a group row: "Teachers (64 answered)"
                role = "teacher" if row[0].startswith("Teachers") else "leader"
                continue
            item = row[0].split()[0]
            counts = stored[(role, item)]
            n = sum(counts.values())
            mean = sum(v * c for v, c in counts.items()) / n
            agreeing = (counts[4] + counts[5]) / n
            assert row[1:4] == [f"{n:,}", f"{mean:.1f}", f"{100 * agreeing:.0f}%"], item
            seen += 1
    assert seen == sum(len(i.items) for i in ws.current_model.instruments.values())


def test_each_item_has_a_diverging_bar_with_its_answers_in_words(demo):
    _, doc, _ = demo
    bars = [p for p in pictures(doc) if "answers to" in alt_text(p)]
    assert len(bars) == 23 + 14
    assert alt_text(bars[0]).startswith("Teachers' answers to T01: strongly disagree ")
    assert alt_text(bars[0]).endswith(" answered).")


def test_reverse_coded_items_are_marked(demo):
    _, doc, _ = demo
    assert "T07 Trying something new in my classroom feels risky for my evaluation. (R)" in (
        body_text(doc)
    )
    assert "Questions marked (R) are worded negatively" in body_text(doc)


def test_gaps_over_the_threshold_are_called_out(demo):
    _, doc, _ = demo
    stands_out = section_text(doc, "What stands out", level=2)
    assert "Culture of Innovation: the surveys are 243 points more favourable (expert part " in (
        stands_out
    )
    assert "Culture of Innovation: leaders rate it 135 points higher than teachers" in stands_out
    assert "Instructional Design" not in stands_out  # 51 and 28 points: under the threshold


def test_component_lines_give_each_roles_part(demo):
    ws, doc, _ = demo
    c = ws.score().component("culture_of_innovation")
    teachers = ws.current_model.to_score(c.role_survey["teacher"])
    assert f"teachers' part {teachers:,.1f} (64 teachers); leaders' part " in section_text(
        doc, "Culture of Innovation", level=3
    )


def test_school_subscores_follow_score_by_school(demo, capsys):
    ws, doc, db = demo
    assert main(["score", str(db), "--by-school"]) == 0
    cli = capsys.readouterr().out
    breakdown = ws.school_breakdown(ws.latest_round().id)
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "District")
    rows = {r[0]: r[1:] for r in rows_of(table)[1:]}
    header = [c.text for c in table.rows[0].cells][1:-1]
    assert header == list(breakdown.schools)
    for c in ws.current_model.components:
        for school, printed in zip(header, rows[c.name], strict=False):
            value = breakdown.of(school, c.id)
            expected = f"{value.score:,.1f}" if value.score is not None else "withheld"
            assert printed == expected
            if value.score is not None:
                assert f"{value.score:.1f}" in cli


def test_a_school_under_min_n_is_withheld_with_a_complement(ws, tmp_path):
    items = ["T01", "T02"]
    for school, n in (("Adams Middle", 12), ("Lincoln Elementary", 3), ("Roosevelt High", 7)):
        ws.add_survey_responses(
            "r1",
            "teacher",
            [Response(f"{school}-{i}", dict.fromkeys(items, 4), school) for i in range(n)],
        )
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "District")
    strategy = {r[0]: r for r in rows_of(table)}["Strategy Communication"]
    assert strategy[1:] == ["800.0", "withheld", "withheld", "800.0"]


def test_item_under_min_n_shows_no_answers(ws, tmp_path):
    ws.add_survey_responses(
        "r1",
        "teacher",
        [Response(f"t{i}", {"T01": 4, "T02": 5} if i < 4 else {"T01": 4}) for i in range(6)],
    )
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    rows = {r[0].split()[0]: r for r in rows_of(table_with_header(doc, "Question"))}
    assert rows["T01"][1:4] == ["6", "4.0", "100%"]
    assert rows["T02"][1:] == ["fewer than 5", "—", "—", "Not shown: too few answered"]
    bars = [alt_text(p) for p in pictures(doc) if "answers to" in alt_text(p)]
    assert [b.split(":")[0] for b in bars] == ["Teachers' answers to T01"]
    # The six components nobody answered get one sentence each, not an empty table.
    assert len([t for t in doc.tables if t.rows[0].cells[0].text == "Question"]) == 1
    culture = section_text(doc, "Culture of Innovation", level=3)
    assert "No survey part: no teachers answered; no leaders answered." in culture
    assert "No question of this component was answered by at least 5 of a role" in culture


def test_answer_bar_is_centred_on_the_neutral_answer():
    png = answer_bar((0.0, 0.0, 1.0, 0.0, 0.0))  # everyone neutral: centred on the line
    image = Image.open(io.BytesIO(png))
    width, height = image.size
    row = [image.getpixel((x, height // 2)) for x in range(width)]
    painted = [x for x, pixel in enumerate(row) if pixel[3] > 0]
    assert abs((painted[0] + painted[-1]) / 2 - width / 2) <= 2
    assert image.getpixel((0, 0))[3] == 0  # transparent: the table row's shading shows
    agree = Image.open(io.BytesIO(answer_bar((0, 0, 0, 0, 1.0))))
    lit = [x for x in range(width) if agree.getpixel((x, height // 2))[3] > 0]
    assert lit[0] >= width / 2 - 2  # all agreement: right of the centre


def test_response_rates_when_the_numbers_invited_are_known(ws, tmp_path):
    # SPEC §8: under 50% is flagged "low response", shown, not suppressed.
    for school, teachers in (("Adams Middle", 12), ("Lincoln Elementary", 3)):
        ws.add_survey_responses(
            "r1",
            "teacher",
            [Response(f"{school}-{i}", {"T01": 4}, school) for i in range(teachers)],
        )
    ws.add_survey_responses("r1", "leader", [Response(f"l{i}", {"L01": 4}) for i in range(3)])
    ws.set_invited("r1", "teacher", 20)
    ws.set_invited("r1", "leader", 12)
    ws.set_invited("r1", "teacher", 14, "Adams Middle")
    ws.set_invited("r1", "teacher", 6, "Lincoln Elementary")
    doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    rows = {r[0]: r[1:] for r in rows_of(table_with_header(doc, ""))}
    assert rows["District"] == ["75% (15 of 20)", "under 42% (fewer than 5 of 12), low response"]
    assert rows["Adams Middle"][0] == "withheld (of 14 invited)"  # complement of Lincoln
    assert rows["Lincoln Elementary"][0] == "withheld (of 6 invited)"
    summary = section_text(doc, "Executive summary")
    assert (
        "Survey response was low for leaders (under 42% (fewer than 5 of 12)): fewer than "
        "half of those invited answered" in summary
    )
    assert "3 of 12" not in body_text(doc)


def test_no_response_rates_without_numbers_invited(demo):
    _, doc, _ = demo
    assert "Response rates" not in body_text(doc)

"""The Word report of the demo district, read back with python-docx."""

from __future__ import annotations

import io
import shutil
from datetime import date

import pytest
from docx.enum.shape import WD_INLINE_SHAPE
from PIL import Image
from report_reading import (
    body_text,
    field_instructions,
    fill_of,
    open_report,
    paragraphs,
    rows_of,
    table_with_header,
)

from onpoint_desktop.report import palette, write_report
from onpoint_desktop.scoring import recommendations_for
from onpoint_desktop.workspace import Workspace


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    """The demo district and its latest round's report (written once for the module)."""
    folder = tmp_path_factory.mktemp("demo-report")
    db = folder / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    ws = Workspace.open(db)
    out = write_report(
        ws, None, folder / "report.docx", consultant="Dana Report", today=date(2025, 6, 3)
    )
    yield ws, open_report(out)
    ws.close()


def test_cover_names_district_round_stage_consultant_model_and_benchmark(demo):
    ws, doc = demo
    score = ws.score()
    bm = score.benchmark
    stage = ws.framework.stage_label(score.stage)
    assert paragraphs(doc, "Title") == [ws.district.name]
    text = body_text(doc)
    assert f"Round {score.round} · {stage}" in text
    assert "June 3, 2025" in text
    assert "Dana Report" in text
    assert f"{ws.current_model.name} ({ws.current_model.id})" in text
    assert f"{bm.name} (illustrative), {bm.date}" in text
    assert f"{bm.stages[score.stage].n_districts} districts at {stage}" in text
    assert "Illustrative benchmark." in text


def test_printed_scores_match_the_core(demo):
    ws, doc = demo
    score = ws.score()
    rows = rows_of(table_with_header(doc, "Component"))
    assert rows[1][:2] == ["Onpoint score (total)", f"{score.total:,.1f}"]
    printed = {row[0]: row for row in rows[2:]}
    assert list(printed) == [c.name for c in score.components]
    for c in score.components:
        row = printed[c.name]
        assert row[1] == f"{c.score:,.1f}"
        assert row[2] == f"{ws.current_model.to_score(c.expert):,.1f}"
        assert row[3] == f"{ws.current_model.to_score(c.survey):,.1f}"
        assert row[4:6] == [str(c.n_teacher), str(c.n_leader)]
        assert row[7] == c.band.capitalize()
    assert f"scored {score.total:,.1f} on the Onpoint scale" in body_text(doc)


def test_summary_gives_band_and_change_since_previous_round(demo):
    ws, doc = demo
    rounds = ws.rounds()
    now, before = ws.score(rounds[-1].id).total, ws.score(rounds[-2].id).total
    summary = body_text(doc)
    direction = "up" if now > before else "down"
    assert (
        f"The score is {direction} {abs(now - before):,.1f} points since "
        f"{rounds[-2].label} (Year 1), when it was {before:,.1f}." in summary
    )
    assert f"That is {ws.score().total_band} the range typical" in summary


def test_charts_are_inline_print_resolution_pictures(demo):
    _, doc = demo
    shapes = doc.inline_shapes
    assert len(shapes) == 3  # components vs benchmark, total trend, component trend
    for shape in shapes:
        assert shape.type == WD_INLINE_SHAPE.PICTURE
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = Image.open(io.BytesIO(doc.part.related_parts[blip.embed].blob))
        assert image.format == "PNG"
        assert image.width / (shape.width / 914400) >= 200  # dots per inch as placed
    captions = paragraphs(doc, "Caption")
    assert sum(c.startswith("Figure ") for c in captions) == 3


def test_board_table_shows_every_area_with_its_level_word_and_colour(demo):
    ws, doc = demo
    fw = ws.framework
    levels = ws.levels(ws.latest_round().id)
    columns = [c for c in fw.categories if not c.cross_cutting]
    board = table_with_header(doc, columns[0].label)
    assert [cell.text for cell in board.rows[0].cells] == [c.label for c in columns]
    tiles = {}
    for row in board.rows[1:]:
        for cell in row.cells:
            label, _, word = cell.text.partition("\n")
            if word:
                tiles[label] = (word, fill_of(cell))
    assert len(tiles) == len(fw.areas) == 26
    fills = palette.level_fills(fw.max_level)
    for area in fw.areas.values():
        level = levels.get(area.id)
        assert tiles[area.label] == (fw.level_label(level), fills[level])
    cross = next(c for c in fw.categories if c.cross_cutting)
    last = board.rows[-1]._tr.tc_lst
    assert len(last) == 1 and last[0].grid_span == len(columns)  # spans the full width
    assert board.rows[-1].cells[0].text.startswith(cross.areas[0].label)


def test_evidence_notes_table_lists_each_note(demo):
    ws, doc = demo
    events = ws.board(ws.latest_round().id)
    noted = {ws.framework.areas[a].label: e for a, e in events.items() if e.note}
    rows = rows_of(table_with_header(doc, "Focus area"))
    assert rows[0] == ["Focus area", "Level", "Evidence note", "Recorded by", "Date"]
    assert len(rows) - 1 == len(noted)
    for label, level, text, author, day in rows[1:]:
        event = noted[label]
        assert (level, text, author, day) == (
            ws.framework.level_label(event.level),
            event.note,
            event.author,
            event.created_at[:10],
        )


def test_strengths_and_focus_areas_carry_their_recommendations(demo):
    ws, doc = demo
    score = ws.score()
    recs = recommendations_for(score)
    headings = paragraphs(doc, "Heading 3")
    text = body_text(doc)
    for kind in ("strengths", "focus_areas"):
        assert recs[kind]
        for cid, rec in recs[kind]:
            name = score.component(cid).name
            assert any(h.startswith(f"{name}: ") for h in headings)
            assert rec.title in text and rec.text in text


def test_methodology_reads_the_model(demo):
    ws, doc = demo
    model = ws.current_model
    text = body_text(doc)
    assert f"at least {model.min_n} respondents" in text
    assert f"{model.expert_weight:g} × expert part" in text
    for role, weight in model.role_weights.items():
        assert f"{role}s {weight:g}" in text
    appendix = [t for t in doc.tables if t.rows[0].cells[1].text == "Weight"]
    assert [r[0] for r in rows_of(appendix[0])[1:]] == [c.name for c in model.components]


def test_uses_word_styles_header_and_page_numbers(demo):
    ws, doc = demo
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Caption", "List Bullet"} <= styles
    section = doc.sections[0]
    assert section.orientation == 0  # portrait
    assert ws.district.name in section.header.paragraphs[0].text
    assert "PAGE" in field_instructions(section.footer)
    assert all(t.style.name in ("Medium Shading 1 Accent 1", "Table Grid") for t in doc.tables)

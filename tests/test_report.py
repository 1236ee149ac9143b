"""The report of the demo district, read back with python-docx."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime, timedelta, timezone

import pytest
from docx.enum.shape import WD_INLINE_SHAPE
from docx.oxml.ns import qn
from PIL import Image
from report_reading import (
    all_text,
    alt_text,
    body_text,
    field_instructions,
    fill_of,
    open_report,
    paragraphs,
    pictures,
    rows_of,
    section_text,
    sentences,
    table_with_header,
)

from onpoint_desktop.progress import total_change
from onpoint_desktop.report import palette, write_report
from onpoint_desktop.report.text import day_text
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
    assert f"{bm.name}, January 15, 2026" in text
    assert f"{bm.stages[score.stage].n_districts} districts at {stage}" in text
    assert "Illustrative benchmark." in text
    # The demo round is complete: nothing flags it provisional.
    assert "provisional" not in section_text(doc, "Executive summary").lower()


def test_the_illustrative_benchmark_is_named_once(demo):
    _, doc = demo
    assert "(illustrative)" not in all_text(doc)  # "Onpoint illustrative benchmark", not twice


def test_every_sentence_citing_the_benchmark_says_it_is_illustrative(demo):
    # Issue 15: "the middle half of the 26 benchmark districts at Year 2 score between 580
    # and 695" was stated as fact; "illustrative" appeared only on the cover and appendix.
    _, doc = demo
    citing = [s for s in sentences(doc) if re.search(r"\bbenchmark\b|\bmedian\b", s, re.I)]
    assert len(citing) > 15
    exempt = ("Expert part:", "Survey part:")  # methodology: no benchmark in them
    unqualified = [
        s for s in citing if "illustrative" not in s.lower() and not s.startswith(exempt)
    ]
    # Headings, labels and table cells ("72 below the median", "Year 2 median") stay terse;
    # the sentences around them carry the word.
    unqualified = [s for s in unqualified if s.endswith(".") and len(s.split()) > 4]
    assert unqualified == []
    for inline in pictures(doc)[:3]:
        text = alt_text(inline)
        assert "benchmark" in text and "illustrative" in text
    # The charts against the benchmark (the walkthrough profile has no benchmark).
    legends = [line for line in paragraphs(doc, "Chart Legend") if "Not observed" not in line]
    assert len(legends) == 3
    for legend in legends:
        assert "Middle half of the illustrative benchmark" in legend
        assert "Median of the illustrative benchmark" in legend


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
        assert row[2] == f"{c.ci_low:,.0f}–{c.ci_high:,.0f}"  # SPEC §13
        assert row[3] == f"{ws.current_model.to_score(c.expert):,.1f}"
        assert row[4] == f"{ws.current_model.to_score(c.survey):,.1f}"
        assert row[5:7] == [str(c.n_teacher), str(c.n_leader)]
        assert row[8] == c.band.capitalize()
    assert f"scored {score.total:,.1f} on the Onpoint scale" in body_text(doc)


def test_component_table_legend_explains_only_what_appears(demo):
    # Issue 15: a footnote about markers that appear nowhere.
    _, doc = demo
    text = body_text(doc)
    assert "expert rating only" not in text.lower()
    assert "Fewer than 5" not in text
    assert "Band: below, within or above" in text


def test_summary_gives_band_and_change_since_previous_round(demo):
    ws, doc = demo
    rounds = ws.rounds()
    now, before = ws.score(rounds[-1].id).total, ws.score(rounds[-2].id).total
    summary = section_text(doc, "Executive summary")
    change = total_change(ws.score(rounds[-2].id), ws.score(rounds[-1].id))
    low, high = change.interval  # SPEC §13: said clear only when its interval excludes zero
    verdict = "a clear change" if change.clear else "within the margin of error"
    assert (
        f"The Onpoint score as a whole rose {now - before:,.1f} points ({verdict}; 90% "
        f"interval of the change +{low:,.0f} to +{high:,.0f} points)." in summary
    )
    assert "That is within the Year 2 range of the illustrative benchmark (580–695" in summary


def test_strengths_and_focus_areas_are_exactly_the_cores(demo):
    ws, doc = demo
    score = ws.score()
    headings = paragraphs(doc, "Heading 3")
    named = [h.split(":")[0] for h in headings if re.match(r".+: \d", h)]
    expected = [score.component(c).name for c in (*score.strengths, *score.focus_areas)]
    assert named == expected


def test_charts_are_print_resolution_pictures_with_alt_text(demo):
    # Issue 15: no alt text on any image.
    ws, doc = demo
    charts = [s for s in doc.inline_shapes if s.width > 5_000_000]  # the page-wide charts
    # components vs benchmark, total trend, component trend, walkthrough profile
    assert len(charts) == 4
    for shape in charts:
        assert shape.type == WD_INLINE_SHAPE.PICTURE
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = Image.open(io.BytesIO(doc.part.related_parts[blip.embed].blob))
        assert image.format == "PNG"
        assert image.width / (shape.width / 914400) >= 200  # dots per inch as placed
    everything = pictures(doc)
    assert len(everything) > 3  # with the survey answer bars
    assert all(len(alt_text(p)) > 20 for p in everything)
    ids = [p.docPr.get("id") for p in everything]
    assert len(set(ids)) == len(ids)  # Word refuses a file whose drawings share an id
    captions = paragraphs(doc, "Caption")
    assert sum(c.startswith("Figure ") for c in captions) == 4
    components = alt_text(everything[0])
    culture = ws.score().component("culture_of_innovation")
    assert (
        f"Culture of Innovation 588.2, 90% interval {culture.ci_low:,.0f} to "
        f"{culture.ci_high:,.0f}, median 660" in components
    )


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


def test_evidence_notes_table_gives_the_note_the_width_and_lets_rows_split(demo):
    # Issue 15: rows could not split (a long note took half a page); the note column was
    # 2.4 of 6.5 inches while author and date repeated on every row.
    ws, doc = demo
    events = ws.board(ws.latest_round().id)
    noted = {ws.framework.areas[a].label: e for a, e in events.items() if e.note}
    table = table_with_header(doc, "Focus area")
    rows = rows_of(table)
    assert rows[0] == ["Focus area", "Level", "Evidence note"]
    assert len(rows) - 1 == len(noted)
    for label, level, text in rows[1:]:
        event = noted[label]
        assert (level, text) == (ws.framework.level_label(event.level), event.note)
    widths = [col.w.inches for col in table._tbl.tblGrid.gridCol_lst]
    assert widths[2] >= 4 and widths[2] == max(widths)
    assert not table._tbl.xpath(".//w:trPr/w:cantSplit[not(../w:tblHeader)]")
    # One author and one day: said once above the table.
    author = next(iter(noted.values())).author
    assert f"as recorded during the visit by {author} on " in body_text(doc)


def test_synthesis_on_page_two_names_the_rounds_largest_facts_with_their_numbers(demo):
    # Issue 15: the demo's Culture of Innovation fell 155 points and its expert and survey
    # parts differ by 243 points; the report mentioned neither.
    _, doc = demo
    body = doc.element.body
    first_break = next(
        i for i, p in enumerate(doc.paragraphs) if p._p.xpath(".//w:br[@w:type='page']")
    )
    assert doc.paragraphs[first_break + 1].text == "Executive summary"
    facts = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert len(facts) == 3
    assert facts[0].startswith("Culture of Innovation fell 155.5 points since 2023-24.")
    assert facts[1].startswith("Expert ratings and surveys differ by 243 points on Culture")
    assert "levels off after Year 2 (median 660 at Year 2, 655 at Year 3+)" in facts[0]
    assert facts[2].startswith("Landmark: shared understanding comes first.")
    assert "69% of the growth in Strategy Communication" in facts[2]
    assert "rose 222 points from Planning to Year 1: 60% of its growth to date" in facts[2]
    assert body is not None


def test_recommendations_quote_the_districts_own_evidence(demo):
    ws, doc = demo
    note = ws.board(ws.latest_round().id)["culture_of_innovation"].note
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert any(q.startswith(f"“{note}”") for q in quotes)
    assert any("Evidence note on Culture of Innovation (rated Emerging)" in q for q in quotes)


def test_next_steps_are_the_plans_open_actions_then_the_recommendations(demo):
    ws, doc = demo
    score = ws.score()
    rows = rows_of(table_with_header(doc, "#"))
    assert rows[0] == ["#", "Action", "Component", "Why", "Owner", "Due", "Status"]
    open_actions = [a for a in ws.actions(score.round) if a.is_open]
    planned, proposed = rows[1 : 1 + len(open_actions)], rows[1 + len(open_actions) :]
    assert [r[1] for r in planned] == [a.title for a in open_actions]
    assert {r[6] for r in planned} == {"In progress", "Planned"}
    covered = {r[2] for r in planned}
    ids = (*score.focus_areas, *score.strengths)
    assert [r[2] for r in proposed] == [
        score.component(c).name for c in ids if score.component(c).name not in covered
    ]
    assert {r[6] for r in proposed} == {"Proposed"}


def _style_of(p) -> str:
    return p.pPr.pStyle.val if p.pPr is not None and p.pPr.pStyle is not None else ""


def test_headings_and_intros_stay_with_what_follows(demo):
    # Issue 15: headings stranded at page bottoms, not kept with what follows.
    _, doc = demo
    headings = [s for s in doc.styles if s.type == 1 and s.name.startswith("Heading")]
    assert all(s.paragraph_format.keep_with_next for s in headings)
    heading_styles = {s.style_id for s in headings}
    blocks = list(doc.element.body.iterchildren())
    checked = 0
    for index, block in enumerate(blocks):
        if block.tag != qn("w:p") or _style_of(block) not in heading_styles:
            continue
        # Up to the next table or picture, everything under the heading keeps with next.
        following = []
        for nxt in blocks[index + 1 : index + 5]:
            if nxt.tag == qn("w:tbl") or nxt.xpath(".//w:drawing"):
                for p in following:
                    assert p.xpath("./w:pPr/w:keepNext"), p.xpath("string(.)")
                checked += 1
                break
            if nxt.tag != qn("w:p") or _style_of(nxt) in heading_styles:
                break
            following.append(nxt)
    assert checked >= 10
    # A picture keeps with its caption.
    for block in blocks:
        if block.tag == qn("w:p") and block.xpath("./w:r/w:drawing"):
            assert block.xpath("./w:pPr/w:keepNext")


def test_one_date_format_everywhere(demo):
    # Issue 15: three date formats.
    _, doc = demo
    text = all_text(doc)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text)
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    found = re.findall(rf"\b(?:{months}) \d{{1,2}}, \d{{4}}\b", text)
    assert "June 3, 2025" in found and "January 15, 2026" in found


def test_document_properties_name_the_report_and_its_consultant(demo):
    # Issue 15: created 2013-12-23, "generated by python-docx", blank title.
    ws, doc = demo
    props = doc.core_properties
    assert props.title == f"Onpoint report: {ws.district.name}, 2024-25"
    assert props.subject.startswith("Personalized learning implementation")
    assert props.author == props.last_modified_by == "Dana Report"
    now = datetime.now(timezone.utc)
    for moment in (props.created, props.modified):
        assert now - timedelta(hours=1) < moment <= now + timedelta(minutes=1)
    for value in (props.comments, props.keywords, props.category, props.author):
        assert "python-docx" not in value
    package = doc.part.package
    assert not [r for r in package.rels.values() if "thumbnail" in r.reltype]
    app = next(r.target_part for r in package.rels.values() if "extended" in r.reltype)
    assert b"Onpoint Desktop" in app.blob and b"Microsoft" not in app.blob


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
    assert {"Title", "Heading 1", "Heading 2", "Caption", "List Bullet", "Quote"} <= styles
    section = doc.sections[0]
    assert section.orientation == 0  # portrait
    assert ws.district.name in section.header.paragraphs[0].text
    assert "PAGE" in field_instructions(section.footer)
    assert all(t.style.name in ("Medium Shading 1 Accent 1", "Table Grid") for t in doc.tables)


def test_day_text_is_the_one_date_format():
    assert day_text(date(2025, 6, 3)) == "June 3, 2025"
    assert day_text("2024-11-05T10:00:00Z") == "November 5, 2024"

"""The bingo board as a coloured Word table, its level key, and the evidence notes.

Laid out like the framework poster: one column per category with its header, the
category's focus areas below it, and the cross-cutting row spanning the full width.
Each tile carries its level's word as well as its colour; unrated tiles are hatched
white, never a level colour.
"""

from __future__ import annotations

from docx.document import Document
from docx.shared import Pt

from onpoint_desktop.report import palette
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.tables import Cell, add_table
from onpoint_desktop.report.text import day_text
from onpoint_desktop.report.word import (
    Captions,
    cell_text,
    grid,
    keep_together,
    keep_with_next,
    min_row_height,
    repeat_header,
    set_widths,
    shade,
)

GRID_STYLE = "Table Grid"


def _tile(cell, label: str, level: int | None, content: ReportContent, fills) -> None:
    word = content.framework.level_label(level)
    if level is None:
        shade(
            cell,
            palette.UNRATED_FILL,
            pattern="thinDiagStripe",
            pattern_colour=palette.UNRATED_PATTERN,
        )
        colour = palette.MUTED_TEXT
    else:
        shade(cell, fills[level])
        colour = palette.text_on(fills[level])
    paragraph = cell_text(cell, label, size=8, bold=True, colour=colour)
    run = paragraph.add_run(f"\n{word}")
    run.font.size = Pt(8)
    run.italic = level is None or None
    run.font.color.rgb = paragraph.runs[0].font.color.rgb


def add_board(doc: Document, content: ReportContent, *, captions: Captions, **_: object) -> None:
    fw = content.framework
    levels = {area: event.level for area, event in content.board.items()}
    fills = palette.level_fills(fw.max_level)
    columns = [c for c in fw.categories if not c.cross_cutting]
    cross = [c for c in fw.categories if c.cross_cutting]
    depth = max(len(c.areas) for c in columns)
    rated = sum(1 for a in fw.areas if levels.get(a))

    heading = doc.add_heading("The bingo board", level=1)
    heading.paragraph_format.page_break_before = True
    words = ", ".join(f"{lv.level} {lv.label}" for lv in fw.levels)
    keep_with_next(
        doc.add_paragraph(
            f"The consultant's expert rating of each focus area of the {fw.name} in "
            f"{content.round.label} ({rated} of {len(fw.areas)} areas rated). Levels: {words}; "
            "darker tiles are further along."
        )
    )
    captions.add(doc, "Table", f"Focus-area ratings, {content.round.label}", keep_with_next=True)
    extra_rows = sum(1 + len(c.areas) for c in cross)
    table = doc.add_table(rows=1 + depth + extra_rows, cols=len(columns))
    table.style = doc.styles[GRID_STYLE]
    width = 6.5 / len(columns)
    set_widths(table, [width] * len(columns))
    cells = grid(table)
    for col, category in enumerate(columns):
        header = cells[0][col]
        shade(header, palette.HEADER_FILL)
        cell_text(
            header, category.label, size=9, bold=True, colour=palette.text_on(palette.HEADER_FILL)
        )
        for row in range(depth):
            cell = cells[1 + row][col]
            if row < len(category.areas):
                area = category.areas[row]
                _tile(cell, area.label, levels.get(area.id), content, fills)
    row = 1 + depth
    for category in cross:
        header = cells[row][0].merge(cells[row][-1])
        shade(header, palette.HEADER_FILL)
        cell_text(
            header, category.label, size=9, bold=True, colour=palette.text_on(palette.HEADER_FILL)
        )
        for area in category.areas:
            row += 1
            cell = cells[row][0].merge(cells[row][-1])
            _tile(cell, area.label, levels.get(area.id), content, fills)
        row += 1
    repeat_header(table, rows=0)
    min_row_height(table, 0.5, range(1, 1 + depth))
    keep_together(table)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)  # two tables must not touch
    _level_key(doc, content, fills)
    _evidence_notes(doc, content, captions)


def _level_key(doc: Document, content: ReportContent, fills: dict[int, str]) -> None:
    """A one-row key: each level's colour with its word, then how unrated looks."""
    fw = content.framework
    key = doc.add_table(rows=1, cols=len(fw.levels) + 2)
    key.style = doc.styles[GRID_STYLE]
    set_widths(key, [0.5] + [6.0 / (len(fw.levels) + 1)] * (len(fw.levels) + 1))
    cells = grid(key)[0]
    cell_text(cells[0], "Key", size=8, bold=True)
    for index, level in enumerate(fw.levels, start=1):
        shade(cells[index], fills[level.level])
        cell_text(
            cells[index],
            f"{level.level} {level.label}",
            size=8,
            colour=palette.text_on(fills[level.level]),
        )
    unrated = cells[-1]
    shade(
        unrated,
        palette.UNRATED_FILL,
        pattern="thinDiagStripe",
        pattern_colour=palette.UNRATED_PATTERN,
    )
    cell_text(unrated, fw.level_label(None), size=8, italic=True, colour=palette.MUTED_TEXT)
    doc.add_paragraph()


def _evidence_notes(doc: Document, content: ReportContent, captions: Captions) -> None:
    fw = content.framework
    doc.add_heading("Evidence notes", level=2)
    noted = [
        (area, content.board[area.id])
        for category in fw.categories
        for area in category.areas
        if area.id in content.board and content.board[area.id].note
    ]
    if not noted:
        doc.add_paragraph(f"No evidence notes were recorded in {content.round.label}.")
        return
    authors = {event.author for _, event in noted}
    days = {day_text(event.created_at) for _, event in noted}
    intro = "What the consultant saw or heard behind each rating, as recorded during the visit"
    if len(authors) == 1:
        intro += f" by {next(iter(authors))}"
    if len(days) == 1:
        intro += f" on {next(iter(days))}"
    keep_with_next(doc.add_paragraph(intro + "."))
    rows: list[list] = [["Focus area", "Level", "Evidence note"]]
    for area, event in noted:
        who = [event.author] if len(authors) > 1 else []
        when = [day_text(event.created_at)] if len(days) > 1 else []
        rows.append(
            [
                Cell(area.label, bold=True),
                fw.level_label(event.level),
                Cell(event.note or "", note=" · ".join(who + when) or None),
            ]
        )
    captions.add(doc, "Table", f"Evidence notes, {content.round.label}", keep_with_next=True)
    add_table(doc, rows, (1.45, 0.8, 4.25), font_size=8.5, split_rows=True)

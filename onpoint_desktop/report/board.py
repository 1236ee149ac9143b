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
from onpoint_desktop.report.tables import Cell, Run, add_table
from onpoint_desktop.report.text import day_text
from onpoint_desktop.report.word import (
    Captions,
    heading,
    keep_with_next,
)

GRID_STYLE = "Table Grid"


def _tile(label: str, level: int | None, content: ReportContent, fills, span: int = 1) -> Cell:
    """A focus area as the poster shows it: its level's colour and word (unrated:
    hatched white, never a level colour)."""
    word = content.framework.level_label(level)
    if level is None:
        colour = palette.MUTED_TEXT
        shading = {
            "fill": palette.UNRATED_FILL,
            "pattern": "thinDiagStripe",
            "pattern_colour": palette.UNRATED_PATTERN,
        }
    else:
        colour = palette.text_on(fills[level])
        shading = {"fill": fills[level]}
    return Cell(
        label,
        bold=True,
        size=8,
        colour=colour,
        span=span,
        more=(Run(f"\n{word}", italic=level is None, size=8, colour=colour),),
        **shading,
    )


def _header(label: str, span: int = 1) -> Cell:
    fill = palette.HEADER_FILL
    return Cell(label, bold=True, size=9, fill=fill, colour=palette.text_on(fill), span=span)


def add_board(doc: Document, content: ReportContent, *, captions: Captions, **_: object) -> None:
    fw = content.framework
    levels = {area: event.level for area, event in content.board.items()}
    fills = palette.level_fills(fw.max_level)
    columns = [c for c in fw.categories if not c.cross_cutting]
    cross = [c for c in fw.categories if c.cross_cutting]
    depth = max(len(c.areas) for c in columns)
    rated = sum(1 for a in fw.areas if levels.get(a))

    title = heading(doc, "The bingo board", 1)
    title.paragraph_format.page_break_before = True
    words = ", ".join(f"{lv.level} {lv.label}" for lv in fw.levels)
    keep_with_next(
        doc.add_paragraph(
            f"The consultant's expert rating of each focus area of the {fw.name} in "
            f"{content.round.label} ({rated} of {len(fw.areas)} areas rated). Levels: {words}; "
            "darker tiles are further along."
        )
    )
    captions.add(doc, "Table", f"Focus-area ratings, {content.round.label}", keep_with_next=True)
    rows: list[list[Cell]] = [[_header(c.label) for c in columns]]
    for index in range(depth):
        rows.append(
            [
                _tile(c.areas[index].label, levels.get(c.areas[index].id), content, fills)
                if index < len(c.areas)
                else Cell()
                for c in columns
            ]
        )
    for category in cross:
        rows.append([_header(category.label, span=len(columns))])
        for area in category.areas:
            rows.append([_tile(area.label, levels.get(area.id), content, fills, len(columns))])
    add_table(
        doc,
        rows,
        [6.5 / len(columns)] * len(columns),
        style=GRID_STYLE,
        keep_together=True,
        min_height=0.5,
        tall_rows=range(1, 1 + depth),
    )
    doc.add_paragraph().paragraph_format.space_after = Pt(2)  # two tables must not touch
    _level_key(doc, content, fills)
    _evidence_notes(doc, content, captions)


def _level_key(doc: Document, content: ReportContent, fills: dict[int, str]) -> None:
    """A one-row key: each level's colour with its word, then how unrated looks."""
    fw = content.framework
    cells = [Cell("Key", bold=True, size=8)]
    for level in fw.levels:
        fill = fills[level.level]
        cells.append(
            Cell(f"{level.level} {level.label}", size=8, fill=fill, colour=palette.text_on(fill))
        )
    cells.append(
        Cell(
            fw.level_label(None),
            size=8,
            italic=True,
            colour=palette.MUTED_TEXT,
            fill=palette.UNRATED_FILL,
            pattern="thinDiagStripe",
            pattern_colour=palette.UNRATED_PATTERN,
        )
    )
    width = 6.0 / (len(fw.levels) + 1)
    add_table(doc, [cells], [0.5] + [width] * (len(fw.levels) + 1), header_rows=0, style=GRID_STYLE)
    doc.add_paragraph()


def _evidence_notes(doc: Document, content: ReportContent, captions: Captions) -> None:
    fw = content.framework
    heading(doc, "Evidence notes", 2)
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

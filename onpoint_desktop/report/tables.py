"""Word tables written as WordprocessingML in one piece.

python-docx builds a table cell by cell through its object API, which costs about a
millisecond a cell; a report has a thousand. Here a table is described as rows of
:class:`Cell` values, written as one XML string and parsed once (lxml, in C), then
placed in the document as an ordinary python-docx table. Pictures in cells (the survey
answer bars) are added afterwards through python-docx, so image parts and relationships
stay python-docx's.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import Table

from onpoint_desktop.report.text import clean
from onpoint_desktop.report.word import style_id

TWIPS = 1440  # per inch
TABLE_STYLE = (
    "Medium Shading 1 Accent 1"  # header row, banded rows; renders alike in Word and LibreOffice
)


@dataclass(frozen=True)
class Picture:
    """An image in a cell: PNG bytes, its width in inches and its alt text."""

    png: bytes
    width: float
    alt: str


@dataclass(frozen=True)
class Run:
    """More text in a cell, after its own (start it with ``\\n`` for a new line)."""

    text: str
    bold: bool = False
    italic: bool = False
    size: float | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Cell:
    """One table cell: text (``\\n`` breaks the line) and how it looks."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points; None: the table's size
    colour: str | None = None  # hex without '#'
    fill: str | None = None  # background, hex without '#'
    pattern: str | None = None  # a shading pattern over the fill, e.g. "thinDiagStripe"
    pattern_colour: str = "auto"
    right: bool = False
    span: int = 1  # columns this cell spans
    note: str | None = None  # a second, smaller muted line (who and when, a status)
    more: tuple[Run, ...] = ()
    picture: Picture | None = None


MUTED = "595959"
SHORT_TABLE = 16  # rows: a table this short is kept on one page


def _run(text: str, size: float, *, bold=False, italic=False, colour=None) -> str:
    props = "<w:b/>" if bold else ""
    props += "<w:i/>" if italic else ""
    props += f'<w:color w:val="{colour}"/>' if colour else ""
    half_points = round(size * 2)
    props += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    parts = []
    for index, line in enumerate(clean(text).split("\n")):
        if index:
            parts.append("<w:br/>")
        parts.append(f'<w:t xml:space="preserve">{escape(line)}</w:t>')
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(parts)}</w:r>"


def _paragraph(cell: Cell, size: float, keep_next: bool) -> str:
    props = ""
    if keep_next:
        props += "<w:keepNext/>"
    props += '<w:spacing w:before="0" w:after="0"/>'
    if cell.right:
        props += '<w:jc w:val="right"/>'
    runs = ""
    if cell.text:
        runs += _run(
            cell.text, cell.size or size, bold=cell.bold, italic=cell.italic, colour=cell.colour
        )
    for extra in cell.more:
        runs += _run(
            extra.text,
            extra.size or cell.size or size,
            bold=extra.bold,
            italic=extra.italic,
            colour=extra.colour,
        )
    if cell.note:
        runs += _run(("\n" if cell.text else "") + cell.note, (cell.size or size) - 1, colour=MUTED)
    if cell.picture is not None:
        runs += '<w:r><w:t xml:space="preserve"></w:t></w:r>'  # the picture's run
    return f"<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>"


def add_table(
    doc: Document,
    rows: Sequence[Sequence[Cell | str]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    font_size: float = 9,
    numeric: Sequence[int] = (),
    split_rows: bool = False,
    keep_together: bool | None = None,
    keep_with_next: bool = False,
    style: str = TABLE_STYLE,
    min_height: float | None = None,
    tall_rows: Sequence[int] = (),
) -> Table:
    """Append a table: ``rows`` of cells (a plain string is a plain cell; the first
    ``header_rows`` rows are bold and repeat on every page). Columns in ``numeric`` are
    right-aligned, their headers too. ``split_rows`` lets a tall row break across pages
    (long notes); ``keep_together`` keeps the table on one page (by default: when it has
    at most ``SHORT_TABLE`` rows); ``keep_with_next`` keeps its last row with what follows
    (the note under it). The header rows always stay with the first row below them.
    ``min_height`` (inches) is the least height of the rows listed in ``tall_rows``."""
    if keep_together is None:
        keep_together = len(rows) <= SHORT_TABLE
    table_style = style_id(doc, style)
    total = sum(widths)
    grid = "".join(f'<w:gridCol w:w="{round(w * TWIPS)}"/>' for w in widths)
    body = []
    pictures: list[tuple[int, int, Picture]] = []
    for r, row in enumerate(rows):
        is_header = r < header_rows
        row_props = ""  # in the schema's order: cantSplit, trHeight, tblHeader
        if not split_rows or is_header:
            row_props += "<w:cantSplit/>"
        if min_height and r in tall_rows:
            row_props += f'<w:trHeight w:val="{round(min_height * TWIPS)}" w:hRule="atLeast"/>'
        if is_header:
            row_props += "<w:tblHeader/>"
        keep_next = keep_together or r < max(header_rows, 1)
        if r == len(rows) - 1:
            keep_next = keep_with_next
        cells = []
        col = 0
        for c, value in enumerate(row):
            cell = Cell(value) if isinstance(value, str) else value
            if is_header and not cell.bold:
                cell = dataclasses.replace(cell, bold=True)
            if col in numeric and not cell.right:
                cell = dataclasses.replace(cell, right=True)
            width = sum(widths[col : col + cell.span])
            props = f'<w:tcW w:w="{round(width * TWIPS)}" w:type="dxa"/>'
            if cell.span > 1:
                props += f'<w:gridSpan w:val="{cell.span}"/>'
            if cell.fill:
                pattern = cell.pattern or "clear"
                props += (
                    f'<w:shd w:val="{pattern}" w:color="{cell.pattern_colour}" '
                    f'w:fill="{cell.fill}"/>'
                )
            if cell.picture is not None:
                pictures.append((r, c, cell.picture))
            cells.append(
                f"<w:tc><w:tcPr>{props}</w:tcPr>{_paragraph(cell, font_size, keep_next)}</w:tc>"
            )
            col += cell.span
        trpr = f"<w:trPr>{row_props}</w:trPr>" if row_props else ""
        body.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    first_row = "1" if header_rows else "0"
    xml = (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{table_style}"/>'
        f'<w:tblW w:w="{round(total * TWIPS)}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblLook w:val="04{"2" if header_rows else "0"}0" w:firstRow="{first_row}" '
        'w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
    )
    tbl = parse_xml(xml)
    doc.element.body._insert_tbl(tbl)
    table = Table(tbl, doc._body)
    if pictures:
        _place_pictures(doc, tbl, pictures)
    return table


def _place_pictures(doc: Document, tbl, pictures: list[tuple[int, int, Picture]]) -> None:
    rows = tbl.findall(qn("w:tr"))
    for r, c, picture in pictures:
        tc = rows[r].findall(qn("w:tc"))[c]
        run = tc.findall(qn("w:p"))[0].findall(qn("w:r"))[-1]
        run.append(drawing(doc, picture))


def drawing(doc: Document, picture: Picture):
    """A ``w:drawing`` holding ``picture`` inline, with its alternative text; every
    picture of the report is made here, so drawing ids never clash."""
    from docx.oxml.shape import CT_Inline
    from docx.shared import Inches

    rid, image = doc.part.get_or_add_image(io.BytesIO(picture.png))
    cx, cy = image.scaled_dimensions(Inches(picture.width), None)
    inline = CT_Inline.new_pic_inline(_next_shape_id(doc), rid, image.filename, cx, cy)
    describe(inline, picture.alt)
    element = parse_xml(f"<w:drawing {nsdecls('w')}/>")
    element.append(inline)
    return element


def _next_shape_id(doc: Document) -> int:
    """A drawing id no other shape has. python-docx finds one by searching the whole
    document for the largest id, for every picture; here the search runs once and the
    ids count up."""
    state = doc.__dict__
    if "_next_shape_id" not in state:
        state["_next_shape_id"] = doc.part.next_id
    found = state["_next_shape_id"]
    state["_next_shape_id"] = found + 1
    return found


def describe(inline, alt: str) -> None:
    """Give a picture its alternative text (``descr``, what screen readers read)."""
    doc_pr = inline.docPr
    doc_pr.set("descr", clean(alt))
    doc_pr.set("title", clean(alt.split(":")[0])[:120])

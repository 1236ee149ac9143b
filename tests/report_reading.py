"""Reading a generated report back with python-docx, the way a test (or a curious
district analyst) would: tables by their header, text of paragraphs, pictures."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell


def open_report(path: Path) -> Document:
    return docx.Document(str(path))


def body_text(doc: Document) -> str:
    """Every paragraph of the body, then every table cell, one per line."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def paragraphs(doc: Document, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def table_with_header(doc: Document, first_cell: str) -> Table:
    """The first table whose top-left cell reads ``first_cell``."""
    for table in doc.tables:
        if table.rows[0].cells[0].text == first_cell:
            return table
    raise AssertionError(f"no table starting with {first_cell!r}")


def rows_of(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def fill_of(cell: _Cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def field_instructions(paragraph_owner) -> list[str]:
    """Field codes (PAGE, SEQ Figure...) inside an element such as a footer."""
    return [el.text.strip() for el in paragraph_owner._element.iter(qn("w:instrText"))]


def pictures(doc: Document) -> list:
    """Every picture of the body (in paragraphs and in table cells), as ``wp:inline``."""
    return list(doc.element.body.iter(qn("wp:inline")))


def alt_text(inline) -> str:
    """A picture's alternative text (``descr``), what a screen reader reads."""
    return inline.docPr.get("descr") or ""


def all_text(doc: Document) -> str:
    """Body text, header and footer: everything a reader of the document sees in words."""
    parts = [body_text(doc)]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def sentences(doc: Document) -> list[str]:
    """The body's paragraphs and table cells cut into sentences."""
    import re

    found = []
    for block in body_text(doc).split("\n"):
        found += [s.strip() for s in re.split(r"(?<=[.;:])\s+(?=[A-Z“\"])", block) if s.strip()]
    return found


def section_text(doc: Document, heading: str, level: int = 1) -> str:
    """The paragraphs from a heading to the next heading of the same or a higher level."""
    lines, inside = [], False
    for p in doc.paragraphs:
        style = p.style.name
        if style.startswith("Heading "):
            depth = int(style.split()[-1])
            if inside and depth <= level:
                break
            if p.text == heading and depth == level:
                inside = True
                continue
        if inside:
            lines.append(p.text)
    return "\n".join(lines)

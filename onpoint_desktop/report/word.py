"""Small python-docx building blocks the report needs but python-docx does not offer, or
offers slowly: fields (page numbers, caption numbers), pictures with alternative text,
chart legends, paragraphs and headings by style name (looked up once per document).
Tables are in ``tables``.

Everything visible uses named Word styles (Title, Heading 1/2/3, Caption, List Bullet,
Quote, Chart Legend, a table style), so a district can restyle the whole report from
Word's Styles pane.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``, ``SEQ Figure``...) showing ``shown`` until
    the reader's word processor updates it."""

    def fld_char(kind: str) -> OxmlElement:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(fld_char("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(fld_char("separate"))
    paragraph.add_run(shown)
    run = paragraph.add_run()
    run._r.append(fld_char("end"))


class Captions:
    """Numbered captions ("Figure 1: ...", "Table 2: ...") using Word's SEQ fields, so
    Word can build a list of figures and renumber them after edits."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, doc: Document, kind: str, text: str, *, keep_with_next: bool) -> Paragraph:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        caption = paragraph(doc, style="Caption")
        caption.add_run(f"{kind} ")
        add_field(caption, f"SEQ {kind} \\* ARABIC", str(self.counts[kind]))
        caption.add_run(f": {text}")
        caption.paragraph_format.keep_with_next = keep_with_next
        return caption


def note(doc: Document, text: str, *, size: float = 8.5) -> Paragraph:
    """A small explanatory line under a table (legend, source)."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(3)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.italic = True
    return paragraph


def keep_with_next(paragraph: Paragraph) -> Paragraph:
    """Keep ``paragraph`` on the page of what follows (an intro above its table)."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def add_picture(doc: Document, png: bytes, width: float, alt: str) -> Paragraph:
    """A centred picture ``width`` inches wide with its alternative text, kept with
    what follows (its legend and caption)."""
    from onpoint_desktop.report.tables import Picture, drawing

    picture = doc.add_paragraph()
    picture.add_run()._r.append(drawing(doc, Picture(png, width, alt)))
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    return picture


def style_id(doc: Document, name: str) -> str:
    """The id of the style called ``name``, looked up once per document: python-docx
    searches all the styles by name on every lookup, and again for the default style
    whenever a style is assigned (milliseconds each, hundreds of times a report)."""
    cache = doc.__dict__.setdefault("_style_ids", {})
    found = cache.get(name)
    if found is None:
        found = cache[name] = doc.styles[name].style_id
    return found


def paragraph(doc: Document, text: str = "", style: str | None = None) -> Paragraph:
    """A new paragraph at the end of the body, in the named style."""
    added = doc.add_paragraph(text)
    if style is not None:
        added._p.style = style_id(doc, style)
    return added


def heading(doc: Document, text: str, level: int) -> Paragraph:
    """A heading (Word's "Heading N" styles keep with what follows)."""
    return paragraph(doc, text, f"Heading {level}")


LEGEND_STYLE = "Chart Legend"


def legend(doc: Document, entries) -> Paragraph:
    """A chart's legend as a line of text under it, in its own paragraph style: each
    key a coloured symbol and its words."""
    from docx.enum.style import WD_STYLE_TYPE

    if LEGEND_STYLE not in doc.__dict__.setdefault("_style_ids", {}):
        style = doc.styles.add_style(LEGEND_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(8)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.space_after = Pt(2)
        style.paragraph_format.keep_with_next = True
        doc.__dict__["_style_ids"][LEGEND_STYLE] = style.style_id
    line = paragraph(doc, style=LEGEND_STYLE)
    for index, entry in enumerate(entries):
        if index:
            line.add_run("    ")
        symbol = line.add_run(entry.symbol + " ")
        symbol.bold = True
        symbol.font.color.rgb = RGBColor.from_string(entry.colour)
        line.add_run(entry.label)
    return line

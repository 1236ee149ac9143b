"""The document's own properties (what Word shows under File ▸ Info, what search and
document-management systems index).

python-docx starts from a template whose properties say "python-docx", created
2013-12-23, with a thumbnail of an empty page and "Microsoft Macintosh Word" as the
application. A report replaces all of it: title, subject, author and last editor (the
consultant), created and modified now, and Onpoint Desktop as the application.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from onpoint_desktop import __version__
from onpoint_desktop.report.content import ReportContent

APPLICATION = "Onpoint Desktop"
PROPERTY_CHARS = 255  # the most a core property may hold (a district name may take 200)


def fit(text: str) -> str:
    """``text`` cut to what a document property holds, with an ellipsis when cut."""
    return text if len(text) <= PROPERTY_CHARS else text[: PROPERTY_CHARS - 1] + "…"


def set_properties(doc: Document, content: ReportContent) -> None:
    props = doc.core_properties
    district, label = content.district, content.round.label
    props.title = fit(f"Onpoint report: {district}, {label}")
    props.subject = fit(
        f"Personalized learning implementation, round {label} ({content.stage_label})"
    )
    props.author = fit(content.consultant)
    props.last_modified_by = fit(content.consultant)
    props.comments = fit(
        f"The Onpoint score of {district} for round {label}, scored with {content.model.id}."
    )
    props.keywords = fit(f"Onpoint; personalized learning; {district}")
    props.category = "Onpoint report"
    props.created = props.modified = content.written_at.replace(tzinfo=None)
    props.revision = 1
    props.language = "en-US"
    _application(doc)


def _application(doc: Document) -> None:
    """Drop the template's thumbnail and say which application wrote the file."""
    package = doc.part.package
    for rel in list(package.rels.values()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel.rId)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _app_xml()


def _app_xml() -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties">'
        f"<Application>{escape(APPLICATION)} {escape(__version__)}</Application>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()

"""A survey file's header as the import understands it: its columns and its layout.

A ``Layout`` says how many header rows a file has, what each ``Column`` is (a question,
the response id, a status, a respondent's name or e-mail...), which rows the tool marks
as previews, tests or spam, which columns say a response is partial, and how a response
is identified. ``layouts.describe`` recognises it; the later stages read it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from onpoint_desktop.surveys.text import normalise

# Column hints: what the layout says a column is, before any mapping to items.
QUESTION, COMMENT, RESPONSE_ID, STATUS = "question", "comment", "response_id", "status"
IDENTIFYING, METADATA = "identifying", "metadata"
PROGRESS, FINISHED = "progress", "finished"  # partial-response markers (kinds, not hints)

_IDENTIFYING = re.compile(
    r"(^|\b|(?<=[a-z]))(e-?mail|email ?address|ip ?address|ipaddress|latitude|longitude|"
    r"location ?(latitude|longitude)|recipient|externalreference|externaldatareference|"
    r"external ?(data )?reference|first ?name|last ?name|full ?name|your name|"
    r"name|username|user name|phone|telephone|mobile|custom data|custom variable|"
    r"employee (id|number)|staff (id|number)|student (id|number)|street|postcode|zip ?code)"
    r"(\b|$)"
)
METADATA_NAMES = {
    "startdate",
    "start date",
    "enddate",
    "end date",
    "progress",
    "duration (in seconds)",
    "duration",
    "finished",
    "recordeddate",
    "recorded date",
    "userlanguage",
    "user language",
    "responseset",
    "response set",
    "collector id",
    "collectorid",
    "collector_id",
    "timestamp",
    "start time",
    "completion time",
    "last modified time",
    "total points",
    "quiz feedback",
    "score",
    "total score",
    "status",
    "distributionchannel",
    "distribution channel",
    "language",
    "date_created",
    "date_modified",
    "ip_address",
}
_SCHOOL = re.compile(r"\b(school|campus|building)\b")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Column:
    """One column of a survey file, as its layout describes it."""

    index: int  # 0-based position
    name: str  # what the tool calls it: a Qualtrics column id, else the header
    text: str  # the question (or field) text as respondents saw it
    hint: str  # QUESTION, COMMENT, RESPONSE_ID, STATUS, IDENTIFYING or METADATA
    texts: tuple[str, ...] = ()  # texts the question may be recognised by
    group: str = ""  # the question it belongs to (a matrix's statements share one)

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        """``column R "Q2_1: ...I understand our district's vision..."`` for messages: a long
        matrix or grid header is shortened to its statement, the part that tells columns
        apart."""
        text = " ".join(self.text.split())
        if len(text) > 70:
            statement = re.search(r"(?: - |\[)([^\[\]]+?)\]?$", text)
            if statement and len(statement.group(1)) >= 10:
                text = "..." + statement.group(1)
            if len(text) > 70:
                text = text[:67].rstrip() + "..."
        name = " ".join(self.name.split())
        if name and name not in self.text and len(name) <= 20:
            text = f"{name}: {text}"
        return f'column {self.letter} "{text}"'


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as spreadsheets name columns)."""
    name, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        name = _LETTERS[rem] + name
    return name


@dataclass(frozen=True)
class Layout:
    """A file's header: its format, its columns and how its rows are identified."""

    format: str  # qualtrics, surveymonkey, google_forms, msforms, spss, template, spreadsheet
    label: str  # e.g. "Qualtrics"
    header_rows: int  # rows above the first response (after any leading blank rows)
    columns: tuple[Column, ...]
    key_columns: tuple[int, ...] = ()  # identify a response; empty: a hash of the row
    skip_values: dict[int, dict[str, str]] = field(default_factory=dict)  # → reason
    partial_columns: dict[int, str] = field(default_factory=dict)  # → PROGRESS / FINISHED

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def signature(self) -> str:
        """A fingerprint of the header (format, column names and texts), for remembering
        the mapping confirmed for files with this layout."""
        parts = [self.format] + [f"{c.name}\x1f{c.text}" for c in self.columns]
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:24]

    @property
    def read_columns(self) -> list[int]:
        """The columns whose cells the import reads (never identifying or tool metadata,
        except the fields that identify, skip or mark a response as partial)."""
        wanted = set(self.key_columns) | set(self.skip_values) | set(self.partial_columns)
        return [
            c.index
            for c in self.columns
            if c.index in wanted or c.hint not in (IDENTIFYING, METADATA)
        ]


def field_hint(*names: str) -> str:
    """METADATA or IDENTIFYING for a field the tools add or a respondent's identity, else
    QUESTION (short headers only are read as identity fields: questions are longer)."""
    keys = [normalise(n) for n in names if n and n.strip()]
    if any(k in METADATA_NAMES for k in keys):
        return METADATA
    for key in keys:
        if _SCHOOL.search(key):
            return QUESTION
        if len(key.split()) <= 6 and _IDENTIFYING.search(key):
            return IDENTIFYING
    return QUESTION


def stem_of(text: str) -> str:
    """The question a matrix or grid header belongs to ("Stem - Statement", "Stem [Row]")."""
    text = " ".join(text.split())
    if text.endswith("]") and " [" in text:
        return normalise(text[: text.rindex(" [")])
    if " - " in text:
        return normalise(text.split(" - ", 1)[0])
    return ""

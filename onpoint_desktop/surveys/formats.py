"""What each survey tool's export looks like: header rows, metadata, identifying columns.

``describe(rows)`` recognises the tool from the first rows of a file and returns its
``Layout``: how many header rows there are, what each column is (a question, the response
id, a status, a respondent's name or e-mail...), which rows the tool marks as previews,
tests or spam, and how a response is identified.

- Qualtrics CSV/TSV: column ids (``Q5_1``), question text ("Question - Statement" for
  matrix rows) and usually a row of ``{"ImportId": ...}``; the older "legacy" layout has
  ``V1``... ids and two header rows. ``Status`` ("Response Type") and
  ``DistributionChannel`` mark previews, tests and spam, as text or numeric codes.
- SurveyMonkey CSV/XLSX: question text (a matrix question once, over merged or blank
  cells), then "Response", "Open-Ended Response" or the matrix row labels.
- Google Forms CSV: "Timestamp", optional "Email Address", questions; grids as
  "Question [Row]".
- Microsoft Forms XLSX: ID, Start time, Completion time, Email, Name, optional "Last
  modified time", questions; quizzes add "Total points", "Quiz feedback" and per question
  "Points - ..." and "Feedback - ..." columns.
- Anything else with one header row (the app's template, a hand-made spreadsheet).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from onpoint_desktop.surveys.text import normalise

# Column hints: what the format says a column is, before any mapping to items.
QUESTION, COMMENT, RESPONSE_ID, STATUS = "question", "comment", "response_id", "status"
IDENTIFYING, METADATA = "identifying", "metadata"

_IDENTIFYING = re.compile(
    r"(^|\b|(?<=[a-z]))(e-?mail|email ?address|ip ?address|ipaddress|latitude|longitude|"
    r"location ?(latitude|longitude)|recipient|externalreference|externaldatareference|"
    r"external ?(data )?reference|first ?name|last ?name|full ?name|your name|"
    r"name|username|user name|phone|telephone|mobile|custom data|custom variable|"
    r"employee (id|number)|staff (id|number)|student (id|number)|street|postcode|zip ?code)"
    r"(\b|$)"
)
_METADATA = {
    "startdate",
    "start date",
    "enddate",
    "end date",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "recorded date",
    "userlanguage",
    "user language",
    "responseset",
    "response set",
    "collector id",
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
}
_SCHOOL = re.compile(r"\b(school|campus|building)\b")
_TIMESTAMP_NAMES = {
    "timestamp",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "carimbo de data/hora",
    "informazioni cronologiche",
    "tijdstempel",
    "sygnatura czasowa",
}
_QUALTRICS_IDS = {"responseid", "_recordid"}
_QUALTRICS_STATUS = {
    "1": "preview",
    "survey preview": "preview",
    "2": "test",
    "survey test": "test",
    "8": "spam",
    "spam": "spam",
    "9": "spam",
    "survey preview spam": "spam",
    "preview spam": "spam",
    "12": "spam",
    "imported spam": "spam",
    "17": "preview",
    "offline survey preview": "preview",
}
_QUALTRICS_CHANNEL = {"preview": "preview", "test": "test"}
_QUALTRICS_ANALYTICS = re.compile(r" - (parent )?(topics|topic sentiment.*|sentiment.*)$", re.I)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Column:
    """One column of a survey file, as its format describes it."""

    index: int  # 0-based position
    name: str  # what the tool calls it: a Qualtrics column id, else the header
    text: str  # the question (or field) text as respondents saw it
    hint: str  # QUESTION, COMMENT, RESPONSE_ID, STATUS, IDENTIFYING or METADATA
    texts: tuple[str, ...] = ()  # texts the question may be recognised by

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        """``column R "Q2_1: I understand our district's vision..."`` for messages."""
        shown = self.text if self.name in ("", self.text) else f"{self.name}: {self.text}"
        shown = " ".join(shown.split())
        if len(shown) > 70:
            shown = shown[:67].rstrip() + "..."
        return f'column {self.letter} "{shown}"'


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

    format: str  # qualtrics, surveymonkey, google_forms, msforms, template or spreadsheet
    label: str  # e.g. "Qualtrics"
    header_rows: int  # rows above the first response, including blank rows at the top
    columns: tuple[Column, ...]
    key_columns: tuple[int, ...] = ()  # identify a response; empty: a hash of the row
    skip_values: dict[int, dict[str, str]] = field(default_factory=dict)  # → reason

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def signature(self) -> str:
        """A fingerprint of the header (format, column names and texts), for remembering
        the mapping confirmed for files with this layout."""
        parts = [self.format] + [f"{c.name}\x1f{c.text}" for c in self.columns]
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:24]


def describe(rows: list[list[str]], item_ids: set[str]) -> Layout:
    """Recognise the survey tool from the first rows (``item_ids``: comparable item ids)."""
    offset = 0
    while offset < len(rows) and not any(c.strip() for c in rows[offset]):
        offset += 1
    head = rows[offset:]
    width = len(head[0]) if head else 0  # the first header row spans every column
    head = [(r + [""] * width)[:width] for r in head]
    for recognise in (_qualtrics, _surveymonkey, _msforms, _google_forms):
        layout = recognise(head, offset)
        if layout is not None:
            return layout
    return _one_header_row(head, offset, item_ids)


def _hint(*names: str) -> str:
    """METADATA or IDENTIFYING for a field the tools add or a respondent's identity, else
    QUESTION (short headers only are read as identity fields: questions are longer)."""
    keys = [normalise(n) for n in names if n]
    if any(k in _METADATA for k in keys):
        return METADATA
    for key in keys:
        if _SCHOOL.search(key):
            return QUESTION
        if len(key.split()) <= 6 and _IDENTIFYING.search(key):
            return IDENTIFYING
    return QUESTION


def _import_id(cell: str) -> str:
    try:
        value = json.loads(cell)
    except (ValueError, TypeError):
        return ""
    return str(value.get("ImportId", "")) if isinstance(value, dict) else ""


def _qualtrics(head: list[list[str]], offset: int) -> Layout | None:
    if len(head) < 2:
        return None
    ids = [c.strip() for c in head[0]]
    texts = [c.strip() for c in head[1]]
    lowered = {i.lower() for i in ids} | {t.lower().replace(" ", "") for t in texts}
    legacy = "responseid" in {t.lower() for t in texts} and ids[:1] == ["V1"]
    if not (lowered & _QUALTRICS_IDS or {"startdate", "enddate", "status"} <= lowered):
        return None
    import_ids = [_import_id(c) for c in head[2]] if len(head) > 2 else []
    header_rows = 3 if any(import_ids) else 2
    columns, key, skip = [], (), {}
    for index, (cid, text) in enumerate(zip(ids, texts, strict=False)):
        name = text if legacy else cid
        import_id = import_ids[index] if import_ids else ""
        compact = name.lower().replace(" ", "")
        if compact in _QUALTRICS_IDS or import_id == "_recordId":
            hint, key = RESPONSE_ID, (index,)
        elif compact == "status":
            hint, skip[index] = STATUS, _QUALTRICS_STATUS
        elif compact == "distributionchannel":
            hint, skip[index] = STATUS, _QUALTRICS_CHANNEL
        elif (
            compact.startswith("q_") or compact.endswith("_do") or _QUALTRICS_ANALYTICS.search(text)
        ):
            hint = METADATA
        elif compact.endswith("_text") or import_id.upper().endswith("_TEXT"):
            hint = COMMENT
        else:
            hint = _hint(name, text) if not re.match(r"^q\d", compact) else QUESTION
        columns.append(Column(index, name, text or name, hint, (text, name)))
    return Layout("qualtrics", "Qualtrics", offset + header_rows, tuple(columns), key, skip)


def _surveymonkey(head: list[list[str]], offset: int) -> Layout | None:
    if len(head) < 2 or "respondent id" not in {normalise(c) for c in head[0]}:
        return None
    stems, statements = head[0], head[1]
    columns, key, stem = [], (), ""
    for index, (top, sub) in enumerate(zip(stems, statements, strict=False)):
        top, sub = top.strip(), sub.strip()
        if top:
            stem = top
        elif not sub:
            stem = ""
        sub_key = normalise(sub)
        if normalise(top) == "respondent id":
            columns.append(Column(index, top, top, RESPONSE_ID))
            key = (index,)
            continue
        if sub_key in ("", "response"):
            text, texts = stem, (stem,)
        elif sub_key in ("open-ended response", "other (please specify)"):
            text, texts = f"{stem} - {sub}", (stem,)
        else:
            text, texts = f"{stem} - {sub}", (sub, text_join(stem, sub))
        if sub_key in ("open-ended response", "other (please specify)"):
            hint = COMMENT
        elif not sub:
            hint = _hint(stem)
        else:
            hint = QUESTION
        columns.append(Column(index, stem, text, hint, texts))
    return Layout("surveymonkey", "SurveyMonkey", offset + 2, tuple(columns), key)


def text_join(stem: str, statement: str) -> str:
    return f"{stem} - {statement}" if stem else statement


def _msforms(head: list[list[str]], offset: int) -> Layout | None:
    names = [normalise(c) for c in head[0]]
    if not {"id", "start time", "completion time"} <= set(names):
        return None
    columns = []
    for index, raw in enumerate(head[0]):
        name = normalise(raw)
        if name in ("id", "start time"):
            hint = RESPONSE_ID
        elif re.match(r"^(points|feedback) - ", name):
            hint = METADATA
        else:
            hint = _hint(raw)
        columns.append(Column(index, raw.strip(), raw.strip(), hint, (raw,)))
    key = (names.index("id"), names.index("start time"))
    return Layout("msforms", "Microsoft Forms", offset + 1, tuple(columns), key)


def _google_forms(head: list[list[str]], offset: int) -> Layout | None:
    if not head or normalise(head[0][0]) not in _TIMESTAMP_NAMES:
        return None
    columns = [Column(i, c.strip(), c.strip(), _hint(c), (c,)) for i, c in enumerate(head[0])]
    return Layout("google_forms", "Google Forms", offset + 1, tuple(columns))


def _one_header_row(head: list[list[str]], offset: int, item_ids: set[str]) -> Layout:
    from onpoint_desktop.surveys.text import item_id_key

    header = head[0] if head else []
    columns = []
    for i, raw in enumerate(header):
        hint = QUESTION if item_id_key(raw) in item_ids else _hint(raw)
        columns.append(Column(i, raw.strip(), raw.strip(), hint, (raw,)))
    is_template = any(item_id_key(c) in item_ids for c in header)
    fmt, label = ("template", "Onpoint template") if is_template else ("spreadsheet", "Spreadsheet")
    return Layout(fmt, label, offset + 1, tuple(columns))

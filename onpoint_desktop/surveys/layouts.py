"""Recognise the layout: which survey tool wrote a file, and what each column is.

``describe(head)`` reads the first rows of a file and returns its ``header.Layout``. What
each tool's export looks like:

- Qualtrics CSV/TSV/XLSX: column ids (``Q5_1``), question text ("Question - Statement"
  for matrix rows) and usually a row of ImportIds, written ``{"ImportId":"QID2_1"}`` or,
  by 2016–17 exports, ``{'ImportId': 'QID2_1'}``; the older "legacy" layout has ``V1``...
  ids and two header rows. ``Status`` ("Response Type") and ``DistributionChannel`` mark
  previews, tests and spam, as text or numeric codes; ``Finished`` and ``Progress`` mark
  partial responses. Its SPSS export has the same names as variables.
- SurveyMonkey CSV/XLSX: question text (a matrix question once, over merged or blank
  cells), then "Response", "Open-Ended Response" or the matrix row labels; with or without
  the respondent metadata columns (Respondent ID, Collector ID, dates, IP address...).
- Google Forms CSV: "Timestamp", optional "Email Address", questions; grids as
  "Question [Row]".
- Microsoft Forms XLSX: ID, Start time, Completion time, Email, Name, optional "Last
  modified time", questions; quizzes add "Total points", "Quiz feedback" and per question
  "Points - ..." and "Feedback - ..." columns.
- SPSS data files from any tool: variable names and labels.
- Anything else with one header row (the app's template, a hand-made spreadsheet).
"""

from __future__ import annotations

import re

from onpoint_desktop.surveys.header import (
    COMMENT,
    FINISHED,
    METADATA,
    PROGRESS,
    QUESTION,
    RESPONSE_ID,
    STATUS,
    Column,
    Layout,
    field_hint,
    stem_of,
)
from onpoint_desktop.surveys.text import item_id_key, normalise

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
# The ImportId row, in either spelling: JSON, or the Python-literal dict of 2016–17 exports.
_IMPORT_ID = re.compile(r"""^\s*\{.*?["']ImportId["']\s*:\s*["']([^"']*)["']""", re.S)
_QUALTRICS_GROUP = re.compile(r"^(.+?)_\d+$")
_SURVEYMONKEY_MARKERS = {"response", "open-ended response", "other (please specify)"}
_SPSS_KEYS = {"respondent_id", "respondentid", "responseid", "response_id", "_recordid"}


def import_id(cell: str) -> str:
    """The ImportId of a Qualtrics third-row cell, '' if it is not one.

    >>> import_id('{"ImportId":"QID2_1"}'), import_id("{'ImportId': 'QID2_1'}"), import_id("4")
    ('QID2_1', 'QID2_1', '')
    """
    found = _IMPORT_ID.match(cell[:500])
    return found.group(1) if found else ""


def describe(
    head: list[list[str]], item_ids: set[str], *, names_and_labels: bool = False
) -> Layout:
    """Recognise the survey tool from a file's first rows (``item_ids``: comparable ids).

    ``names_and_labels``: the first two rows are variable names and labels (SPSS)."""
    width = max((len(r) for r in head[:2]), default=0)  # the header rows span every column
    # A damaged SPSS file can leave a variable without a name or label (None): no text.
    rows = [([c if c is not None else "" for c in r] + [""] * width)[:width] for r in head]
    if names_and_labels:
        return qualtrics(rows) or spss(rows)
    for recognise in (
        qualtrics,
        surveymonkey,
        msforms,
        google_forms,
    ):
        layout = recognise(rows)
        if layout is not None:
            return layout
    return one_header_row(rows, item_ids)


def qualtrics(rows: list[list[str]]) -> Layout | None:
    if len(rows) < 2:
        return None
    ids = [c.strip() for c in rows[0]]
    texts = [c.strip() for c in rows[1]]
    lowered = {i.lower() for i in ids} | {t.lower().replace(" ", "") for t in texts}
    legacy = "responseid" in {t.lower() for t in texts} and ids[:1] == ["V1"]
    if not (lowered & _QUALTRICS_IDS or {"startdate", "enddate", "status"} <= lowered):
        return None
    import_ids = [import_id(c) for c in rows[2]] if len(rows) > 2 else []
    header_rows = 3 if any(import_ids) else 2
    columns, key, skip, partial = [], (), {}, {}
    for index, (cid, text) in enumerate(zip(ids, texts, strict=False)):
        name = text if legacy else cid
        imported = import_ids[index] if import_ids else ""
        compact = name.lower().replace(" ", "")
        if compact in _QUALTRICS_IDS or imported == "_recordId":
            hint, key = RESPONSE_ID, (index,)
        elif compact == "status":
            hint, skip[index] = STATUS, _QUALTRICS_STATUS
        elif compact == "distributionchannel":
            hint, skip[index] = STATUS, _QUALTRICS_CHANNEL
        elif compact in ("progress", "finished"):
            hint, partial[index] = METADATA, PROGRESS if compact == "progress" else FINISHED
        elif (
            compact.startswith("q_") or compact.endswith("_do") or _QUALTRICS_ANALYTICS.search(text)
        ):
            hint = METADATA
        elif compact.endswith("_text") or imported.upper().endswith("_TEXT"):
            hint = COMMENT
        else:
            hint = field_hint(name, text) if not re.match(r"^q\d", compact) else QUESTION
        group = _QUALTRICS_GROUP.match(name)
        columns.append(
            Column(
                index,
                name,
                text or name,
                hint,
                (text, name),
                group.group(1).lower() if group else stem_of(text),
            )
        )
    return Layout("qualtrics", "Qualtrics", header_rows, tuple(columns), key, skip, partial)


def surveymonkey(rows: list[list[str]]) -> Layout | None:
    if len(rows) < 2 or not _surveymonkey_shape(rows[0], rows[1]):
        return None
    stems, statements = rows[0], rows[1]
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
            hint = field_hint(stem)
        else:
            hint = QUESTION
        columns.append(Column(index, stem, text, hint, texts, normalise(stem)))
    return Layout("surveymonkey", "SurveyMonkey", 2, tuple(columns), key)


def _surveymonkey_shape(top: list[str], sub: list[str]) -> bool:
    """SurveyMonkey's two-row header: with its metadata ("Respondent ID"), or recognised by
    its second row: "Response" / "Open-Ended Response" under questions, or a matrix's
    statements under the blank cells its question spans."""
    names = [normalise(c) for c in top]
    if "respondent id" in names:
        return True
    if names and (names[0] in _TIMESTAMP_NAMES or {"id", "start time"} <= set(names)):
        return False  # Google Forms or Microsoft Forms, whatever their first answers say
    subs = [normalise(c) for c in sub]
    if any(s in _SURVEYMONKEY_MARKERS for s in subs):
        return True
    spanned = [i for i in range(1, len(top)) if not top[i].strip() and sub[i].strip()]
    statements = [s for s in subs if s]
    return (
        len(spanned) >= 2
        and all(len(s.split()) >= 3 for s in statements)
        and not any(re.fullmatch(r"[\d\s.:/-]+", s) for s in statements)
    )


def text_join(stem: str, statement: str) -> str:
    return f"{stem} - {statement}" if stem else statement


def msforms(rows: list[list[str]]) -> Layout | None:
    names = [normalise(c) for c in rows[0]] if rows else []
    if not {"id", "start time", "completion time"} <= set(names):
        return None
    columns = []
    for index, raw in enumerate(rows[0]):
        name = normalise(raw)
        if name in ("id", "start time"):
            hint = RESPONSE_ID
        elif re.match(r"^(points|feedback) - ", name):
            hint = METADATA
        else:
            hint = field_hint(raw)
        columns.append(Column(index, raw.strip(), raw.strip(), hint, (raw,), stem_of(raw)))
    key = (names.index("id"), names.index("start time"))
    return Layout("msforms", "Microsoft Forms", 1, tuple(columns), key)


def google_forms(rows: list[list[str]]) -> Layout | None:
    if not rows or not rows[0] or normalise(rows[0][0]) not in _TIMESTAMP_NAMES:
        return None
    columns = [
        Column(i, c.strip(), c.strip(), field_hint(c), (c,), stem_of(c))
        for i, c in enumerate(rows[0])
    ]
    return Layout("google_forms", "Google Forms", 1, tuple(columns))


def spss(rows: list[list[str]]) -> Layout:
    """An SPSS file from any tool: variable names (row 1) and labels (row 2)."""
    names, labels = rows[0], rows[1] if len(rows) > 1 else rows[0]
    columns, key = [], ()
    for index, (name, label) in enumerate(zip(names, labels, strict=False)):
        compact = normalise(name)
        if compact in _SPSS_KEYS and not key:
            hint, key = RESPONSE_ID, (index,)
        else:
            hint = field_hint(name.replace("_", " "), label)
        group = _QUALTRICS_GROUP.match(name)
        columns.append(
            Column(
                index,
                name,
                label or name,
                hint,
                (label, name),
                group.group(1).lower() if group else stem_of(label),
            )
        )
    return Layout("spss", "SPSS", 2, tuple(columns), key)


def one_header_row(rows: list[list[str]], item_ids: set[str]) -> Layout:
    header = rows[0] if rows else []
    columns = []
    for i, raw in enumerate(header):
        hint = QUESTION if item_id_key(raw) in item_ids else field_hint(raw)
        columns.append(Column(i, raw.strip(), raw.strip(), hint, (raw,), stem_of(raw)))
    is_template = any(item_id_key(c) in item_ids for c in header)
    fmt, label = ("template", "Onpoint template") if is_template else ("spreadsheet", "Spreadsheet")
    return Layout(fmt, label, 1, tuple(columns))

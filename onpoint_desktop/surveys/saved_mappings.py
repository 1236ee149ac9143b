"""Mappings saved as JSON: written, loaded, fitted to a file, and remembered once confirmed.

A saved mapping names each column by its letter, name and text, so it can be checked
against the file it is applied to: a column the mapping uses for an item, the school or
comments must be in the file (found by name and text, wherever it now is), or the import
is refused rather than reading the wrong column. Each item column lists every answer it
holds with the value it gets (``"value"``: 1–5, ``"missing"``, or ``null`` for an answer
no one has given a value yet); the values in a loaded mapping are the consultant's.

One rule decides remembering, for the CLI and the wizard alike (``remember_confirmed``):
a mapping the consultant confirmed — given as a mapping file (``--mapping``), or accepted
on the wizard's pages — is remembered for files with the same layout and role once an
import with it has succeeded. A mapping no one looked at (the automatic one) is not.
Remembered mappings live in the per-user config folder (``mappings/``) and are used again,
without asking, for the next file with that layout.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from onpoint_desktop import paths
from onpoint_desktop.atomic import write_atomically
from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys.answer_mapping import AnswerMapping
from onpoint_desktop.surveys.columns import (
    EDITABLE_USES,
    IGNORED,
    ITEM,
    MISSING_VALUE,
    SCHOOL,
    ColumnMapping,
    ColumnUse,
    map_columns,
)
from onpoint_desktop.surveys.header import Layout
from onpoint_desktop.surveys.table import SurveyTable
from onpoint_desktop.surveys.text import normalise

MAPPING_FORMAT = "onpoint-survey-mapping/2"
READABLE_FORMATS = ("onpoint-survey-mapping/1", MAPPING_FORMAT)


def mapping_json(mapping: ColumnMapping, answers: AnswerMapping | None = None) -> dict:
    """The mapping as JSON; with ``answers``, every answer of each item column is listed."""
    columns = []
    for u in mapping.uses:
        entry = {
            "column": u.column.letter,
            "name": u.column.name,
            "text": u.column.text,
            "use": u.use,
            **({"item": u.item} if u.item else {}),
            "confidence": round(u.confidence, 3),
            "reason": u.reason,
        }
        listed = answers.of(u.column.index) if answers is not None and u.use == ITEM else None
        if listed is not None:
            entry["answers"] = [
                {
                    "answer": c.text,
                    "value": None if c.kind == "unknown" else (c.value or "missing"),
                    "count": c.count,
                    "how": c.how,
                }
                for c in listed.choices
            ]
            if listed.other_scale:
                entry["scale"] = listed.other_scale
        elif u.column.index in mapping.answer_values:
            entry["answers"] = [
                {"answer": text, "value": value or "missing"}
                for text, value in mapping.answer_values[u.column.index].items()
            ]
        columns.append(entry)
    return {
        "format": MAPPING_FORMAT,
        "role": mapping.role,
        "source_format": mapping.format,
        "layout": mapping.layout,
        "columns": columns,
    }


def save_mapping(
    mapping: ColumnMapping, path: Path | str, answers: AnswerMapping | None = None
) -> Path:
    path = Path(path)
    text = json.dumps(mapping_json(mapping, answers), indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
    except OSError as exc:
        raise SurveyImportError(f"Could not save the mapping to {path}: {exc}.") from None
    return path


# --- remembering ------------------------------------------------------------------------


def mappings_dir() -> Path:
    return paths.config_dir() / "mappings"


def remembered_path(role: str, layout_format: str, signature: str) -> Path:
    return mappings_dir() / f"{role}-{layout_format}-{signature}.json"


def remember(mapping: ColumnMapping, answers: AnswerMapping | None = None) -> Path:
    """Remember a mapping for files with the same layout (and role)."""
    return save_mapping(
        mapping, remembered_path(mapping.role, mapping.format, mapping.layout), answers
    )


def remember_confirmed(mapping: ColumnMapping, answers: AnswerMapping | None = None) -> Path | None:
    """The one rule: remember ``mapping`` if the consultant confirmed it (see above).

    Called by the import once its transaction has committed; returns where it was kept."""
    if not mapping.confirmed:
        return None
    return remember(mapping, answers)


def remembered(layout: Layout, table: SurveyTable, instrument: Instrument) -> ColumnMapping | None:
    """The mapping confirmed earlier for this layout and role, if any (and still valid)."""
    path = remembered_path(instrument.role, layout.format, layout.signature)
    if not path.exists():
        return None
    try:
        mapping = fit_mapping(read_mapping(path), layout, table, instrument, path)
    except SurveyImportError:
        return None  # a stale or damaged remembered mapping: map afresh
    mapping.origin, mapping.confirmed = "remembered", False
    for u in mapping.uses:
        if u.reason.startswith("from the mapping"):
            u.reason = "confirmed for files with this layout before"
    return mapping


# --- loading ----------------------------------------------------------------------------


def read_mapping(path: Path | str) -> dict:
    """A mapping file's JSON, checked for shape."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SurveyImportError(f"No mapping file at {path}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SurveyImportError(f"Mapping file {path} cannot be read: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("format") not in READABLE_FORMATS:
        raise SurveyImportError(
            f'{path} is not an Onpoint column mapping (expected "format": "{MAPPING_FORMAT}").'
        )
    columns = doc.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
        raise SurveyImportError(f"Mapping file {path}: 'columns' must be a list of objects.")
    for n, entry in enumerate(columns, start=1):
        use = entry.get("use")
        if use == ITEM and not isinstance(entry.get("item"), str):
            raise SurveyImportError(
                f"Mapping file {path}: column entry {n} uses 'item' but names no item."
            )
        if not isinstance(entry.get("text", ""), str) or not isinstance(entry.get("name", ""), str):
            raise SurveyImportError(f"Mapping file {path}: column entry {n} has a bad name/text.")
        listed = entry.get("answers", [])
        if not isinstance(listed, list) or not all(
            isinstance(a, dict) and isinstance(a.get("answer"), str) for a in listed
        ):
            raise SurveyImportError(
                f"Mapping file {path}: column entry {n} has 'answers' that are not a list of "
                '{"answer": ..., "value": ...} objects.'
            )
    return doc


def fit_mapping(
    doc: dict, layout: Layout, table: SurveyTable | None, instrument: Instrument, source: Path
) -> ColumnMapping:
    """Apply a saved mapping to a file's layout; refuse if a column it uses is missing."""
    role = doc.get("role")
    if role != instrument.role:
        raise SurveyImportError(
            f"The mapping in {source} is for the {role} survey, not the {instrument.role} "
            "survey; use a mapping made for this role."
        )
    base = map_columns(layout, table, instrument)
    uses = list(base.uses)
    decided: set[int] = set()
    answer_values: dict[int, dict[str, int]] = {}
    by_name_text: dict[tuple[str, str], list[int]] = {}
    for col in layout.columns:
        by_name_text.setdefault((col.name, col.text), []).append(col.index)
    for entry in doc["columns"]:
        use = entry.get("use")
        if use not in EDITABLE_USES:
            continue  # metadata, identifiers...: the format decides those again
        key = (entry.get("name", ""), entry.get("text", ""))
        places = [i for i in by_name_text.get(key, []) if i not in decided]
        same_letter = [i for i in places if layout.columns[i].letter == entry.get("column")]
        index = (same_letter or places or [None])[0]
        if index is None:
            if use == IGNORED:
                continue
            shown = " ".join(str(key[1] or key[0]).split())[:70]
            raise SurveyImportError(
                f'The mapping in {source} uses column {entry.get("column")} "{shown}", '
                "which this file does not have; the file's layout differs. Map this file "
                "afresh (inspect-survey --save-mapping) instead."
            )
        decided.add(index)
        item = entry.get("item") if use == ITEM else None
        if use == ITEM and item not in instrument.by_id:
            raise SurveyImportError(
                f"The mapping in {source} maps {layout.columns[index].label} to '{item}', "
                f"which is not an item of the {instrument.label}."
            )
        uses[index] = ColumnUse(
            layout.columns[index], use, item, 1.0, f"from the mapping {Path(source).name}"
        )
        values = _answer_values(entry, layout.columns[index].label, instrument, source)
        if values:
            answer_values[index] = values
    for index, u in enumerate(uses):
        if index not in decided and u.use in (ITEM, SCHOOL):
            uses[index] = replace(u, use=IGNORED, item=None, reason="not in the saved mapping")
    return ColumnMapping(
        instrument.role,
        layout.format,
        layout.signature,
        uses,
        origin=Path(source).name,
        answer_values=answer_values,
        confirmed=True,
    )


def _answer_values(entry: dict, label: str, instrument: Instrument, source: Path) -> dict:
    values: dict[str, int] = {}
    for answer in entry.get("answers", []):
        value = answer.get("value")
        if value is None:
            continue  # not given a value (yet)
        if value == "missing":
            values[normalise(answer["answer"])] = MISSING_VALUE
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and instrument.scale_min <= value <= instrument.scale_max
        ):
            values[normalise(answer["answer"])] = value
        else:
            raise SurveyImportError(
                f'The mapping in {source} gives the answer "{answer["answer"][:60]}" of '
                f"{label} the value {json.dumps(value)[:20]}; use {instrument.scale_min}–"
                f'{instrument.scale_max} or "missing".'
            )
    return values

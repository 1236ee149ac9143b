"""Mappings saved as JSON: loading one, fitting it to a file, remembering confirmed ones.

A saved mapping names each column by its letter, name and text, so it can be checked
against the file it is applied to: a column the mapping uses for an item, the school or
comments must be in the file (found by name and text, wherever it now is), or the import
is refused rather than reading the wrong column. Confirmed mappings are remembered per
role and header layout in the per-user config folder (``mappings/``) and used again,
without asking, for the next file with the same layout.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from onpoint_desktop import paths
from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys.formats import Layout
from onpoint_desktop.surveys.mapping import (
    EDITABLE_USES,
    IGNORED,
    ITEM,
    MAPPING_FORMAT,
    ColumnMapping,
    ColumnUse,
    auto_mapping,
)


def mappings_dir() -> Path:
    return paths.config_dir() / "mappings"


def remembered_path(role: str, layout: Layout) -> Path:
    return mappings_dir() / f"{role}-{layout.format}-{layout.signature}.json"


def remember(mapping: ColumnMapping) -> Path:
    """Remember a confirmed mapping for files with the same layout (and role)."""
    path = mappings_dir() / f"{mapping.role}-{mapping.format}-{mapping.layout}.json"
    return mapping.save(path)


def remembered(layout: Layout, instrument: Instrument) -> ColumnMapping | None:
    """The mapping confirmed earlier for this layout and role, if any (and still valid)."""
    path = remembered_path(instrument.role, layout)
    if not path.exists():
        return None
    try:
        mapping = fit_mapping(read_mapping(path), layout, instrument, path)
    except SurveyImportError:
        return None  # a stale or damaged remembered mapping: map afresh
    mapping.origin = "remembered"
    return mapping


def read_mapping(path: Path) -> dict:
    """A mapping file's JSON, checked for shape."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SurveyImportError(f"No mapping file at {path}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SurveyImportError(f"Mapping file {path} cannot be read: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("format") != MAPPING_FORMAT:
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
    return doc


def fit_mapping(doc: dict, layout: Layout, instrument: Instrument, source: Path) -> ColumnMapping:
    """Apply a saved mapping to a file's layout; refuse if a column it uses is missing."""
    role = doc.get("role")
    if role != instrument.role:
        raise SurveyImportError(
            f"The mapping in {source} is for the {role} survey, not the {instrument.role} "
            "survey; use a mapping made for this role."
        )
    base = auto_mapping(layout, instrument)
    uses = list(base.uses)
    decided: set[int] = set()
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
    for index, u in enumerate(uses):
        if index not in decided and u.use in (ITEM, "school"):
            uses[index] = replace(u, use=IGNORED, item=None, reason="not in the saved mapping")
    return ColumnMapping(
        instrument.role, layout.format, layout.signature, uses, origin=Path(source).name
    )

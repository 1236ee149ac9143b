"""Which column of a survey file holds which instrument item (the column mapping).

Columns are matched to items automatically: by item id in the header (``T01``, ``T1``),
by the question text (case, quotes, punctuation, spacing and "(R)" markers ignored; the
statement of a matrix or grid header found after " - ", ": " or inside "[...]"), or by a
close match (rapidfuzz) when the wording differs a little. Every column gets a use, a
confidence (0–1) and the reason for it, so the import wizard can show the mapping and the
consultant can correct it. A confirmed mapping is saved as JSON and remembered for files
with the same header layout (``remembered`` / ``remember``); ``--mapping FILE`` loads one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from onpoint_desktop.atomic import write_atomically
from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys.formats import (
    COMMENT,
    IDENTIFYING,
    METADATA,
    QUESTION,
    RESPONSE_ID,
    STATUS,
    Column,
    Layout,
)
from onpoint_desktop.surveys.text import item_id_key, match_key, normalise, statement_candidates

ITEM, SCHOOL, IGNORED = "item", "school", "ignored"
EDITABLE_USES = (ITEM, SCHOOL, COMMENT, IGNORED)
USES = (*EDITABLE_USES, RESPONSE_ID, STATUS, IDENTIFYING, METADATA)
MAPPING_FORMAT = "onpoint-survey-mapping/1"

ACCEPT = 88.0  # fuzzy similarity (0–100) from which a column is mapped automatically
MARGIN = 5.0  # ...if no other item comes this close
SUGGEST = 70.0  # below ACCEPT but at least this: shown as a suggestion only
_ID_PREFIX = re.compile(r"^\s*([A-Za-z]{1,4}[\s_-]?\d{1,3})(?:\s*[:.)\-]\s+|\s+)\S")
_SCHOOL_NAMES = {
    "school",
    "schools",
    "school name",
    "your school",
    "campus",
    "school/campus",
    "building",
    "school site",
    "site",
    "school building",
    "location (school)",
}
_SCHOOL_QUESTION = re.compile(
    r"\b(which|what|select|choose|name of|your|in which|at which)\b.*\b(school|campus)\b"
)
_COMMENT_QUESTION = re.compile(
    r"\b(comments?|anything else|please (explain|specify|share|describe|tell)|suggestions?|"
    r"feedback|other thoughts|additional (thoughts|information))\b"
)


@dataclass
class ColumnUse:
    """What one column is used for in an import."""

    column: Column
    use: str  # one of USES
    item: str | None = None
    confidence: float = 1.0  # 0–1: how sure the automatic mapping is
    reason: str = ""
    suggestion: str | None = None  # the closest item when not mapped automatically


@dataclass
class ColumnMapping:
    """The mapping of a file's columns for one role; editable, saved as JSON."""

    role: str
    format: str
    layout: str  # the layout signature it was made for
    uses: list[ColumnUse] = field(default_factory=list)
    origin: str = "automatic"  # automatic, remembered or the file it was loaded from

    # --- reading ----------------------------------------------------------------------

    def of(self, index: int) -> ColumnUse:
        return self.uses[index]

    def with_use(self, use: str) -> list[ColumnUse]:
        return [u for u in self.uses if u.use == use]

    @property
    def item_columns(self) -> list[ColumnUse]:
        return self.with_use(ITEM)

    @property
    def school_column(self) -> ColumnUse | None:
        found = self.with_use(SCHOOL)
        return found[0] if found else None

    @property
    def unmapped(self) -> list[ColumnUse]:
        """Question columns that no item takes (shown to the user; never imported)."""
        return [u for u in self.uses if u.use == IGNORED]

    def problems(self, instrument: Instrument) -> list[str]:
        """What stops an import with this mapping (empty when it can be used)."""
        found = []
        by_item: dict[str, list[ColumnUse]] = {}
        for u in self.item_columns:
            if u.item not in instrument.by_id:
                found.append(
                    f"{u.column.label} is mapped to '{u.item}', which is not an item "
                    f"of the {instrument.label}."
                )
            by_item.setdefault(u.item or "", []).append(u)
        for item, uses in by_item.items():
            if len(uses) > 1:
                cols = " and ".join(u.column.label for u in uses)
                found.append(
                    f"Item {item} is in more than one column ({cols}); keep one and "
                    "set the others to 'ignored' in the mapping."
                )
        schools = self.with_use(SCHOOL)
        if len(schools) > 1:
            found.append(
                f"More than one school column ({' and '.join(u.column.label for u in schools)}); "
                "keep one."
            )
        return found

    # --- editing ----------------------------------------------------------------------

    def set_item(self, index: int, item_id: str) -> None:
        self.uses[index] = replace(
            self.uses[index], use=ITEM, item=item_id, confidence=1.0, reason="set by hand"
        )

    def set_use(self, index: int, use: str) -> None:
        if use not in EDITABLE_USES or use == ITEM:
            raise ValueError(f"use must be one of school, comment, ignored (not {use!r})")
        self.uses[index] = replace(
            self.uses[index], use=use, item=None, confidence=1.0, reason="set by hand"
        )

    # --- JSON -------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "format": MAPPING_FORMAT,
            "role": self.role,
            "source_format": self.format,
            "layout": self.layout,
            "columns": [
                {
                    "column": u.column.letter,
                    "name": u.column.name,
                    "text": u.column.text,
                    "use": u.use,
                    **({"item": u.item} if u.item else {}),
                    "confidence": round(u.confidence, 3),
                    "reason": u.reason,
                }
                for u in self.uses
            ],
        }

    def save(self, path: Path) -> Path:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise SurveyImportError(f"Could not save the mapping to {path}: {exc}.") from None
        return path


# --- automatic mapping ------------------------------------------------------------------


@dataclass(frozen=True)
class ItemMatch:
    item: str
    confidence: float
    reason: str


class ItemMatcher:
    """Finds the instrument item a column header names."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.by_id_key = {item_id_key(i.id): i.id for i in instrument.items}
        self.by_text = {match_key(i.text): i.id for i in instrument.items}
        self.keys = list(self.by_text)

    def match(self, column: Column) -> tuple[ItemMatch | None, ItemMatch | None]:
        """The accepted match, else None and the best suggestion (or None)."""
        for text in (column.name, column.text):
            key = item_id_key(text)
            if key not in self.by_id_key:
                prefix = _ID_PREFIX.match(text or "")
                key = item_id_key(prefix.group(1)) if prefix else None
            if key in self.by_id_key:
                item = self.by_id_key[key]
                return ItemMatch(item, 1.0, f"item id {item} in the header"), None
        candidates = [match_key(c) for c in statement_candidates(*column.texts, column.text)]
        for key in candidates:
            if key in self.by_text:
                item = self.by_text[key]
                return ItemMatch(item, 1.0, f"same text as item {item}"), None
        best: tuple[float, float, str] | None = None
        for key in candidates:
            if len(key) < 12:
                continue
            found = process.extract(key, self.keys, scorer=fuzz.ratio, limit=2)
            score = found[0][1]
            runner_up = found[1][1] if len(found) > 1 else 0.0
            if best is None or score > best[0]:
                best = (score, score - runner_up, self.by_text[found[0][0]])
        if best is None or best[0] < SUGGEST:
            return None, None
        score, margin, item = best
        found_match = ItemMatch(
            item, score / 100, f"close to the text of item {item} ({score:.0f}% similar)"
        )
        if score >= ACCEPT and margin >= MARGIN:
            return found_match, None
        return None, found_match


def is_school_header(text: str) -> bool:
    key = normalise(text)
    return key in _SCHOOL_NAMES or bool(_SCHOOL_QUESTION.search(key))


def auto_mapping(layout: Layout, instrument: Instrument) -> ColumnMapping:
    """Map a file's columns to the items of ``instrument`` (nothing is decided by hand)."""
    matcher = ItemMatcher(instrument)
    uses: list[ColumnUse] = []
    for col in layout.columns:
        if col.hint != QUESTION:
            uses.append(ColumnUse(col, col.hint, reason=_HINT_REASONS[col.hint]))
            continue
        accepted, suggestion = matcher.match(col)
        if accepted:
            uses.append(ColumnUse(col, ITEM, accepted.item, accepted.confidence, accepted.reason))
        else:
            uses.append(_non_item(col, suggestion))
    mapping = ColumnMapping(instrument.role, layout.format, layout.signature, uses)
    schools = [u for u in mapping.uses if u.use == IGNORED and is_school_header(u.column.text)]
    if schools:
        first = schools[0]
        exact = [u for u in schools if normalise(u.column.text) == "school"]
        chosen = exact[0] if exact else first
        mapping.uses[chosen.column.index] = replace(
            chosen,
            use=SCHOOL,
            confidence=1.0,
            reason="names the respondent's school",
            suggestion=None,
        )
    return mapping


_HINT_REASONS = {
    COMMENT: "free-text answer (kept only if you choose to keep comments)",
    RESPONSE_ID: "identifies the response (used to recognise it on re-import)",
    STATUS: "marks previews, tests and spam (those rows are skipped)",
    IDENTIFYING: "identifies a person; never imported",
    METADATA: "added by the survey tool; not imported",
}


def _non_item(col: Column, suggestion: ItemMatch | None) -> ColumnUse:
    if _COMMENT_QUESTION.search(normalise(col.text)):
        return ColumnUse(col, COMMENT, reason=_HINT_REASONS[COMMENT])
    if suggestion:
        return ColumnUse(
            col,
            IGNORED,
            confidence=suggestion.confidence,
            reason=f"not mapped: only {suggestion.reason.removeprefix('close to ')}",
            suggestion=suggestion.item,
        )
    return ColumnUse(col, IGNORED, confidence=0.0, reason="no item of this survey matches")

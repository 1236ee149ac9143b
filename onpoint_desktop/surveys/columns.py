"""Map columns: which column of a survey file holds which instrument item.

Columns are matched to items by item id in the header (``T01``, ``T1``), by the question
text (case, quotes, punctuation, spacing and "(R)" markers ignored; the statement of a
matrix or grid header found after " - ", ": " or inside "[...]"), or by a close match
(rapidfuzz) when the wording differs a little. A question no item takes is a school column
when its header names the school, a comment column when its answers are free text (read
from the file, never guessed from words such as "feedback" in its header: item T19 has
that word), else not imported. Every column gets a use, a confidence (0–1) and the reason,
so the wizard and ``inspect-survey`` can show the mapping and the consultant can correct
it. The mapping also carries the consultant's own answer values (``set_answer``) and
whether they confirmed it (``confirm``); see ``saved_mappings`` for both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys.answers import MISSING, RECODE, UNKNOWN, VALUE, AnswerScale, is_prose
from onpoint_desktop.surveys.header import (
    COMMENT,
    IDENTIFYING,
    METADATA,
    QUESTION,
    RESPONSE_ID,
    STATUS,
    Column,
    Layout,
)
from onpoint_desktop.surveys.table import FileColumn, SurveyTable
from onpoint_desktop.surveys.text import item_id_key, match_key, normalise, statement_candidates

ITEM, SCHOOL, IGNORED = "item", "school", "ignored"
EDITABLE_USES = (ITEM, SCHOOL, COMMENT, IGNORED)
USES = (*EDITABLE_USES, RESPONSE_ID, STATUS, IDENTIFYING, METADATA)
MISSING_VALUE = 0  # an answer value the consultant sets to "missing"

ACCEPT = 88.0  # fuzzy similarity (0–100) from which a column is mapped automatically
MARGIN = 5.0  # ...if no other item comes this close
SUGGEST = 70.0  # below ACCEPT but at least this: shown as a suggestion only
PROFILED = 2_000  # distinct answers of a column looked at to tell what it holds
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
HINT_REASONS = {
    COMMENT: "free-text answers (kept only if you choose to keep comments)",
    RESPONSE_ID: "identifies the response (used to recognise it on re-import)",
    STATUS: "marks previews, tests and spam (those rows are skipped)",
    IDENTIFYING: "identifies a person; never imported",
    METADATA: "added by the survey tool; not imported",
}
FREE_TEXT, SCALE, OTHER, EMPTY = "free text", "scale", "other", "empty"


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
    """The mapping of a file's columns for one role, with the consultant's answer values;
    editable, saved as JSON, remembered once confirmed."""

    role: str
    format: str
    layout: str  # the layout signature it was made for
    uses: list[ColumnUse] = field(default_factory=list)
    origin: str = "automatic"  # automatic, remembered, or the file it was loaded from
    # column index → {normalised answer → value (1..5, or MISSING_VALUE)}: set by hand
    answer_values: dict[int, dict[str, int]] = field(default_factory=dict)
    confirmed: bool = False  # the consultant accepted it (wizard) or gave it (a file)

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

    def set_answer(self, index: int, answer: str, value: int | None) -> None:
        """Give an answer of column ``index`` a value by hand: a scale point, or
        ``MISSING_VALUE``; ``None`` takes the hand-set value away again."""
        key = normalise(answer)
        values = self.answer_values.setdefault(index, {})
        if value is None:
            values.pop(key, None)
            if not values:
                del self.answer_values[index]
        else:
            values[key] = int(value)

    def confirm(self) -> None:
        """The consultant accepted this mapping (an import with it remembers it)."""
        self.confirmed = True

    def save(self, path):
        """Write this mapping as JSON (see ``saved_mappings.save_mapping``)."""
        from onpoint_desktop.surveys.saved_mappings import save_mapping

        return save_mapping(self, path)


# --- automatic mapping ------------------------------------------------------------------


@dataclass(frozen=True)
class ItemMatch:
    item: str
    confidence: float
    reason: str
    by_id: bool = False


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
                return ItemMatch(item, 1.0, f"item id {item} in the header", by_id=True), None
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


def content_of(column: FileColumn | None, scale: AnswerScale) -> str:
    """What a column's answers are: FREE_TEXT, SCALE (answers a scale reads), OTHER, EMPTY.

    Decided on the cells: free text when at least half of the answered cells are prose
    (several words) that no scale reads."""
    if column is None:
        return EMPTY
    counts = column.counts()
    answered = prose = readable = 0
    seen = 0
    for text, n in zip(column.texts, counts.tolist(), strict=False):
        if not n or not text.strip():
            continue
        seen += 1
        if seen > PROFILED:
            break
        answered += n
        reading = scale.read(text)
        if reading.kind in (VALUE, MISSING, RECODE) or scale.other_scale(text):
            readable += n
        elif reading.kind == UNKNOWN and is_prose(text):
            prose += n
    if not answered:
        return EMPTY
    if 2 * prose >= answered:
        return FREE_TEXT
    return SCALE if 2 * readable > answered else OTHER


def map_columns(layout: Layout, table: SurveyTable | None, instrument: Instrument) -> ColumnMapping:
    """Map a file's columns to the items of ``instrument`` (nothing decided by hand)."""
    matcher = ItemMatcher(instrument)
    scale = AnswerScale.for_instrument(instrument)
    columns = table.columns if table is not None else {}
    uses: list[ColumnUse] = []
    schools: list[int] = []
    for col in layout.columns:
        if col.hint != QUESTION:
            uses.append(ColumnUse(col, col.hint, reason=HINT_REASONS[col.hint]))
            continue
        if not col.text.strip() and not col.name.strip():
            uses.append(ColumnUse(col, IGNORED, confidence=0.0, reason="no header"))
            continue
        accepted, suggestion = matcher.match(col)
        content = content_of(columns.get(col.index), scale) if table is not None else EMPTY
        if accepted and (accepted.by_id or content != FREE_TEXT):
            uses.append(ColumnUse(col, ITEM, accepted.item, accepted.confidence, accepted.reason))
            continue
        if accepted:  # a wording like an item's, but respondents wrote text under it
            reason = f"its answers are free text (the header resembles item {accepted.item})"
            uses.append(ColumnUse(col, COMMENT, reason=reason, suggestion=accepted.item))
        elif is_school_header(col.text):
            schools.append(col.index)
            uses.append(ColumnUse(col, IGNORED, reason="names a school"))
        elif content == FREE_TEXT:
            uses.append(ColumnUse(col, COMMENT, reason="its answers are free text"))
        else:
            uses.append(_not_mapped(col, suggestion, content))
    mapping = ColumnMapping(instrument.role, layout.format, layout.signature, uses)
    if schools:
        exact = [i for i in schools if normalise(layout.columns[i].text) == "school"]
        chosen = (exact or schools)[0]
        mapping.uses[chosen] = replace(
            mapping.uses[chosen], use=SCHOOL, reason="names the respondent's school"
        )
    return mapping


def _not_mapped(col: Column, suggestion: ItemMatch | None, content: str) -> ColumnUse:
    if suggestion:
        return ColumnUse(
            col,
            IGNORED,
            confidence=suggestion.confidence,
            reason=f"not mapped: only {suggestion.reason.removeprefix('close to ')}",
            suggestion=suggestion.item,
        )
    reason = {
        SCALE: "a scale question that is not an item of this survey",
        EMPTY: "no answers in the file, and no item of this survey matches",
    }.get(content, "no item of this survey matches")
    return ColumnUse(col, IGNORED, confidence=0.0, reason=reason)

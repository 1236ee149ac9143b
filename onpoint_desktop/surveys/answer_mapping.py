"""Map answers: every distinct answer of each item column, and the value it will get.

The answer mapping is a first-class object like the column mapping: for each mapped item
column, each answer the file holds (with how many respondents gave it) and what it becomes
— a scale point (an agreement label, a variant, a number 1–5), missing (blank, a missing
word or a missing code), or unknown. The consultant can give any answer a value by hand
(``ColumnMapping.set_answer``; a typo such as "Disgree", a label in another language); the
values set by hand are saved and remembered with the column mapping.

A column whose answers form another scale — a seven-point agreement scale ("Slightly
agree", or "Agree" beside "Somewhat agree"), a frequency or yes/no scale, numbers beyond
1–5 in it or in the other statements of its question, or value labels an SPSS file
declares — is refused naming that scale, unless its answers are mapped by hand: then only
the values set by hand count (missing answers stay missing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from onpoint_desktop.surveys.answers import MISSING, RECODE, UNKNOWN, VALUE, AnswerScale, Reading
from onpoint_desktop.surveys.columns import MISSING_VALUE, ColumnMapping, ColumnUse
from onpoint_desktop.surveys.table import SurveyTable
from onpoint_desktop.surveys.text import match_key, normalise

UNKNOWN_CODE = -1  # in a column's lookup: 1..max a scale point, 0 missing, -1 unknown
LISTED_IN_MESSAGE = 5


@dataclass(frozen=True)
class AnswerChoice:
    """One distinct answer of a column and the value it gets."""

    text: str  # as the file writes it
    count: int  # cells holding it (in rows not marked preview, test or spam)
    value: int | None  # the scale point; None when missing or unknown
    kind: str  # VALUE, MISSING, RECODE (a missing code) or UNKNOWN
    how: str  # why, in words: "scale label", "set by hand", "not on the scale"...

    @property
    def shown_value(self) -> str:
        """The value as the mapping JSON and the wizard show it."""
        if self.kind == UNKNOWN:
            return "?"
        return "missing" if self.value is None else str(self.value)


@dataclass
class ColumnAnswers:
    """The answers of one item column."""

    use: ColumnUse
    choices: list[AnswerChoice]
    lookup: np.ndarray  # per text code of the file column: value, 0 missing, -1 unknown
    recode: np.ndarray  # per text code: a missing-answer code (counted in the summary)
    other_scale: str | None = None  # the scale its answers form, when not this one
    by_hand: bool = False  # another scale, mapped by hand by the consultant

    @property
    def refused(self) -> bool:
        """Answered on another scale that no one mapped by hand."""
        return self.other_scale is not None and not self.by_hand

    @property
    def unknown(self) -> list[AnswerChoice]:
        return [c for c in self.choices if c.kind == UNKNOWN]


@dataclass
class AnswerMapping:
    """The answer mapping of every item column of a file (in column order)."""

    columns: list[ColumnAnswers] = field(default_factory=list)
    labelled: bool = False  # some answers are labels (a "choice text" export)

    def of(self, index: int) -> ColumnAnswers | None:
        return next((c for c in self.columns if c.use.column.index == index), None)

    def problems(self, file_name: str) -> list[str]:
        """Columns on another scale, one sentence per scale (each stops the import)."""
        by_scale: dict[str, list[ColumnAnswers]] = {}
        for col in self.columns:
            if col.refused:
                by_scale.setdefault(col.other_scale.split(", like")[0], []).append(col)
        found = []
        for scale, columns in by_scale.items():
            evident = [c for c in columns if ", like" not in c.other_scale] or columns[:1]
            first = evident[0]
            shown = ", ".join(f'"{c.text}"' for c in first.choices if c.kind == UNKNOWN)
            others = len(columns) - 1
            also = f" and {others} other column{'s' if others != 1 else ''}" if others else ""
            found.append(
                f"{file_name}, {first.use.column.label}{also}: the answers ({_brief(shown)}) "
                f"form {scale}, not the five-point agreement scale. Map each answer to the "
                "agreement scale by hand (the answer mapping) to import them, or do not "
                "import these columns."
            )
        return found


def map_answers(
    table: SurveyTable,
    mapping: ColumnMapping,
    scale: AnswerScale,
    declared: dict[int, dict[str, str]] | None = None,
) -> AnswerMapping:
    """The answer mapping of the file's item columns (``declared``: SPSS value labels)."""
    counted = table.marked == ""  # rows the tool marked as previews, tests or spam: not
    readings: dict[str, Reading] = {}
    result = AnswerMapping()
    numbers: dict[int, set[float]] = {}
    group_numbers: dict[str, set[float]] = {}
    for use in mapping.item_columns:
        column = table.columns[use.column.index]
        counts = np.bincount(column.codes[counted], minlength=len(column.texts))
        texts = column.texts
        read = [readings.get(t) or readings.setdefault(t, scale.read(t)) for t in texts]
        used = [r for r, n in zip(read, counts, strict=False) if n]
        labelled = any(r.kind == VALUE and r.variant for r in used)
        found = set() if labelled else {r.number for r in used if _integral(r)}
        numbers[use.column.index] = found
        if use.column.group:
            group_numbers.setdefault(use.column.group, set()).update(found)
        other = _other_scale(texts, read, counts, scale, declared or {}, use)
        result.columns.append(_column_answers(use, texts, read, counts, other, mapping))
        result.labelled |= labelled
    for col in result.columns:  # a question's statements share its scale
        index, group = col.use.column.index, col.use.column.group
        if col.other_scale or not numbers[index] or not group:
            continue
        wider = _numeric_scale(group_numbers[group], scale)
        if wider:
            col.other_scale = f"{wider}, like the other statements of its question"
            rebuilt = _column_answers(
                col.use,
                table.columns[index].texts,
                [readings[t] for t in table.columns[index].texts],
                np.bincount(table.columns[index].codes[counted], minlength=len(col.lookup)),
                col.other_scale,
                mapping,
            )
            col.choices, col.lookup, col.by_hand = rebuilt.choices, rebuilt.lookup, rebuilt.by_hand
            col.recode = rebuilt.recode
    return result


def _column_answers(use, texts, read, counts, other, mapping) -> ColumnAnswers:
    hand = mapping.answer_values.get(use.column.index, {})
    by_hand = other is not None and bool(hand)
    lookup = np.zeros(len(texts), dtype=np.int8)
    recode = np.zeros(len(texts), dtype=bool)
    choices: list[AnswerChoice] = []
    for code, (text, reading, n) in enumerate(zip(texts, read, counts.tolist(), strict=False)):
        if reading.kind == "blank":
            continue
        value, kind, how = _choice(reading, hand.get(normalise(text)), other, by_hand)
        lookup[code] = UNKNOWN_CODE if kind == UNKNOWN else (value or 0)
        recode[code] = kind == RECODE
        if n:
            choices.append(AnswerChoice(text.strip(), int(n), value, kind, how))
    choices.sort(key=lambda c: (c.kind != UNKNOWN, c.value is None, c.value or 0, -c.count))
    return ColumnAnswers(use, choices, lookup, recode, other, by_hand)


def _choice(reading: Reading, hand: int | None, other: str | None, by_hand: bool):
    """(value, kind, how) of one answer."""
    if hand is not None:
        if hand == MISSING_VALUE:
            return None, MISSING, "set by hand (missing)"
        return hand, VALUE, "set by hand"
    if reading.kind == MISSING:
        return None, MISSING, "missing answer"
    if reading.kind == RECODE:
        return None, RECODE, "missing-answer code"
    if other is not None:
        return None, UNKNOWN, "no value set by hand" if by_hand else f"on {_short(other)}"
    if reading.kind == VALUE:
        return reading.value, VALUE, "scale label" if reading.variant else "number on the scale"
    return None, UNKNOWN, "not on the agreement scale"


def _other_scale(texts, read, counts, scale, declared, use) -> str | None:
    """The other scale a column's answers (or declared value labels) form, if any."""
    used = [(t, r, n) for t, r, n in zip(texts, read, counts.tolist(), strict=False) if n]
    answered = sum(n for _t, r, n in used if r.kind not in ("blank", MISSING, RECODE))
    words: dict[str, int] = {}
    for text, _reading, n in used:
        named = scale.other_scale(text)
        if named:
            words[named] = words.get(named, 0) + n
    for named, n in sorted(words.items(), key=lambda kv: -kv[1]):
        # Another agreement wording ("Slightly agree") shows a longer agreement scale at
        # once; another kind of scale must hold half the answers (one stray "Sometimes"
        # among agreement answers is an unknown answer, not a frequency scale).
        if named in scale.agreement_scales or 2 * n >= answered:
            return named
    used = [(t, r) for t, r, _n in used]
    conflict = _longer_agreement(used)
    if conflict:
        return f"a seven-point agreement scale ('{conflict[0]}' and '{conflict[1]}' both occur)"
    labelled = any(r.kind == VALUE and r.variant for _t, r in used)
    numeric = (
        None if labelled else _numeric_scale({r.number for _t, r in used if _integral(r)}, scale)
    )
    if numeric:  # numbers past 1–5 in a column of numbers (a stray one among labels is unknown)
        return numeric
    return _declared_scale(declared.get(use.column.index, {}), scale)


def _declared_scale(labels: dict[str, str], scale: AnswerScale) -> str | None:
    """The scale an SPSS variable's value labels declare, when not the agreement scale."""
    points = {}
    for value, label in labels.items():
        reading = scale.read(label)
        if reading.kind in (MISSING, RECODE) or scale.read(value).kind == RECODE:
            continue
        named = scale.other_scale(label)
        if named:
            return f"{named} (as the file's value labels declare)"
        points[value] = reading
    if len(points) > scale.scale_max - scale.scale_min + 1:
        return f"a {_points(len(points))} scale (as the file's value labels declare)"
    return None


def _numeric_scale(found: set[float], scale: AnswerScale) -> str | None:
    """ "a 7-point scale (answers 1–7)" when numbers go past the agreement scale's."""
    values = {v for v in found if v is not None}
    if not values or (min(values) >= scale.scale_min and max(values) <= scale.scale_max):
        return None
    lo, hi = int(min(values)), int(max(values))
    if lo == 0 and hi == 1:
        return "a yes/no scale (answers 0 and 1)"
    return f"a {_points(hi - lo + 1)} scale (answers {lo}–{hi})"


def _points(n: int) -> str:
    return f"{n}-point"


def _integral(reading: Reading) -> bool:
    number = reading.number
    return number is not None and reading.kind in (VALUE, UNKNOWN) and float(number).is_integer()


def _longer_agreement(used) -> tuple[str, str] | None:
    """Two labels a column uses for one scale point when one qualifies the other: "Agree"
    beside "Somewhat agree" means a longer agreement scale (six or seven points).

    >>> _longer_agreement([("Agree", Reading(VALUE, 4, "agree")),
    ...                    ("Somewhat agree", Reading(VALUE, 4, "somewhat agree"))])
    ('agree', 'somewhat agree')
    """
    by_point: dict[int, set[str]] = {}
    for _text, reading in used:
        if reading.kind == VALUE and reading.variant:
            by_point.setdefault(reading.value, set()).add(reading.variant)
    for labels in by_point.values():
        ordered = sorted(labels, key=len)
        for i, short in enumerate(ordered):
            words = set(match_key(short).split())
            for longer in ordered[i + 1 :]:
                if words < set(match_key(longer).split()):
                    return short, longer
    return None


def _short(scale_name: str) -> str:
    return scale_name.split(" (", 1)[0].split(",", 1)[0]


def _brief(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip(", ") + "..."

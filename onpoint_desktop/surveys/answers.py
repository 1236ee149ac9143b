"""Reading survey answers: agreement labels, their variants, numbers, and missing answers.

An answer is one of:

- a scale point: an instrument label ("Agree") or a variant from
  ``resources/answer_scale.json`` ("Somewhat agree" → 4, "Neutral" → 3), in any case, or a
  number on the scale (1–5), or both ("5 - Strongly agree", "Agree (4)") when they agree;
- missing: blank, or a missing word ("N/A", "Don't know", "Prefer not to answer"...);
- a missing recode: in numeric exports, a code below 0 or of 97 and over (-99 "seen but
  unanswered", 98/99/999...), missing too but counted separately;
- unknown: anything else. Unknown answers stop an import unless the user chooses to treat
  them as missing.

Columns are read vectorised: each distinct value is read once, then codes are gathered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from onpoint_desktop.framework import Instrument
from onpoint_desktop.resources import Fields, read_json, resources_dir
from onpoint_desktop.surveys.text import match_key, normalise

VALUE, BLANK, MISSING, RECODE, UNKNOWN = "value", "blank", "missing", "recode", "unknown"

_NUMBER = re.compile(r"^[+-]?\d{1,6}(?:\.\d+)?$")
_NUMBER_FIRST = re.compile(r"^\(?([+-]?\d{1,6})\)?\s*[-=.:)]?\s*([^\d\s].*)$")
_NUMBER_LAST = re.compile(r"^([^\d].*?)\s*(?:[-=:]\s*|[\(\[])([+-]?\d{1,6})[\)\]]?$")

UNKNOWN_CODE = -1  # in coded columns: 1..max a scale point, 0 missing, -1 unknown


@dataclass(frozen=True)
class Reading:
    """How one distinct answer text reads."""

    kind: str  # VALUE, BLANK, MISSING, RECODE or UNKNOWN
    value: int = 0  # the scale point for VALUE
    variant: str = ""  # the normalised label that gave the value ("" for numbers)


@dataclass(frozen=True)
class AnswerScale:
    """The answers one instrument accepts."""

    labels: dict[str, int]  # normalised label → scale point
    missing: frozenset[str]
    missing_below: float
    missing_from: float
    scale_min: int
    scale_max: int

    @classmethod
    def for_instrument(cls, instrument: Instrument) -> AnswerScale:
        path = resources_dir() / "answer_scale.json"
        doc = Fields(read_json(path), str(path))
        points = {value for value, _ in instrument.scale}
        labels = {normalise(label): value for value, label in instrument.scale}
        variants = doc.sub("variants")
        for key in variants.obj:
            if not key.isdigit() or int(key) not in points:
                raise variants.fail(key, f"is not a point of the {instrument.label} scale")
            for text in variants.list(key):
                labels.setdefault(normalise(text), int(key))
        codes = doc.sub("missing_codes")
        return cls(
            labels=labels,
            missing=frozenset(normalise(t) for t in doc.list("missing")),
            missing_below=codes.number("below"),
            missing_from=codes.number("from"),
            scale_min=instrument.scale_min,
            scale_max=instrument.scale_max,
        )

    def read(self, text: object) -> Reading:
        """Read one answer as the file holds it.

        >>> from onpoint_desktop.model_catalogue import shipped_model
        >>> scale = AnswerScale.for_instrument(shipped_model("onpoint-1").instruments["teacher"])
        >>> [scale.read(t).kind for t in ("Somewhat agree", "", "N/A", "-99", "Maybe")]
        ['value', 'blank', 'missing', 'recode', 'unknown']
        >>> scale.read("5 - Strongly agree").value, scale.read("AGREE ").value
        (5, 4)
        """
        s = normalise(text)
        if not s:
            return Reading(BLANK)
        if s in self.labels:
            return Reading(VALUE, self.labels[s], s)
        if s in self.missing:
            return Reading(MISSING)
        if _NUMBER.match(s):
            return self._number(float(s))
        for pattern, num_group, label_group in ((_NUMBER_FIRST, 1, 2), (_NUMBER_LAST, 2, 1)):
            m = pattern.match(s)
            if m:
                return self._labelled_number(float(m.group(num_group)), normalise(m[label_group]))
        return Reading(UNKNOWN)

    def _number(self, number: float) -> Reading:
        if number < self.missing_below or number >= self.missing_from:
            return Reading(RECODE)
        if number.is_integer() and self.scale_min <= number <= self.scale_max:
            return Reading(VALUE, int(number))
        return Reading(UNKNOWN)

    def _labelled_number(self, number: float, label: str) -> Reading:
        if label in self.missing:
            return Reading(MISSING)
        by_number = self._number(number)
        if by_number.kind == VALUE and self.labels.get(label) == by_number.value:
            return Reading(VALUE, by_number.value, label)
        return Reading(UNKNOWN)


@dataclass
class CodedColumn:
    """One item column read: a code per row, and how each distinct text read."""

    codes: np.ndarray  # int8 per row: 1..max scale point, 0 missing or blank, -1 unknown
    answered: np.ndarray  # bool per row: the cell was not blank
    positions: np.ndarray  # per row: index into ``texts`` (-1: no value)
    texts: list[str]
    readings: list[Reading]

    def tally(self, rows: np.ndarray) -> tuple[dict[str, int], dict[str, int], dict[int, set]]:
        """Among the rows selected by the boolean mask ``rows``: missing recodes and
        unknown answers (text → count) and the labels used for each scale point."""
        picked = self.positions[rows]
        counts = np.bincount(picked[picked >= 0], minlength=len(self.texts))
        recodes: dict[str, int] = {}
        unknown: dict[str, int] = {}
        variants: dict[int, set[str]] = {}
        for text, reading, n in zip(self.texts, self.readings, counts, strict=False):
            if not n:
                continue
            if reading.kind == RECODE:
                key = text.strip()
                recodes[key] = recodes.get(key, 0) + int(n)
            elif reading.kind == UNKNOWN:
                unknown[text] = int(n)
            elif reading.kind == VALUE and reading.variant:
                variants.setdefault(reading.value, set()).add(reading.variant)
        return recodes, unknown, variants


def code_column(scale: AnswerScale, cells: pd.Series, cache: dict[str, Reading]) -> CodedColumn:
    """Read a column of answer texts; each distinct text is read once (``cache``)."""
    positions, index = pd.factorize(cells.fillna(""), use_na_sentinel=False)
    texts = [str(v) for v in index]
    lut = np.zeros(len(texts) + 1, dtype=np.int8)  # the extra last slot: no value (-1)
    answered_lut = np.zeros(len(texts) + 1, dtype=bool)
    readings = []
    for i, text in enumerate(texts):
        reading = cache.get(text)
        if reading is None:
            reading = cache[text] = scale.read(text)
        readings.append(reading)
        if reading.kind == VALUE:
            lut[i] = reading.value
        elif reading.kind == UNKNOWN:
            lut[i] = UNKNOWN_CODE
        answered_lut[i] = reading.kind != BLANK
    return CodedColumn(lut[positions], answered_lut[positions], positions, texts, readings)


def scale_conflict(variants: dict[int, set[str]]) -> tuple[str, str] | None:
    """Two labels a column uses for one scale point when one qualifies the other.

    "Agree" beside "Somewhat agree" in one column means the survey used a longer scale
    (six or seven points), which cannot be read as five without distorting it.

    >>> scale_conflict({4: {"agree", "somewhat agree"}})
    ('agree', 'somewhat agree')
    >>> scale_conflict({5: {"strongly agree", "agree strongly"}}) is None
    True
    """
    for labels in variants.values():
        ordered = sorted(labels, key=len)
        for i, short in enumerate(ordered):
            words = set(match_key(short).split())
            for longer in ordered[i + 1 :]:
                longer_words = set(match_key(longer).split())
                if words < longer_words:
                    return short, longer
    return None

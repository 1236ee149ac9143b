"""Reading one survey answer: agreement labels, their variants, numbers, missing answers.

An answer is one of:

- a scale point: an instrument label ("Agree") or a variant from
  ``resources/answer_scale.json`` ("Somewhat agree" → 4, "Neutral" → 3), in any case, or a
  number on the scale (1–5), or both ("5 - Strongly agree", "Agree (4)") when they agree;
- missing: blank, or a missing word ("N/A", "Don't know", "Prefer not to answer"...);
- a missing recode: in numeric exports, a code below 0 or of 97 and over (-99 "seen but
  unanswered", 98/99/999...), missing too but counted separately;
- unknown: anything else ("Disgree", "Sometimes", "7"). ``other_scale`` says when an
  unknown answer belongs to a scale the file may use instead (frequency, yes/no...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onpoint_desktop.framework import Instrument
from onpoint_desktop.resources import Fields, read_json, resources_dir
from onpoint_desktop.surveys.text import normalise

VALUE, BLANK, MISSING, RECODE, UNKNOWN = "value", "blank", "missing", "recode", "unknown"

_NUMBER = re.compile(r"^[+-]?\d{1,6}(?:\.\d+)?$")
_NUMBER_FIRST = re.compile(r"^\(?([+-]?\d{1,6})\)?\s*[-=.:)]?\s*([^\d\s].*)$")
_NUMBER_LAST = re.compile(r"^([^\d].*?)\s*(?:[-=:]\s*|[\(\[])([+-]?\d{1,6})[\)\]]?$")
_PROSE = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Reading:
    """How one distinct answer text reads."""

    kind: str  # VALUE, BLANK, MISSING, RECODE or UNKNOWN
    value: int = 0  # the scale point for VALUE
    variant: str = ""  # the normalised label that gave the value ("" for numbers)
    number: float | None = None  # the number the answer is (or starts with), if any


@dataclass(frozen=True)
class AnswerScale:
    """The answers one instrument accepts, and the wordings of other scales."""

    labels: dict[str, int]  # normalised label → scale point
    missing: frozenset[str]
    missing_below: float
    missing_from: float
    scale_min: int
    scale_max: int
    other_scales: dict[str, str]  # normalised label → the scale it belongs to
    agreement_scales: frozenset[str] = frozenset()  # other scales worded in agreement

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
        others = doc.sub("other_scales")
        other_scales = {
            normalise(text): scale for scale in others.obj for text in others.list(scale)
        }
        return cls(
            labels=labels,
            missing=frozenset(normalise(t) for t in doc.list("missing")),
            missing_below=codes.number("below"),
            missing_from=codes.number("from"),
            scale_min=instrument.scale_min,
            scale_max=instrument.scale_max,
            other_scales={k: v for k, v in other_scales.items() if k not in labels},
            agreement_scales=frozenset(
                scale for label, scale in other_scales.items() if "agree" in label
            ),
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
            return Reading(RECODE, number=number)
        if number.is_integer() and self.scale_min <= number <= self.scale_max:
            return Reading(VALUE, int(number), number=number)
        return Reading(UNKNOWN, number=number)

    def _labelled_number(self, number: float, label: str) -> Reading:
        if label in self.missing:
            return Reading(MISSING)
        by_number = self._number(number)
        if by_number.kind == VALUE and self.labels.get(label) == by_number.value:
            return Reading(VALUE, by_number.value, label)
        return Reading(UNKNOWN, number=number if label not in self.other_scales else None)

    def other_scale(self, text: object) -> str | None:
        """The other scale an answer's wording belongs to ("a frequency scale"), if any.

        >>> from onpoint_desktop.model_catalogue import shipped_model
        >>> scale = AnswerScale.for_instrument(shipped_model("onpoint-1").instruments["teacher"])
        >>> scale.other_scale("Sometimes"), scale.other_scale("Slightly agree")
        ('a frequency scale', 'a seven-point agreement scale')
        >>> scale.other_scale("Disgree") is None
        True
        """
        s = normalise(text)
        m = _NUMBER_FIRST.match(s) or _NUMBER_LAST.match(s)
        if m and s not in self.other_scales:
            s = normalise(m.group(2) if m.re is _NUMBER_FIRST else m.group(1))
        return self.other_scales.get(s)


def is_prose(text: str) -> bool:
    """Free text a respondent wrote (several words), not a code or a scale label.

    >>> is_prose("We need more planning time."), is_prose("Disgree"), is_prose("4")
    (True, False, False)
    """
    words = _PROSE.findall(text)
    return len(words) >= 3 or (len(words) >= 1 and len(text.strip()) >= 25)

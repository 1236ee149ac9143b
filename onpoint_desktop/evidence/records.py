"""The records of visit evidence, as the workspace stores them and bundles carry them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Walkthrough:
    """One observed classroom: where and when, who observed, and each Core Four element's
    level (0 Not observed … 3 Strong). Never a teacher's or a student's name."""

    uuid: str
    round_id: str
    instrument: str
    school: str
    grade_band: str
    subject: str
    observed_on: str  # YYYY-MM-DD
    observer: str
    levels: dict[str, int]  # element id → level
    notes: dict[str, str] = field(default_factory=dict)  # element id → note
    note: str | None = None  # about the whole observation
    author: str = ""
    created_at: str = ""
    seq: int = 0


@dataclass(frozen=True)
class ConditionEvent:
    """A condition for scale rated (``state`` None: the rating was cleared)."""

    uuid: str
    round_id: str
    condition_id: str
    state: str | None
    note: str | None
    author: str
    created_at: str
    seq: int = 0

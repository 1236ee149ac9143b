"""Visit evidence in the workspace (SPEC §12): classroom walkthroughs and the conditions
for scale. Neither enters the Onpoint score; the district's own ratings are rating
events with perspective ``district`` (``ratings``).

Both are checked against the shipped instruments (``evidence.instruments``) before
anything is written; each write is one transaction.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import TYPE_CHECKING

from onpoint_desktop import clock, limits
from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace.latest import DISTRICT, EXPERT, WITHIN_WORKSPACE, latest_events
from onpoint_desktop.workspace.records import default_author

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Mapping
    from contextlib import AbstractContextManager

    from onpoint_desktop.evidence.profiles import AreaGap, ReadinessScore, WalkthroughProfile
    from onpoint_desktop.evidence.records import ConditionEvent, Walkthrough
    from onpoint_desktop.framework import Framework, ScoringModel
    from onpoint_desktop.workspace.records import Round

_WALKTHROUGH_COLUMNS = (
    "uuid, round_id, instrument, school, grade_band, subject, observed_on, observer, levels, "
    "notes, note, author, created_at, seq"
)
_CONDITION_COLUMNS = "uuid, round_id, condition_id, state, note, author, created_at, seq"


def checked_date(text: str | None) -> str:
    """An observation date as YYYY-MM-DD (default: today), or an InputError."""
    if text is None or not text.strip():
        return clock.now().date().isoformat()
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise InputError(
            f"The observation date '{text.strip()[:40]}' is not a date; write it as "
            "YYYY-MM-DD, e.g. 2025-03-14."
        ) from None


def checked_walkthrough_levels(levels: Mapping[str, object]) -> dict[str, int]:
    """Each element of the instrument given one level 0–top; unknown elements refused."""
    from onpoint_desktop.evidence.instruments import walkthrough_instrument

    instrument = walkthrough_instrument()
    unknown = [e for e in levels if e not in instrument.by_id]
    if unknown:
        raise InputError(
            f"Unknown walkthrough element '{str(unknown[0])[:60]}'; the elements are "
            f"{', '.join(instrument.element_ids)}."
        )
    checked = {}
    for element in instrument.elements:
        if element.id not in levels:
            raise InputError(
                f"Give a level for {element.label} (--{element.option} 0–"
                f"{instrument.top_level}); every classroom is rated on all "
                f"{len(instrument.elements)} elements."
            )
        value = levels[element.id]
        if isinstance(value, bool) or value not in instrument.level_values:
            raise InputError(
                f"{element.label} must be a level 0–{instrument.top_level} "
                f"({', '.join(f'{v} {label}' for v, label in instrument.levels)}), not "
                f"'{str(value)[:20]}'."
            )
        checked[element.id] = value
    return checked


class EvidenceStore:
    """The walkthrough and condition methods of the workspace (``store.Workspace``)."""

    # Provided by Workspace:
    conn: sqlite3.Connection
    transaction: Callable[[], AbstractContextManager[None]]
    get_round: Callable[[str], Round]
    round_model: Callable[[str], ScoringModel]
    levels: Callable[[str, str], dict[str, int]]
    framework: Framework

    # --- what the evidence shows (one place for CLI, GUI, report) ------------------------

    def walkthrough_profile(self, round_id: str) -> WalkthroughProfile:
        """The round's Core Four profile, small schools merged or hidden (the round's
        model's ``min_n``)."""
        from onpoint_desktop.evidence.instruments import walkthrough_instrument
        from onpoint_desktop.evidence.profiles import walkthrough_profile

        return walkthrough_profile(
            self.walkthroughs(round_id), walkthrough_instrument(), self.round_model(round_id).min_n
        )

    def perspective_gaps(self, round_id: str) -> list[AreaGap]:
        """The expert's and the district's own level of each focus area, and the gap."""
        from onpoint_desktop.evidence.profiles import perspective_gaps

        return perspective_gaps(
            self.framework.areas, self.levels(round_id, EXPERT), self.levels(round_id, DISTRICT)
        )

    def readiness(self, round_id: str) -> list[ReadinessScore]:
        """The conditions for scale of a round, by readiness area."""
        from onpoint_desktop.evidence.instruments import conditions_instrument
        from onpoint_desktop.evidence.profiles import readiness_profile

        return readiness_profile(self.conditions(round_id), conditions_instrument())

    # --- classroom walkthroughs ---------------------------------------------------------

    def add_walkthrough(
        self,
        round_id: str,
        *,
        school: str,
        grade_band: str,
        subject: str,
        levels: Mapping[str, object],
        observed_on: str | None = None,
        observer: str | None = None,
        note: str | None = None,
        notes: Mapping[str, str] | None = None,
    ) -> Walkthrough:
        """Record one observed classroom of a round (checked, one transaction)."""
        self.refuse_in_case("record a classroom walkthrough")
        from onpoint_desktop.evidence.instruments import walkthrough_instrument
        from onpoint_desktop.evidence.records import Walkthrough

        self.get_round(round_id)
        instrument = walkthrough_instrument()
        checked = checked_walkthrough_levels(levels)
        element_notes = {}
        for element_id, text in (notes or {}).items():
            if element_id not in instrument.by_id:
                raise InputError(f"Unknown walkthrough element '{str(element_id)[:60]}'.")
            fitted = limits.checked_note(text)
            if fitted:
                element_notes[element_id] = fitted
        observer = limits.checked_name(
            observer or default_author() or "consultant", "The observer's name"
        )
        with self.transaction():
            walkthrough = Walkthrough(
                uuid=str(uuid.uuid4()),
                round_id=round_id,
                instrument=instrument.id,
                school=limits.checked_name(school, "The school"),
                grade_band=limits.checked_name(grade_band, "The grade band"),
                subject=limits.checked_name(subject, "The subject"),
                observed_on=checked_date(observed_on),
                observer=observer,
                levels=checked,
                notes=element_notes,
                note=limits.checked_note(note),
                author=observer,
                created_at=clock.utc_now(),
                seq=self._next_seq("walkthroughs"),
            )
            self.store_walkthrough(walkthrough)
        return walkthrough

    def store_walkthrough(self, w: Walkthrough) -> None:
        """Insert a walkthrough record as it is (inside the caller's transaction)."""
        self.conn.execute(
            f"INSERT INTO walkthroughs ({_WALKTHROUGH_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                w.uuid, w.round_id, w.instrument, w.school, w.grade_band, w.subject,
                w.observed_on, w.observer, json.dumps(w.levels, sort_keys=True),
                json.dumps(w.notes, sort_keys=True, ensure_ascii=False), w.note, w.author,
                w.created_at, w.seq,
            ),
        )  # fmt: skip

    def walkthroughs(self, round_id: str) -> list[Walkthrough]:
        """The observed classrooms of a round, in the order they were recorded."""
        self.get_round(round_id)
        rows = self.conn.execute(
            f"SELECT {_WALKTHROUGH_COLUMNS} FROM walkthroughs WHERE round_id = ? ORDER BY seq",
            (round_id,),
        )
        return [_walkthrough(r) for r in rows]

    def _next_seq(self, table: str) -> int:
        return self.conn.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}").fetchone()[0]

    # --- conditions for scale -----------------------------------------------------------

    def rate_condition(
        self,
        round_id: str,
        condition_id: str,
        state: str | None,
        note: str | None = None,
        author: str | None = None,
    ) -> ConditionEvent:
        """Record a condition for scale's state (None clears it) as a new event."""
        self.refuse_in_case("rate the conditions for scale")
        from onpoint_desktop.evidence.instruments import conditions_instrument
        from onpoint_desktop.evidence.records import ConditionEvent

        self.get_round(round_id)
        instrument = conditions_instrument()
        if condition_id not in instrument.by_id:
            raise InputError(
                f"Unknown condition '{str(condition_id)[:60]}'; 'onpoint conditions list' "
                "lists the ten."
            )
        if state is not None and state not in instrument.state_by_id:
            raise InputError(
                f"A condition is {' / '.join(s.id for s in instrument.states)}, not "
                f"'{str(state)[:40]}'."
            )
        author = limits.checked_name(author or default_author() or "consultant", "The rater's name")
        with self.transaction():
            event = ConditionEvent(
                uuid=str(uuid.uuid4()),
                round_id=round_id,
                condition_id=condition_id,
                state=state,
                note=limits.checked_note(note),
                author=author,
                created_at=clock.utc_now(),
                seq=self._next_seq("condition_events"),
            )
            self.store_condition_event(event)
        return event

    def store_condition_event(self, e: ConditionEvent) -> None:
        self.conn.execute(
            f"INSERT INTO condition_events ({_CONDITION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (e.uuid, e.round_id, e.condition_id, e.state, e.note, e.author, e.created_at, e.seq),
        )

    def conditions(self, round_id: str) -> dict[str, ConditionEvent]:
        """Each rated condition's current state: its latest event (cleared ones left out)."""
        from onpoint_desktop.evidence.records import ConditionEvent

        self.get_round(round_id)
        source = "(SELECT * FROM condition_events WHERE round_id = ?)"
        sql = latest_events(_CONDITION_COLUMNS, source, "condition_id", WITHIN_WORKSPACE)
        rows = self.conn.execute(f"{sql} AND state IS NOT NULL", (round_id,))
        return {r[2]: ConditionEvent(*r) for r in rows}


def _walkthrough(row: tuple) -> Walkthrough:
    from onpoint_desktop.evidence.records import Walkthrough

    values = list(row)
    values[8] = json.loads(values[8])
    values[9] = json.loads(values[9])
    return Walkthrough(*values)

"""The bundle entries added after the first two formats, checked line by line for
:class:`~onpoint_desktop.sync.content_reader.ContentReader` (a mixin: it uses the reader's
``record``, ``fail``, ``name``, ``note``, ``uuid``, ``seq``, ``instant`` and
``known_round`` checks and its staging tables).

Format 3: action-plan events and survey responses removed with their import. Format 4:
visit evidence (walkthroughs against the Core Four instrument, conditions for scale).
"""

from __future__ import annotations

import json
import re
from datetime import date

from onpoint_desktop import limits
from onpoint_desktop.evidence.instruments import conditions_instrument, walkthrough_instrument
from onpoint_desktop.sync.format import (
    ACTION_EVENTS,
    CONDITION_EVENTS,
    RESPONSE_KEY_PREFIX,
    SURVEY_REMOVALS,
    WALKTHROUGHS,
    quoted,
)

HMAC_KEY = re.compile(re.escape(RESPONSE_KEY_PREFIX) + r"[0-9a-f]{64}")


def whole(value: object, allowed: range) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in allowed


def among(value: object, known: object) -> bool:
    """Whether a record's id is one of ``known``: ids are text, and a list or an object
    in their place (unhashable) is simply not one of them."""
    return isinstance(value, str) and value in known  # type: ignore[operator]


class LaterEntries:
    """The line checks of the format 3 and 4 entries (see the module docstring)."""

    def walkthrough_line(self, number: int, line: bytes) -> None:
        where = f"{WALKTHROUGHS} line {number}"
        w = self.record(line, where)
        self.walkthroughs += 1
        instrument = walkthrough_instrument()
        if w.get("instrument") != instrument.id:
            raise self.fail(where, f"names unknown instrument {quoted(w.get('instrument'))}")
        levels, notes = w.get("levels"), w.get("notes")
        if (
            not isinstance(levels, dict)
            or set(levels) != set(instrument.element_ids)
            or not all(whole(v, range(len(instrument.levels))) for v in levels.values())
        ):
            raise self.fail(where, f"has levels {quoted(levels)}, not one 0–3 per element")
        if not isinstance(notes, dict) or not set(notes) <= set(instrument.element_ids):
            raise self.fail(where, "has notes that are not keyed by the instrument's elements")
        for text in notes.values():
            if text is None:
                raise self.fail(where, "has an empty element note")
            self.note(text, where)
        observed_on = w.get("observed_on")
        try:
            date.fromisoformat(observed_on)  # type: ignore[arg-type]
            if len(observed_on) != 10:  # type: ignore[arg-type]
                raise ValueError
        except (TypeError, ValueError):
            raise self.fail(where, f"has 'observed_on' {quoted(observed_on)}, not a date") from None
        self.staging.add_walkthrough(
            (
                self.uuid(w, "uuid", where),
                self.seq(w, where),
                self.known_round(w, where),
                instrument.id,
                self.name(w, "school", where),
                self.name(w, "grade_band", where),
                self.name(w, "subject", where),
                observed_on,
                self.name(w, "observer", where),
                json.dumps(levels, sort_keys=True),
                json.dumps(notes, sort_keys=True, ensure_ascii=False),
                self.note(w.get("note"), where),
                self.instant(w, "created_at", where),
            )
        )

    def condition_line(self, number: int, line: bytes) -> None:
        where = f"{CONDITION_EVENTS} line {number}"
        c = self.record(line, where)
        self.condition_events += 1
        instrument = conditions_instrument()
        if not among(c.get("condition"), instrument.by_id):
            raise self.fail(where, f"names unknown condition {quoted(c.get('condition'))}")
        state = c.get("state")
        if state is not None and not among(state, instrument.state_by_id):
            raise self.fail(where, f"has state {quoted(state)}, not one of the instrument's")
        self.staging.add_condition_event(
            (
                self.uuid(c, "uuid", where),
                self.seq(c, where),
                self.known_round(c, where),
                c["condition"],
                state,
                self.note(c.get("note"), where),
                self.name(c, "author", where),
                self.instant(c, "created_at", where),
            )
        )

    def action_line(self, number: int, line: bytes) -> None:
        """One action-plan event (``workspace.actions``), checked like a rating event."""
        from onpoint_desktop.errors import InputError
        from onpoint_desktop.workspace.actions import STATUSES, checked_due

        where = f"{ACTION_EVENTS} line {number}"
        a = self.record(line, where)
        self.actions += 1
        seq = a.get("seq")
        if not whole(seq, range(1, 2**62)):
            raise self.fail(where, f"has 'seq' {quoted(seq)}, not a whole number from 1")
        if not among(a.get("round"), self.round_ids):
            raise self.fail(where, f"names unknown round {quoted(a.get('round'))}")
        component, area = a.get("component"), a.get("area")
        if component is not None and not among(component, self.components[a["round"]]):
            raise self.fail(where, f"names unknown component {quoted(component)}")
        if area is not None and not among(area, self.framework.areas):
            raise self.fail(where, f"names unknown focus area {quoted(area)}")
        if not among(a.get("status"), STATUSES):
            raise self.fail(where, f"has unknown status {quoted(a.get('status'))}")
        if not isinstance(a.get("removed"), bool):
            raise self.fail(where, "has no true/false 'removed'")
        due = a.get("due")
        try:
            if due is not None and (not isinstance(due, str) or checked_due(due) != due):
                raise InputError(due)
        except InputError:
            raise self.fail(where, f"has due date {quoted(due)}, not YYYY-MM-DD") from None
        problem = limits.note_problem(a.get("note"))
        if problem:
            raise self.fail(where, f"has a note that {problem}")
        owner = a.get("owner")
        carried = a.get("carried_from")
        self.staging.add_action(
            (
                self.uuid(a, "uuid", where),
                seq,
                self.uuid(a, "action", where),
                a["round"],
                self.name(a, "title", where),
                component,
                area,
                None if owner is None else self.name(a, "owner", where),
                due,
                a["status"],
                a.get("note"),
                int(a["removed"]),
                None if carried is None else self.uuid(a, "carried_from", where),
                self.name(a, "author", where),
                self.instant(a, "created_at", where),
            )
        )

    def removal_line(self, number: int, line: bytes) -> None:
        """One survey response removed with its import: round, role, key, when."""
        where = f"{SURVEY_REMOVALS} line {number}"
        r = self.record(line, where)
        self.removals += 1
        role, key = r.get("role"), r.get("key")
        if not among(r.get("round"), self.round_ids):
            raise self.fail(where, f"names unknown round {quoted(r.get('round'))}")
        if not isinstance(role, str) or (r["round"], role) not in self.items:
            raise self.fail(where, f"has unknown role {quoted(role)}")
        if not isinstance(key, str) or HMAC_KEY.fullmatch(key) is None:
            raise self.fail(where, f"has 'key' {quoted(key)}, not an HMAC-SHA256 response key")
        removed_at = self.instant(r, "removed_at", where)
        self.staging.add_removal((r["round"], role, key, removed_at))

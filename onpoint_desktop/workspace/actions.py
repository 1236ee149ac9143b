"""A round's action plan: what the district will do about its focus areas (SPEC §11).

Each action (title, component or focus area, owner, due date, status and a note) is kept
as append-only *action events*, each one the action's whole state after a change; the
current plan is each action's latest event in the workspace's own order (``latest``), as
the board is each area's latest rating. Removing an action is one more event (marked
removed), so history is never lost and bundles carry every change; HQ unions the events
and applies the same rule, whatever order bundles arrive in.

A round started from the previous one takes that round's open actions (planned or in
progress) with their status: :func:`carry_open_actions`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import astuple, dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from onpoint_desktop import clock, limits
from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace.latest import WITHIN_WORKSPACE, latest_events
from onpoint_desktop.workspace.records import default_author

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from onpoint_desktop.framework import Framework, ScoringModel
    from onpoint_desktop.workspace.records import Round

STATUSES = ("planned", "in progress", "done", "dropped")
OPEN_STATUSES = ("planned", "in progress")  # what a new round takes from the previous one
_DUE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNSET = object()


@dataclass(frozen=True)
class Action:
    """One state of one action (an action event); the latest is the action as it is."""

    uuid: str  # of this event
    seq: int  # its place in the workspace's own order
    action_id: str  # the action's own id, shared by all its events
    round_id: str
    title: str
    component_id: str | None
    area_id: str | None
    owner: str | None
    due: str | None  # YYYY-MM-DD
    status: str
    note: str | None
    removed: bool
    carried_from: str | None  # the action of the previous round it continues
    author: str
    created_at: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


ACTION_COLUMNS = (
    "uuid, seq, action_id, round_id, title, component_id, area_id, owner, due, status, note, "
    "removed, carried_from, author, created_at"
)


def _row(r: tuple) -> Action:
    values = list(r)
    values[11] = bool(values[11])
    return Action(*values)


def checked_status(status: str) -> str:
    """A status as stored ("in-progress" and any case accepted), or an ``InputError``."""
    text = " ".join(str(status).replace("-", " ").replace("_", " ").lower().split())
    if text not in STATUSES:
        raise InputError(f"Unknown action status '{status}'; use one of: {', '.join(STATUSES)}.")
    return text


def checked_due(due: str | None) -> str | None:
    """A due date YYYY-MM-DD (None or empty: no due date), or an ``InputError``."""
    if due is None or not str(due).strip():
        return None
    text = str(due).strip()
    try:
        if not _DUE.fullmatch(text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise InputError(f"The due date '{text}' is not a date like 2025-03-31.") from None
    return text


class ActionPlan:
    """The action-plan methods of :class:`~onpoint_desktop.workspace.store.Workspace`."""

    # Provided by Workspace:
    conn: sqlite3.Connection
    framework: Framework
    transaction: Callable[[], AbstractContextManager[None]]
    get_round: Callable[[str], Round]
    round_model: Callable[[str], ScoringModel]

    def add_action(
        self,
        round_id: str,
        title: str,
        *,
        component_id: str | None = None,
        area_id: str | None = None,
        owner: str | None = None,
        due: str | None = None,
        status: str = "planned",
        note: str | None = None,
        author: str | None = None,
    ) -> Action:
        """Add an action to a round's plan (one transaction); returns it."""
        self.refuse_in_case("change the action plan")
        self.get_round(round_id)
        state = Action(
            uuid="",
            seq=0,
            action_id=str(uuid.uuid4()),
            round_id=round_id,
            title=limits.checked_name(title, "The action's title"),
            component_id=None,
            area_id=None,
            owner=None,
            due=None,
            status="planned",
            note=None,
            removed=False,
            carried_from=None,
            author="",
            created_at="",
        )
        state = self._checked_change(
            state, component_id=component_id, area_id=area_id, owner=owner, due=due,
            status=status, note=note,
        )  # fmt: skip
        with self.transaction():
            return self._record(state, author)

    def set_action(
        self,
        action_id: str,
        *,
        title: str | None = None,
        component_id: object = _UNSET,
        area_id: object = _UNSET,
        owner: object = _UNSET,
        due: object = _UNSET,
        status: str | None = None,
        note: object = _UNSET,
        author: str | None = None,
    ) -> Action:
        """Change an action (only the fields given; ``None`` clears an optional one): one
        new action event in one transaction. Returns the action as it now is."""
        self.refuse_in_case("change the action plan")
        current = self.action(action_id)
        if title is not None:
            current = replace(current, title=limits.checked_name(title, "The action's title"))
        changed = self._checked_change(
            current, component_id=component_id, area_id=area_id, owner=owner, due=due,
            status=status, note=note,
        )  # fmt: skip
        with self.transaction():
            return self._record(changed, author)

    def remove_action(self, action_id: str, author: str | None = None) -> Action:
        """Take an action off its round's plan (recorded as an event: history stays)."""
        self.refuse_in_case("change the action plan")
        current = self.action(action_id)
        with self.transaction():
            return self._record(replace(current, removed=True), author)

    def restore_action(self, action_id: str, author: str | None = None) -> Action:
        """Put a removed action back on the plan (the undo of :meth:`remove_action`)."""
        self.refuse_in_case("change the action plan")
        current = self.action(action_id, removed_too=True)
        with self.transaction():
            return self._record(replace(current, removed=False), author)

    def actions(self, round_id: str, *, removed_too: bool = False) -> list[Action]:
        """A round's action plan, in the order the actions were added."""
        self.get_round(round_id)
        source = "(SELECT * FROM action_events WHERE round_id = ?)"
        sql = latest_events(ACTION_COLUMNS, source, "action_id", WITHIN_WORKSPACE)
        if not removed_too:
            sql += " AND NOT removed"
        first = "(SELECT min(seq) FROM action_events f WHERE f.action_id = latest.action_id)"
        rows = self.conn.execute(
            f"SELECT * FROM ({sql}) AS latest ORDER BY {first}", (round_id,)
        ).fetchall()
        return [_row(r[:15]) for r in rows]

    def action(self, action_id: str, *, removed_too: bool = False) -> Action:
        """An action as it is now, by its id or the start of it (8 characters are plenty)."""
        text = str(action_id).strip().lower()
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT action_id FROM action_events WHERE action_id LIKE ? ESCAPE '\\'",
                (text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
            )
        ]
        if text and len(ids) > 1:
            raise InputError(
                f"Action id '{action_id}' fits {len(ids)} actions; give more of it "
                "('onpoint action list' shows them)."
            )
        if not text or not ids:
            raise InputError(
                f"No action '{action_id}' here; 'onpoint action list' shows the actions."
            )
        row = self.conn.execute(
            f"SELECT {ACTION_COLUMNS} FROM action_events WHERE action_id = ? "
            f"ORDER BY {WITHIN_WORKSPACE} LIMIT 1",
            (ids[0],),
        ).fetchone()
        found = _row(row)
        if found.removed and not removed_too:
            raise InputError(f"Action '{found.title}' was removed from round {found.round_id}.")
        return found

    def action_history(self, action_id: str) -> list[Action]:
        """Every state an action went through, oldest first."""
        found = self.action(action_id, removed_too=True)
        rows = self.conn.execute(
            f"SELECT {ACTION_COLUMNS} FROM action_events WHERE action_id = ? ORDER BY seq",
            (found.action_id,),
        )
        return [_row(r) for r in rows]

    # --- inside ----------------------------------------------------------------------------

    def _checked_change(
        self,
        state: Action,
        *,
        component_id: object,
        area_id: object,
        owner: object,
        due: object,
        status: object,
        note: object,
    ) -> Action:
        changes: dict[str, object] = {}
        if component_id not in (_UNSET, None) and area_id not in (_UNSET, None):
            raise InputError("An action is about a component or a focus area, not both.")
        if component_id is not _UNSET:
            if component_id is not None:
                components = self.round_model(state.round_id).by_id
                if component_id not in components:
                    raise InputError(
                        f"Unknown component '{component_id}'; use one of: {', '.join(components)}."
                    )
                changes["area_id"] = None
            changes["component_id"] = component_id
        if area_id is not _UNSET:
            if area_id is not None:
                self.check_area(str(area_id))  # type: ignore[attr-defined]
                changes["component_id"] = None
            changes["area_id"] = area_id
        if owner is not _UNSET:
            changes["owner"] = (
                limits.checked_name(str(owner), "The owner's name")
                if owner and str(owner).strip()
                else None
            )
        if due is not _UNSET:
            changes["due"] = checked_due(due)  # type: ignore[arg-type]
        if status is not None and status is not _UNSET:
            changes["status"] = checked_status(str(status))
        if note is not _UNSET:
            changes["note"] = limits.checked_note(note)  # type: ignore[arg-type]
        return replace(state, **changes)  # type: ignore[arg-type]

    def _record(self, state: Action, author: str | None) -> Action:
        """Append ``state`` as a new action event (inside the caller's transaction)."""
        last = self.conn.execute("SELECT max(seq) FROM action_events").fetchone()[0]
        event = replace(
            state,
            uuid=str(uuid.uuid4()),
            seq=(last or 0) + 1,
            author=limits.checked_name(author or default_author() or "consultant", "The author"),
            created_at=clock.utc_now(),
        )
        values = astuple(event)
        self.conn.execute(
            f"INSERT INTO action_events ({ACTION_COLUMNS}) VALUES ({', '.join('?' * 15)})",
            (*values[:11], int(values[11]), *values[12:]),
        )
        return event


def carry_open_actions(ws, from_round: str, to_round: str, author: str | None = None) -> list:
    """Give ``to_round`` the open actions (planned, in progress) of ``from_round`` with their
    status, owner, due date and note, each marked as carried from the one it continues.

    One transaction; carrying again adds nothing (an action already carried, even if
    removed since, is not carried twice). For ``onpoint round add --from`` and the GUI's
    new round from the previous one. Returns the actions added."""
    ws.get_round(from_round)
    ws.get_round(to_round)
    if from_round == to_round:
        raise InputError("A round cannot carry actions into itself.")
    carried = {a.carried_from for a in ws.actions(to_round, removed_too=True) if a.carried_from}
    to_model = ws.round_model(to_round)
    added = []
    with ws.transaction():
        for action in ws.actions(from_round):
            if not action.is_open or action.action_id in carried:
                continue
            component = action.component_id if action.component_id in to_model.by_id else None
            added.append(
                ws._record(
                    replace(
                        action,
                        action_id=str(uuid.uuid4()),
                        round_id=to_round,
                        component_id=component,
                        carried_from=action.action_id,
                    ),
                    author,
                )
            )
    return added


def action_changes(ws, round_id: str) -> dict[str, str]:
    """For each action of a round, what changed since the last round, in a few words:
    "new", "carried: planned → in progress", "carried, still planned"…; for the report."""
    previous: dict[str, Action] = {}
    for rnd in ws.rounds():
        if rnd.id == round_id:
            break
        previous.update({a.action_id: a for a in ws.actions(rnd.id, removed_too=True)})
    said = {}
    for action in ws.actions(round_id):
        before = previous.get(action.carried_from or "")
        if before is None:
            said[action.action_id] = "new this round"
        elif before.status == action.status:
            said[action.action_id] = f"carried, still {action.status}"
        else:
            said[action.action_id] = f"carried: {before.status} → {action.status}"
    return said

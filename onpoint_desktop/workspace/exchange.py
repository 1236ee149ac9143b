"""What the workspace gives to sync and takes from it, so sync never reads its tables.

Out: :func:`bundle_records` — the district, rounds, rating events (each with its
perspective), survey responses, action events, survey removals, classroom walkthroughs and
condition events as the plain records a bundle carries (``sync.bundle``), read from a
consistent snapshot.
On the way out, response keys become ``hmac-sha256:<hex>`` under the workspace's own
secret (so a bundle cannot be joined back to the identified survey export), and text
recorded before the entry limits existed is fitted to them (``limits``), so every
workspace can be exported.

In: :func:`add_benchmark_pack` — a checked benchmark pack, stored in one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from onpoint_desktop import limits
from onpoint_desktop.workspace.actions import ACTION_COLUMNS
from onpoint_desktop.workspace.calibration_case import case_of

if TYPE_CHECKING:
    from onpoint_desktop.workspace.store import Workspace

RESPONSE_KEY_PREFIX = "hmac-sha256:"


@dataclass(frozen=True)
class BundleContent:
    """What a bundle carries about one district, as plain JSON-ready records (the
    workspace's content, as ``sync.bundle`` writes it and ``sync.verify`` reads it)."""

    district: dict[str, Any]  # uuid, name, created_at
    workspace_uuid: str
    model: str
    rounds: list[dict[str, Any]] = field(default_factory=list)
    rating_events: list[dict[str, Any]] = field(default_factory=list)
    survey_responses: list[dict[str, Any]] = field(default_factory=list)
    action_events: list[dict[str, Any]] = field(default_factory=list)
    survey_removals: list[dict[str, Any]] = field(default_factory=list)
    walkthroughs: list[dict[str, Any]] = field(default_factory=list)
    condition_events: list[dict[str, Any]] = field(default_factory=list)
    calibration_case: str | None = None  # the case id, from a calibration case's workspace

    def counts(self) -> dict[str, int]:
        return {
            "rounds": len(self.rounds),
            "rating_events": len(self.rating_events),
            "survey_responses": len(self.survey_responses),
            "action_events": len(self.action_events),
            "survey_removals": len(self.survey_removals),
            "walkthroughs": len(self.walkthroughs),
            "condition_events": len(self.condition_events),
        }


def response_key(secret: str, key: str) -> str:
    """The form a response key leaves the workspace in: HMAC-SHA256 under its secret.

    >>> response_key("00" * 32, "qualtrics:R_1")[:20]
    'hmac-sha256:03558fa4'
    """
    digest = hmac.new(bytes.fromhex(secret), key.encode("utf-8"), hashlib.sha256).hexdigest()
    return RESPONSE_KEY_PREFIX + digest


class _Fitter:
    """Fits text recorded before the limits; counts what it changed."""

    def __init__(self) -> None:
        self.changed = 0

    def name(self, value: str) -> str:
        fitted = limits.fitted_name(value)
        self.changed += fitted != value
        return fitted

    def note(self, value: str | None) -> str | None:
        fitted = limits.fitted_note(value)
        self.changed += fitted != value
        return fitted


def bundle_records(conn: sqlite3.Connection) -> tuple[BundleContent, int]:
    """Everything a bundle carries, read from ``conn`` (a snapshot of a workspace); and how
    many texts recorded before the limits were cut or cleaned to fit them."""
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    secret = meta.get("response_key_secret")
    if not secret:  # a workspace is given its secret when it is created or upgraded
        raise ValueError("the workspace has no response key secret")
    fit = _Fitter()
    uuid_, name, created_at = conn.execute("SELECT uuid, name, created_at FROM district").fetchone()
    history = _round_history(conn)
    rounds = [
        {
            "id": fit.name(r[0]),
            "label": fit.name(r[1]),
            "stage": r[2],
            "position": r[3],
            "created_at": r[4],
            "model": r[5],
            **({"deleted": True} if r[6] else {}),
            **({"events": history[r[0]]} if r[0] in history else {}),
        }
        for r in conn.execute(
            "SELECT id, label, stage, position, created_at, model, deleted FROM rounds "
            "ORDER BY position, id"
        )
    ]
    events = [
        {
            "uuid": r[0],
            "seq": r[1],
            "round": fit.name(r[2]),
            "area": r[3],
            "level": r[4],
            "note": fit.note(r[5]),
            "author": fit.name(r[6]),
            "created_at": r[7],
            **({"kind": r[8]} if r[8] else {}),
            "perspective": r[9],
        }
        for r in conn.execute(
            "SELECT uuid, seq, round_id, area_id, level, note, author, created_at, kind, "
            "perspective "
            "FROM rating_events ORDER BY seq"
        )
    ]
    walkthroughs = [
        {
            "uuid": r[0],
            "seq": r[1],
            "round": fit.name(r[2]),
            "instrument": r[3],
            "school": fit.name(r[4]),
            "grade_band": fit.name(r[5]),
            "subject": fit.name(r[6]),
            "observed_on": r[7],
            "observer": fit.name(r[8]),
            "levels": json.loads(r[9]),
            "notes": {k: fit.note(v) for k, v in json.loads(r[10]).items()},
            "note": fit.note(r[11]),
            "created_at": r[12],
        }
        for r in conn.execute(
            "SELECT uuid, seq, round_id, instrument, school, grade_band, subject, observed_on, "
            "observer, levels, notes, note, created_at FROM walkthroughs ORDER BY seq"
        )
    ]
    condition_events = [
        {
            "uuid": r[0],
            "seq": r[1],
            "round": fit.name(r[2]),
            "condition": r[3],
            "state": r[4],
            "note": fit.note(r[5]),
            "author": fit.name(r[6]),
            "created_at": r[7],
        }
        for r in conn.execute(
            "SELECT uuid, seq, round_id, condition_id, state, note, author, created_at "
            "FROM condition_events ORDER BY seq"
        )
    ]
    responses = [
        {
            "round": fit.name(r[0]),
            "role": r[1],
            "key": response_key(secret, r[2]),
            "school": fit.name(r[3]) if r[3] is not None else None,
            "answers": json.loads(r[4]),
        }
        for r in conn.execute(
            "SELECT round_id, role, response_key, school, answers FROM survey_responses "
            "ORDER BY round_id, role, response_key"
        )
    ]
    actions = [
        {
            "uuid": r[0],
            "seq": r[1],
            "action": r[2],
            "round": fit.name(r[3]),
            "title": fit.name(r[4]),
            "component": r[5],
            "area": r[6],
            "owner": fit.name(r[7]) if r[7] is not None else None,
            "due": r[8],
            "status": r[9],
            "note": fit.note(r[10]),
            "removed": bool(r[11]),
            "carried_from": r[12],
            "author": fit.name(r[13]),
            "created_at": r[14],
        }
        for r in conn.execute(f"SELECT {ACTION_COLUMNS} FROM action_events ORDER BY seq")
    ]
    removals = sorted(
        (
            {
                "round": fit.name(round_id),
                "role": role,
                "key": response_key(secret, key),
                "removed_at": removed_at,
            }
            for round_id, role, keys, removed_at in conn.execute(
                "SELECT round_id, role, response_keys, removed_at FROM survey_removals"
            )
            for key in json.loads(keys)
        ),
        key=lambda r: (r["removed_at"], r["round"], r["role"], r["key"]),
    )
    content = BundleContent(
        district={"uuid": uuid_, "name": fit.name(name), "created_at": created_at},
        workspace_uuid=meta.get("workspace_uuid", ""),
        model=meta.get("model", ""),
        rounds=rounds,
        rating_events=events,
        survey_responses=responses,
        action_events=actions,
        survey_removals=removals,
        walkthroughs=walkthroughs,
        condition_events=condition_events,
        calibration_case=case.case_id if (case := case_of(conn)) else None,
    )
    return content, fit.changed


def _round_history(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Each round's round events (added from, renamed, stage, deleted, restored), oldest
    first, as a round record carries them (``workspace.round_log``)."""
    history: dict[str, list[dict[str, Any]]] = {}
    for r in conn.execute(
        "SELECT round_id, uuid, seq, kind, value, author, created_at FROM round_events ORDER BY seq"
    ):
        history.setdefault(r[0], []).append(
            {
                "uuid": r[1],
                "seq": r[2],
                "kind": r[3],
                "value": r[4],
                "author": limits.fitted_name(r[5]),
                "created_at": r[6],
            }
        )
    return history


def add_benchmark_pack(
    ws: Workspace, model_id: str, name: str, date: str, document_json: str
) -> None:
    """Store a checked benchmark pack of a model; the workspace's rounds scored with that
    model use it from now on."""
    from onpoint_desktop.clock import utc_now

    with ws.transaction():
        ws.conn.execute(
            "INSERT INTO benchmark_packs (name, date, content, imported_at, model) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, date, document_json, utc_now(), model_id),
        )

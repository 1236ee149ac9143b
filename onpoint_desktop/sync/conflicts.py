"""Rating conflicts at HQ: where consultants' submitted boards disagree.

Definition. For a district, round and focus area, each *view* — one signer's copy of one
workspace — says what its latest rating event is, in the workspace's own order; a cleared
rating is a view too ("cleared"). There is a *conflict* when two views differ in level.
Until HQ decides, its current level is the *provisional winner*: among the views' latest
events, the one recorded latest by the clock (then workspace, signer, event id), marked
conflicted. HQ decides with ``hq resolve`` (``hq_decisions``): a level, or "keep this
signer's view"; the decision wins over every side, whatever is merged later and in
whatever order.

All of it is SQL views over the unioned facts (``hq_schema``), so it does not depend on
the order bundles were merged in. A consultant who works from a copy of a colleague's
workspace carries the colleague's events too: if the copy is out of date, the two
submitted boards disagree, and that is reported.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SignerView:
    fingerprint: str  # the signer's key
    name: str
    workspace_uuid: str
    level: int | None  # None: the view's latest event cleared the rating
    event_uuid: str
    author: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "consultant": self.name,
            "workspace_uuid": self.workspace_uuid,
            "level": self.level,
            "event_uuid": self.event_uuid,
            "author": self.author,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Decision:
    """HQ's resolution of a conflict."""

    level: int | None  # the level HQ keeps
    keep_signer: str | None  # the signer whose view HQ keeps (None: HQ set the level)
    keep_name: str | None
    decided_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "keep_fingerprint": self.keep_signer,
            "keep_consultant": self.keep_name,
            "decided_at": self.decided_at,
        }


@dataclass(frozen=True)
class Conflict:
    district_uuid: str
    district: str
    round_id: str
    area_id: str
    current_level: int | None  # what HQ keeps: its decision, else the provisional winner
    views: tuple[SignerView, ...]  # ordered by signer name, key, workspace
    decision: Decision | None = None  # None: unresolved (the winner is provisional)

    @property
    def resolved(self) -> bool:
        return self.decision is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "district_uuid": self.district_uuid,
            "district": self.district,
            "round": self.round_id,
            "area": self.area_id,
            "current_level": self.current_level,
            "status": "resolved" if self.resolved else "conflicted",
            "decision": self.decision.to_json() if self.decision else None,
            "signers": [v.to_json() for v in self.views],
        }


def conflicts(
    conn: sqlite3.Connection, district_uuids: Sequence[str] | None = None
) -> list[Conflict]:
    """All conflicts (or those of some districts), ordered by district, round, area.

    Each district is read on its own (its events only); "all" reads the districts whose
    kept round summaries count a conflict (``hq_summaries``)."""
    if district_uuids is None:
        district_uuids = conflicted(conn)
    names = {}
    for district in dict.fromkeys(district_uuids):
        row = conn.execute(
            "SELECT name_key, name FROM districts WHERE uuid = ?", (district,)
        ).fetchone()
        if row is not None:
            names[district] = row
    found = []
    for district in sorted(names, key=lambda d: (names[d][0], d)):
        found += _district_conflicts(conn, district, names[district][1])
    return found


def conflicted(conn: sqlite3.Connection, district_uuids: Sequence[str] | None = None) -> list[str]:
    """The districts (all, or of ``district_uuids``) whose kept round summaries count a
    conflict (``hq_summaries``: up to date after a merge run or opening the store)."""
    rows = conn.execute("SELECT DISTINCT district_uuid FROM round_summaries WHERE conflicts > 0")
    found = [r[0] for r in rows]
    if district_uuids is None:
        return found
    wanted = set(district_uuids)
    return [d for d in found if d in wanted]


def _district_conflicts(conn: sqlite3.Connection, district: str, name: str) -> list[Conflict]:
    """One district's conflicts, from that district's rows only (each view and the
    conflicted areas are read with the district named in their own WHERE)."""
    where = (district,)
    views: dict[tuple[str, str], list[SignerView]] = {}
    for rid, area, *view in conn.execute(
        "SELECT v.round_id, v.area_id, v.signer, s.name, v.workspace_uuid, v.level, "
        "v.event_uuid, v.author, v.created_at FROM view_levels v "
        "JOIN signer_keys s ON s.fingerprint = v.signer WHERE v.district_uuid = ? "
        "ORDER BY v.round_id, v.area_id, s.name, v.signer, v.workspace_uuid",
        where,
    ):
        views.setdefault((rid, area), []).append(SignerView(*view))
    # An area is in conflict when its views hold more than one level (no level counts as one).
    disputed = [key for key, seen in views.items() if len({v.level for v in seen}) > 1]
    if not disputed:
        return []
    current = {  # HQ's current level of each disputed area (not of all: each costs a view)
        key: row[0] if row else None
        for key in disputed
        for row in [
            conn.execute(
                "SELECT level FROM current_levels WHERE district_uuid = ? AND round_id = ? "
                "AND area_id = ?",
                (district, *key),
            ).fetchone()
        ]
    }
    decisions = {
        (r, a): Decision(level if keep is None else None, keep, keep_name, decided_at)
        for r, a, level, keep, keep_name, decided_at in conn.execute(
            "SELECT d.round_id, d.area_id, d.level, d.keep_signer, k.name, d.decided_at "
            "FROM hq_decisions d LEFT JOIN signer_keys k ON k.fingerprint = d.keep_signer "
            "WHERE d.district_uuid = ?",
            where,
        )
    }
    out = []
    for key in disputed:
        decision = decisions.get(key)
        if decision is not None and decision.keep_signer is not None:
            decision = dataclasses.replace(decision, level=current.get(key))
        out.append(
            Conflict(district, name, key[0], key[1], current.get(key), tuple(views[key]), decision)
        )
    return out

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
    """All conflicts (or those of some districts), ordered by district, round, area."""
    where, args = "", ()
    if district_uuids is not None:
        where = f"WHERE c.district_uuid IN ({', '.join('?' * len(district_uuids))})"
        args = tuple(district_uuids)
    rows = conn.execute(
        "SELECT c.district_uuid, d.name, c.round_id, c.area_id, cur.level, "
        "       dec.level, dec.keep_signer, ks.name, dec.decided_at, "
        "       v.signer, s.name, v.workspace_uuid, v.level, v.event_uuid, v.author, "
        "       v.created_at "
        "FROM rating_conflicts c "
        "JOIN districts d ON d.uuid = c.district_uuid "
        "JOIN current_levels cur USING (district_uuid, round_id, area_id) "
        "JOIN view_levels v USING (district_uuid, round_id, area_id) "
        "JOIN signer_keys s ON s.fingerprint = v.signer "
        "LEFT JOIN hq_decisions dec USING (district_uuid, round_id, area_id) "
        "LEFT JOIN signer_keys ks ON ks.fingerprint = dec.keep_signer "
        f"{where} ORDER BY d.name_key, c.district_uuid, c.round_id, c.area_id, s.name, "
        "v.signer, v.workspace_uuid",
        args,
    )
    found: dict[tuple[str, str, str], tuple[list[Any], Decision | None, list[SignerView]]] = {}
    for row in rows:
        key = (row[0], row[2], row[3])
        if key not in found:
            decided = row[8] is not None
            decision = (
                Decision(row[5] if row[6] is None else row[4], *row[6:9]) if decided else None
            )
            found[key] = (list(row[:5]), decision, [])
        found[key][2].append(SignerView(*row[9:]))
    return [Conflict(*head, tuple(views), decision) for head, decision, views in found.values()]

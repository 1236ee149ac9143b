"""Rating conflicts at HQ: where consultants' submitted boards disagree.

Definition. For a district, round and focus area, each *signer's view* is the latest
rating event (by timestamp, then event UUID) among the events that signer's bundles
carried for that area; a cleared rating is a view too ("cleared"). There is a *conflict*
when two or more signers' views differ in level. HQ's current level is still decided by
the overall latest event (``current_levels``); a conflict lists every signer's view so an
analyst can see who said what, and when.

Both are SQL views over the unioned facts (``signer_levels``, ``rating_conflicts`` in
``hq_store``), so they do not depend on the order bundles were merged in. A consultant
who works from a copy of a colleague's workspace carries the colleague's events too: if
the copy is out of date, the two submitted boards disagree, and that is reported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SignerView:
    consultant_id: str
    name: str
    level: int | None  # None: the signer's latest event cleared the rating
    event_uuid: str
    author: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "consultant_id": self.consultant_id,
            "consultant": self.name,
            "level": self.level,
            "event_uuid": self.event_uuid,
            "author": self.author,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Conflict:
    district_uuid: str
    district: str
    round_id: str
    area_id: str
    current_level: int | None  # what HQ keeps: the overall latest event
    views: tuple[SignerView, ...]  # one per signer, ordered by consultant id

    def to_json(self) -> dict[str, Any]:
        return {
            "district_uuid": self.district_uuid,
            "district": self.district,
            "round": self.round_id,
            "area": self.area_id,
            "current_level": self.current_level,
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
        "       v.consultant_id, s.name, v.level, v.event_uuid, v.author, v.created_at "
        "FROM rating_conflicts c "
        "JOIN districts d ON d.uuid = c.district_uuid "
        "JOIN current_levels cur USING (district_uuid, round_id, area_id) "
        "JOIN signer_levels v USING (district_uuid, round_id, area_id) "
        "JOIN signers s ON s.consultant_id = v.consultant_id "
        f"{where} ORDER BY d.name_key, c.district_uuid, c.round_id, c.area_id, v.consultant_id",
        args,
    )
    found: dict[tuple[str, str, str], tuple[list[Any], list[SignerView]]] = {}
    for row in rows:
        key = (row[0], row[2], row[3])
        views = found.setdefault(key, (list(row[:5]), []))[1]
        views.append(SignerView(*row[5:]))
    return [Conflict(*head, tuple(views)) for head, views in found.values()]

"""District action plans as HQ holds them (SPEC §11): each action's latest state.

The action events of every bundle are unioned in ``action_events`` (``merge``); the view
``current_actions`` (``hq_schema``) takes each action's latest state, the same rule the
workspace applies (``workspace.actions``), so HQ lists what the consultant's app lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore


def hq_actions(hq: HQStore, district_uuid: str, round_id: str) -> list[dict]:
    """A district's action plan for a round as HQ holds it: each action's latest state
    (removed ones left out), in the order they were first recorded."""
    rows = hq.conn.execute(
        "SELECT action_id, title, component_id, area_id, owner, due, status, note, "
        "carried_from, author, created_at FROM current_actions WHERE district_uuid = ? "
        "AND round_id = ? AND NOT removed ORDER BY (SELECT min(created_at) FROM action_events e "
        "WHERE e.action_id = current_actions.action_id), action_id",
        (district_uuid, round_id),
    )
    names = ("id", "title", "component", "area", "owner", "due", "status", "note",
             "carried_from", "author", "created_at")  # fmt: skip
    return [dict(zip(names, r, strict=True)) for r in rows]

"""How a rating conflict at HQ is put into words: the one wording that `hq list`,
`hq merge` and the HQ window's conflicts view all show.

A conflict names the focus area, what HQ keeps (its decision, else the provisional
winner: the latest event) and each signer's view with its time in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

from onpoint_desktop import framework
from onpoint_desktop.sync.conflicts import Conflict


@dataclass(frozen=True)
class ConflictText:
    area: str  # the focus area's label (its id when the framework does not know it)
    keeps: str  # e.g. "Established (latest; provisional)", "Developing (decided by HQ)"
    views: str  # e.g. "Ann Lee [1a2b3c4d]: Emerging (2026-03-01 10:00 UTC); ..."
    resolved: bool


def conflict_text(conflict: Conflict) -> ConflictText:
    fw = framework.framework()
    area = fw.areas[conflict.area_id].label if conflict.area_id in fw.areas else conflict.area_id
    views = "; ".join(
        f"{v.name} [{v.fingerprint[:8]}]: {fw.level_label(v.level)} "
        f"({v.created_at[:16].replace('T', ' ')} UTC)"
        for v in conflict.views
    )
    level = fw.level_label(conflict.current_level)
    if conflict.decision is None:
        keeps = f"{level} (latest; provisional, conflicted)"
    elif conflict.decision.keep_signer:
        keeps = f"{level} ({conflict.decision.keep_name or 'a signer'}'s view, decided by HQ)"
    else:
        keeps = f"{level} (decided by HQ)"
    return ConflictText(area, keeps, views, conflict.resolved)

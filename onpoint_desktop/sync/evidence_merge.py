"""Merging a bundle's visit evidence into the HQ store (SPEC §12).

The district's own ratings, walkthroughs and condition events are unions of facts under
(signer, workspace, id), like rating events: merging the same bundle again adds nothing,
bundles merge in any order to the same store, and a record HQ holds under the same
identity with other content refuses the bundle (these records never change). District
ratings go to their own table, so HQ's expert levels and scores never read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onpoint_desktop.sync.format import BundleRefused

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore
    from onpoint_desktop.sync.verify import VerifiedBundle

# HQ table → (staged source, the columns both share beyond the identity, what it is)
_UNIONS = {
    "district_rating_events": (
        "(SELECT * FROM temp.incoming_events WHERE perspective = 'district')",
        ("seq", "round_id", "area_id", "level", "note", "author", "created_at"),
        "district rating",
    ),
    "walkthroughs": (
        "temp.incoming_walkthroughs",
        (
            "seq", "round_id", "instrument", "school", "grade_band", "subject", "observed_on",
            "observer", "levels", "notes", "note", "created_at",
        ),
        "walkthrough",
    ),
    "condition_events": (
        "temp.incoming_condition_events",
        ("seq", "round_id", "condition_id", "state", "note", "author", "created_at"),
        "condition event",
    ),
}  # fmt: skip


def merge_evidence(hq: HQStore, bundle: VerifiedBundle) -> dict[str, int]:
    """Union the staged evidence into the store; how many records of each kind were new."""
    conn = hq.conn
    ident = (bundle.signer_fingerprint, bundle.workspace_uuid)
    added = {}
    for table, (source, columns, what) in _UNIONS.items():
        differs = " OR ".join(f"h.{c} IS NOT i.{c}" for c in columns)
        clash = conn.execute(
            f"SELECT i.uuid FROM {source} i JOIN {table} h ON h.signer = ? "
            f"AND h.workspace_uuid = ? AND h.uuid = i.uuid "
            f"WHERE h.district_uuid IS NOT ? OR {differs} LIMIT 1",
            (*ident, bundle.district_uuid),
        ).fetchone()
        if clash is not None:
            raise BundleRefused(
                "inconsistent",
                f"{bundle.source}: {what} {clash[0]} differs from the one HQ already holds "
                f"from the same signer and workspace; a {what} never changes, so the bundle "
                "was refused.",
            )
        cursor = conn.execute(
            f"INSERT INTO {table} (signer, workspace_uuid, uuid, district_uuid, "
            f"{', '.join(columns)}) SELECT ?, ?, i.uuid, ?, {', '.join(f'i.{c}' for c in columns)} "
            f"FROM {source} i WHERE NOT EXISTS (SELECT 1 FROM {table} h WHERE h.signer = ? "
            "AND h.workspace_uuid = ? AND h.uuid = i.uuid)",
            (*ident, bundle.district_uuid, *ident),
        )
        added[table] = cursor.rowcount
    return added

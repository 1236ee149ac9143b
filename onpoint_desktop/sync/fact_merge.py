"""How one verified bundle's facts go into HQ's tables, inside the transaction ``merge``
opens for it: the district, rating events, survey responses and their removals, and
action-plan events, each unioned under its natural key so that any order of the same
bundles gives the same store (round history: ``round_history``; visit evidence:
``evidence_merge``). A fact HQ holds under the same identity with other content refuses
the bundle (``inconsistent``).
"""

from __future__ import annotations

from onpoint_desktop.sync.format import BUNDLE_FORMAT_1, BundleRefused
from onpoint_desktop.sync.hq_store import HQStore, name_key
from onpoint_desktop.sync.verify import VerifiedBundle


def merge_district(hq: HQStore, bundle: VerifiedBundle, order: str) -> None:
    """The district by its UUID; its name and model from the newest bundle. Districts may
    share a name (``hq list`` flags them): a name never decides whose district it is."""
    d = bundle.district
    hq.conn.execute(
        "INSERT INTO districts (uuid, name, name_key, created_at, model, described_by) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, "
        "name_key = excluded.name_key, model = excluded.model, created_at = excluded.created_at, "
        "described_by = excluded.described_by WHERE excluded.described_by > districts.described_by",
        (d["uuid"], d["name"], name_key(d["name"]), d["created_at"], bundle.model, order),
    )


def merge_events(hq: HQStore, bundle: VerifiedBundle) -> tuple[int, bool]:
    """Union the staged events under (signer, workspace, event id); returns how many were
    new, and whether events HQ held changed place in their workspace's order. An event HQ
    holds under the same identity with other content refuses the bundle (events never
    change); its place in the order, guessed for a bundle of the first release, gives way
    to the number a later bundle of the workspace carries."""
    conn = hq.conn
    known = bundle.format != BUNDLE_FORMAT_1  # the bundle carries the workspace's numbers
    ident = (bundle.signer_fingerprint, bundle.workspace_uuid)
    # The expert's events only: the district's own go to their own table (evidence_merge).
    clash = conn.execute(
        "SELECT i.uuid FROM temp.expert_events i JOIN rating_events e "
        "ON e.signer = ? AND e.workspace_uuid = ? AND e.uuid = i.uuid "
        "WHERE e.district_uuid IS NOT ? OR e.round_id IS NOT i.round_id "
        "OR e.area_id IS NOT i.area_id OR e.level IS NOT i.level OR e.note IS NOT i.note "
        "OR e.author IS NOT i.author OR e.created_at IS NOT i.created_at "
        "OR e.kind IS NOT i.kind "
        "OR (e.seq_known AND ? AND e.seq != i.seq) LIMIT 1",
        (*ident, bundle.district_uuid, known),
    ).fetchone()
    if clash is not None:
        raise BundleRefused(
            "inconsistent",
            f"{bundle.source}: rating event {clash[0]} differs from the one HQ already holds "
            "from the same signer and workspace; rating events never change, so the bundle "
            "was refused.",
        )
    reordered = False
    if known:
        reordered = (
            conn.execute(
                "UPDATE rating_events SET seq_known = 1, seq = (SELECT i.seq FROM "
                "temp.expert_events i WHERE i.uuid = rating_events.uuid) "
                "WHERE signer = ? AND workspace_uuid = ? AND seq_known = 0 "
                "AND uuid IN (SELECT uuid FROM temp.expert_events)",
                ident,
            ).rowcount
            > 0
        )
    cursor = conn.execute(
        "INSERT INTO rating_events (signer, workspace_uuid, uuid, seq, seq_known, district_uuid, "
        "round_id, area_id, level, note, author, created_at, kind) "
        "SELECT ?, ?, i.uuid, i.seq, ?, ?, i.round_id, i.area_id, i.level, i.note, i.author, "
        "i.created_at, i.kind FROM temp.expert_events i "
        "WHERE NOT EXISTS (SELECT 1 FROM rating_events e "
        "WHERE e.signer = ? AND e.workspace_uuid = ? AND e.uuid = i.uuid)",
        (*ident, int(known), bundle.district_uuid, *ident),
    )
    return cursor.rowcount, reordered


def merge_responses(hq: HQStore, bundle: VerifiedBundle) -> int:
    """Union the staged responses by (district, round, role, response key). A line HQ
    remembers (staged without its answers: ``line_memory``) is a response HQ holds as it
    is: only its ``seen_at`` can move."""
    conn, district = hq.conn, bundle.district_uuid
    clash = conn.execute(
        "SELECT i.role, i.response_key, i.round_id FROM temp.incoming_responses i "
        "JOIN survey_responses s ON s.district_uuid = ? AND s.round_id = i.round_id "
        "AND s.role = i.role AND s.response_key = i.response_key "
        "WHERE i.answers IS NOT NULL AND (s.school IS NOT i.school OR s.answers != i.answers) "
        "LIMIT 1",
        (district,),
    ).fetchone()
    if clash is not None:
        role, key, round_id = clash
        raise BundleRefused(
            "inconsistent",
            f"{bundle.source}: {role} response {key[:40]!r} of round {round_id} differs from "
            "the one HQ already holds (the same survey imported twice with different "
            "settings?); refused. Resolve it in the workspaces first.",
        )
    seen = bundle.created_at
    conn.execute(
        "UPDATE survey_responses SET seen_at = ? WHERE district_uuid = ? AND seen_at < ? "
        "AND (round_id, role, response_key) IN "
        "(SELECT round_id, role, response_key FROM temp.incoming_responses)",
        (seen, district, seen),
    )
    # A response removed (with its import) later than this bundle was made stays removed.
    cursor = conn.execute(
        "INSERT INTO survey_responses (district_uuid, round_id, role, response_key, school, "
        "answers, seen_at) SELECT ?, i.round_id, i.role, i.response_key, i.school, i.answers, ? "
        "FROM temp.incoming_responses i WHERE i.answers IS NOT NULL "  # not a held line
        "AND NOT EXISTS (SELECT 1 FROM survey_responses s "
        "WHERE s.district_uuid = ? AND s.round_id = i.round_id AND s.role = i.role "
        "AND s.response_key = i.response_key) AND NOT EXISTS (SELECT 1 FROM survey_removals r "
        "WHERE r.district_uuid = ? AND r.round_id = i.round_id AND r.role = i.role "
        "AND r.response_key = i.response_key AND r.removed_at >= ?)",
        (district, seen, district, district, seen),
    )
    return cursor.rowcount


def merge_removals(hq: HQStore, bundle: VerifiedBundle) -> int:
    """Keep the bundle's removed responses (tombstones, unioned), and take away each stored
    response no bundle newer than its latest removal carried; returns how many went.

    A response is held exactly when some merged bundle made after its latest removal
    carries it (imported again): the same in any merge order."""
    conn, district = hq.conn, bundle.district_uuid
    conn.execute(
        "INSERT OR IGNORE INTO survey_removals (district_uuid, round_id, role, response_key, "
        "removed_at) SELECT ?, round_id, role, response_key, removed_at "
        "FROM temp.incoming_removals",
        (district,),
    )
    cursor = conn.execute(
        "DELETE FROM survey_responses WHERE district_uuid = ? AND EXISTS (SELECT 1 FROM "
        "temp.incoming_removals r WHERE r.round_id = survey_responses.round_id "
        "AND r.role = survey_responses.role AND r.response_key = survey_responses.response_key "
        "AND r.removed_at >= survey_responses.seen_at)",
        (district,),
    )
    return cursor.rowcount


def merge_actions(hq: HQStore, bundle: VerifiedBundle) -> int:
    """Union the staged action events under (signer, workspace, event id), as rating
    events; one HQ holds with other content refuses the bundle. Returns how many were new."""
    conn = hq.conn
    ident = (bundle.signer_fingerprint, bundle.workspace_uuid)
    columns = (
        "seq, action_id, round_id, title, component_id, area_id, owner, due, status, note, "
        "removed, carried_from, author, created_at"
    )
    differs = " OR ".join(f"e.{c} IS NOT i.{c}" for c in columns.split(", "))
    clash = conn.execute(
        "SELECT i.uuid FROM temp.incoming_actions i JOIN action_events e ON e.signer = ? "
        f"AND e.workspace_uuid = ? AND e.uuid = i.uuid WHERE e.district_uuid IS NOT ? OR {differs} "
        "LIMIT 1",
        (*ident, bundle.district_uuid),
    ).fetchone()
    if clash is not None:
        raise BundleRefused(
            "inconsistent",
            f"{bundle.source}: action event {clash[0]} differs from the one HQ already holds "
            "from the same signer and workspace; action events never change, so the bundle "
            "was refused.",
        )
    cursor = conn.execute(
        f"INSERT INTO action_events (signer, workspace_uuid, uuid, district_uuid, {columns}) "
        f"SELECT ?, ?, i.uuid, ?, {', '.join('i.' + c for c in columns.split(', '))} "
        "FROM temp.incoming_actions i WHERE NOT EXISTS (SELECT 1 FROM action_events e "
        "WHERE e.signer = ? AND e.workspace_uuid = ? AND e.uuid = i.uuid)",
        (*ident, bundle.district_uuid, *ident),
    )
    return cursor.rowcount

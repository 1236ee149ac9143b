"""Round history at HQ (SPEC §11): the schema change that keeps it, and its merge.

A bundle's round records carry their round events (added from another round, renamed,
moved to another stage, deleted, restored); HQ unions them and sets each round's label,
stage and deletion from its latest event of each kind, so the same bundles merged in any
order give the same rounds.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore
    from onpoint_desktop.sync.verify import VerifiedBundle


def add_round_history(conn: sqlite3.Connection) -> None:
    """Rounds that build on each other (SPEC §11): rating events keep their kind
    (carried / confirmed); a round may be deleted at its district (HQ keeps it, marked);
    round events (added from, renamed, stage, deleted, restored) are unioned under
    (signer, workspace, event id), and a round's label, stage and deletion follow its
    latest round event of each kind (by time, ties by event id), whatever the merge order.
    """
    conn.execute("ALTER TABLE rating_events ADD COLUMN kind TEXT")
    conn.execute("ALTER TABLE rounds ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        """
        CREATE TABLE round_events (
            signer TEXT NOT NULL,
            workspace_uuid TEXT NOT NULL,
            uuid TEXT NOT NULL,
            seq INTEGER NOT NULL,
            district_uuid TEXT NOT NULL,
            round_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            value TEXT,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (signer, workspace_uuid, uuid),
            FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
        ) WITHOUT ROWID
        """
    )
    conn.execute("CREATE INDEX round_events_round ON round_events (district_uuid, round_id, kind)")


def merge_round_history(hq: HQStore, bundle: VerifiedBundle) -> None:
    """Union the bundle's round events (SPEC §11) under (signer, workspace, event id), then
    set each of the district's rounds with events to what its latest event of each kind
    says: the label of the latest rename, the stage of the latest stage change, deleted
    when the latest of deleted/restored is a deletion. A function of the events held, so
    the same bundles in any order give the same rounds; older bundles carry no events and
    leave the rounds as their records say."""
    conn, district = hq.conn, bundle.district_uuid
    ident = (bundle.signer_fingerprint, bundle.workspace_uuid)
    conn.executemany(
        "INSERT OR IGNORE INTO round_events (signer, workspace_uuid, uuid, seq, district_uuid, "
        "round_id, kind, value, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *ident,
                e["uuid"],
                e["seq"],
                district,
                r["id"],
                e["kind"],
                e["value"],
                e["author"],
                e["created_at"],
            )
            for r in bundle.rounds
            for e in r.get("events", ())
        ],
    )
    latest = (
        "(SELECT e.{column} FROM round_events e WHERE e.district_uuid = rounds.district_uuid "
        "AND e.round_id = rounds.round_id AND e.kind IN ({kinds}) "
        "ORDER BY e.created_at DESC, e.uuid DESC LIMIT 1)"
    )
    conn.execute(
        "UPDATE rounds SET "
        f"label = coalesce({latest.format(column='value', kinds=repr('renamed'))}, label), "
        f"stage = coalesce({latest.format(column='value', kinds=repr('stage'))}, stage), "
        "deleted = coalesce("
        f"{latest.format(column='kind', kinds=repr('deleted') + ', ' + repr('restored'))} "
        "= 'deleted', deleted) "
        "WHERE district_uuid = ? AND EXISTS (SELECT 1 FROM round_events e WHERE "
        "e.district_uuid = rounds.district_uuid AND e.round_id = rounds.round_id)",
        (district,),
    )

"""What HQ decides: which signers it trusts, and how a conflict is resolved.

``trust_signer``   trust a key by its fingerprint, and merge the bundles held aside for it
``revoke_signer``  refuse a key's bundles from now on (what it sent before stays), and
                   drop the bundles held aside for it
``resolve``        HQ's level for a district, round and focus area — a level, or "keep
                   this signer's view" — that wins over every side and every later merge

The CLI (``hq trust``, ``hq revoke``, ``hq resolve``) and the HQ window call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from onpoint_desktop import clock
from onpoint_desktop.errors import InputError
from onpoint_desktop.sync import hq_signers
from onpoint_desktop.sync.hq_signers import Signer
from onpoint_desktop.sync.hq_store import HQStore, name_key
from onpoint_desktop.sync.hq_summaries import bring_up_to_date, summarize
from onpoint_desktop.sync.merge import BundleOutcome, merge_pending


@dataclass(frozen=True)
class TrustResult:
    signer: Signer  # as it was before
    merged: tuple[BundleOutcome, ...]  # its held bundles, merged (or refused) now


def trust_signer(hq: HQStore, fingerprint: str) -> TrustResult:
    """Trust the signer key ``fingerprint`` (or a unique prefix) and merge what it sent."""
    signer = hq_signers.find_signer(hq, fingerprint)
    if signer.status != "trusted":
        hq_signers.set_status(hq, signer.fingerprint, "trusted")
    merged = tuple(merge_pending(hq, signer.fingerprint))
    bring_up_to_date(hq)  # the rounds the held bundles changed
    return TrustResult(signer, merged)


@dataclass(frozen=True)
class RevokeResult:
    signer: Signer  # as it was before
    dropped: int  # bundles that were held aside for it


def revoke_signer(hq: HQStore, fingerprint: str) -> RevokeResult:
    """Refuse the signer key's future bundles; its held bundles are dropped."""
    signer = hq_signers.find_signer(hq, fingerprint)
    hq_signers.set_status(hq, signer.fingerprint, "revoked")
    held = hq_signers.pending_files(hq, signer.fingerprint)
    for sha, _, _ in held:
        hq_signers.forget_pending(hq, sha)
    return RevokeResult(signer, len(held))


@dataclass(frozen=True)
class Resolution:
    district: str
    district_uuid: str
    round_id: str
    area_id: str
    level: int | None  # what HQ keeps now
    keep: Signer | None  # the signer whose view it keeps, if that was the decision


def find_district(hq: HQStore, district: str) -> tuple[str, str]:
    """(uuid, name) of the district a command names by UUID or by name."""
    conn = hq.conn
    row = conn.execute("SELECT uuid, name FROM districts WHERE uuid = ?", (district,)).fetchone()
    if row:
        return row
    named = conn.execute(
        "SELECT uuid, name FROM districts WHERE name_key = ? ORDER BY uuid", (name_key(district),)
    ).fetchall()
    if not named:
        raise InputError(f"No district {district!r} in {hq.path}; 'onpoint hq list' lists them.")
    if len(named) > 1:
        ids = ", ".join(u for u, _ in named)
        raise InputError(
            f"{len(named)} districts are named {district!r} ({ids}); name one by its UUID."
        )
    return named[0]


def resolve(
    hq: HQStore,
    district: str,
    round_id: str,
    area_id: str,
    *,
    level: int | None = None,
    keep: str | None = None,
) -> Resolution:
    """Record HQ's decision for one area of a round: ``level`` (1–4, 0 to clear) or
    ``keep`` (the fingerprint of the signer whose view wins). Replaces an earlier one."""
    if (level is None) == (keep is None):
        raise InputError("Give either --level LEVEL or --keep FINGERPRINT.")
    uuid_, name = find_district(hq, district)
    conn = hq.conn
    fw = hq.models.framework
    if not conn.execute(
        "SELECT 1 FROM rounds WHERE district_uuid = ? AND round_id = ?", (uuid_, round_id)
    ).fetchone():
        raise InputError(f"{name} has no round {round_id!r} at HQ.")
    if area_id not in fw.areas:
        raise InputError(f"Unknown focus area {area_id!r}; 'onpoint areas' lists them.")
    where = (uuid_, round_id, area_id)
    views = conn.execute(
        "SELECT DISTINCT signer FROM view_levels WHERE district_uuid = ? AND round_id = ? "
        "AND area_id = ?",
        where,
    ).fetchall()
    if not views:
        raise InputError(f"No one has rated {area_id} in {name}, round {round_id}.")
    signer = None
    if keep is not None:
        signer = hq_signers.find_signer(hq, keep)
        if (signer.fingerprint,) not in views:
            raise InputError(
                f"{signer.name} (key {signer.fingerprint}) has not rated {area_id} in {name}, "
                f"round {round_id}; keep the view of one who has."
            )
    elif not 0 <= level <= fw.max_level:
        raise InputError(f"LEVEL must be 0–{fw.max_level} (0 leaves the area unrated).")
    with hq.transaction():
        conn.execute(
            "INSERT OR REPLACE INTO hq_decisions (district_uuid, round_id, area_id, level, "
            "keep_signer, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
            (*where, level or None, signer.fingerprint if signer else None, clock.utc_now()),
        )
        summarize(hq, uuid_, [round_id])
    kept = conn.execute(
        "SELECT level FROM current_levels WHERE district_uuid = ? AND round_id = ? AND area_id = ?",
        where,
    ).fetchone()[0]
    return Resolution(name, uuid_, round_id, area_id, kept, signer)

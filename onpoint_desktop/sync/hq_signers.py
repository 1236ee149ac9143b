"""Signers at HQ, known by their key fingerprint — never by name.

Each signer key HQ has seen is *trusted* (its bundles merge), *pending* (its bundles are
held aside, unread, until HQ trusts it) or *revoked* (its bundles are refused from now on;
what it sent before stays). A name is only what a bundle says: two trusted keys with the
same name, or a new key using the name or consultant id of a trusted one, are flagged so
that HQ checks the fingerprint with the consultant before trusting it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop import clock
from onpoint_desktop.atomic import os_reason, write_atomically
from onpoint_desktop.errors import BundleError, InputError
from onpoint_desktop.sync.hq_store import HQStore, name_key

if TYPE_CHECKING:
    from onpoint_desktop.sync.verify import BundleHeader

STATUSES = ("trusted", "pending", "revoked")
MIN_PREFIX = 8  # hex digits of a fingerprint enough to name a signer in a command


@dataclass(frozen=True)
class Signer:
    """A signer key as HQ knows it."""

    fingerprint: str
    name: str
    consultant_id: str
    status: str  # trusted, pending or revoked
    districts: tuple[tuple[str, str], ...]  # (uuid, name) of the districts it sent
    bundles: int  # merged
    pending_bundles: int  # held aside
    same_name_as: tuple[str, ...] = ()  # fingerprints of trusted signers with its name
    same_consultant_id_as: tuple[str, ...] = ()  # … of trusted signers with its consultant id

    @property
    def flagged(self) -> bool:
        return bool(self.same_name_as or self.same_consultant_id_as)

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "name": self.name,
            "consultant_id": self.consultant_id,
            "status": self.status,
            "districts": [{"uuid": u, "name": n} for u, n in self.districts],
            "bundles": self.bundles,
            "pending_bundles": self.pending_bundles,
            "same_name_as": list(self.same_name_as),
            "same_consultant_id_as": list(self.same_consultant_id_as),
        }


def signers(hq: HQStore) -> list[Signer]:
    """Every signer key HQ has seen: pending first (they wait for a decision), then by
    name; each with what it sent and its flags."""
    conn = hq.conn
    rows = conn.execute(
        "SELECT fingerprint, name, consultant_id, status FROM signer_keys"
    ).fetchall()
    districts: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for fp, uuid_, name in conn.execute(
        "SELECT b.signer, b.district_uuid, d.name FROM merged_bundles b "
        "JOIN districts d ON d.uuid = b.district_uuid "
        "UNION SELECT signer, district_uuid, district_name FROM pending_bundles"
    ):
        districts[fp].add((uuid_, name))
    merged = dict(conn.execute("SELECT signer, count(*) FROM merged_bundles GROUP BY signer"))
    pending = dict(conn.execute("SELECT signer, count(*) FROM pending_bundles GROUP BY signer"))
    trusted_names: dict[str, list[str]] = defaultdict(list)
    trusted_ids: dict[str, list[str]] = defaultdict(list)
    for fp, name, consultant_id, status in rows:
        if status == "trusted":
            trusted_names[name_key(name)].append(fp)
            trusted_ids[consultant_id].append(fp)
    out = []
    for fp, name, consultant_id, status in rows:
        out.append(
            Signer(
                fingerprint=fp,
                name=name,
                consultant_id=consultant_id,
                status=status,
                districts=tuple(sorted(districts[fp], key=lambda d: (name_key(d[1]), d[0]))),
                bundles=merged.get(fp, 0),
                pending_bundles=pending.get(fp, 0),
                same_name_as=tuple(sorted(f for f in trusted_names[name_key(name)] if f != fp)),
                same_consultant_id_as=tuple(
                    sorted(f for f in trusted_ids[consultant_id] if f != fp)
                ),
            )
        )
    order = {status: n for n, status in enumerate(("pending", "trusted", "revoked"))}
    return sorted(out, key=lambda s: (order[s.status], name_key(s.name), s.fingerprint))


def status_of(hq: HQStore, fingerprint: str) -> str | None:
    """A signer key's status, or None when HQ has never seen it."""
    row = hq.conn.execute(
        "SELECT status FROM signer_keys WHERE fingerprint = ?", (fingerprint,)
    ).fetchone()
    return row[0] if row else None


def look_alikes(hq: HQStore, header: BundleHeader) -> tuple[list[str], list[str]]:
    """Trusted signers (``name (fingerprint)``) other than this bundle's key that share its
    signer's name, and those that share its consultant id."""
    fp = header.signer_fingerprint
    same_name, same_id = [], []
    for other, name, consultant_id in hq.conn.execute(
        "SELECT fingerprint, name, consultant_id FROM signer_keys "
        "WHERE status = 'trusted' AND fingerprint != ?",
        (fp,),
    ):
        if name_key(name) == name_key(header.consultant_name):
            same_name.append(f"{name} ({other})")
        if consultant_id == header.consultant_id:
            same_id.append(f"{name} ({other})")
    return same_name, same_id


def find_signer(hq: HQStore, fingerprint: str) -> Signer:
    """The signer a command names by its fingerprint (or a unique prefix of 8+ digits)."""
    wanted = fingerprint.strip().lower()
    if len(wanted) < MIN_PREFIX:
        raise InputError(
            f"Give at least {MIN_PREFIX} characters of the fingerprint ('onpoint hq signers' "
            "lists them)."
        )
    found = [s for s in signers(hq) if s.fingerprint.startswith(wanted)]
    if not found:
        raise InputError(
            f"No signer with fingerprint {fingerprint!r} in {hq.path}; 'onpoint hq signers' "
            "lists them."
        )
    if len(found) > 1:
        raise InputError(f"Fingerprint {fingerprint!r} matches {len(found)} signers; give more.")
    return found[0]


def record_signer(hq: HQStore, header: BundleHeader, status: str) -> None:
    """Remember a bundle's signer key (inside the caller's transaction): added with
    ``status`` if new; its name and consultant id follow its newest bundle. An existing
    key keeps its status unless ``status`` is ``trusted`` and it was pending."""
    order = f"{header.created_at} {header.bundle_id}"
    now = clock.utc_now()
    hq.conn.execute(
        "INSERT INTO signer_keys (fingerprint, public_key, consultant_id, name, named_by, "
        "status, status_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE "
        "SET consultant_id = CASE WHEN excluded.named_by > named_by "
        "    THEN excluded.consultant_id ELSE consultant_id END, "
        "  name = CASE WHEN excluded.named_by > named_by THEN excluded.name ELSE name END, "
        "  named_by = max(named_by, excluded.named_by), "
        "  status_at = CASE WHEN status = 'pending' AND excluded.status = 'trusted' "
        "    THEN excluded.status_at ELSE status_at END, "
        "  status = CASE WHEN status = 'pending' AND excluded.status = 'trusted' "
        "    THEN 'trusted' ELSE status END",
        (
            header.signer_fingerprint,
            header.manifest["consultant"]["public_key"],
            header.consultant_id,
            header.consultant_name,
            order,
            status,
            now,
        ),
    )


def hold_aside(hq: HQStore, path: Path, header: BundleHeader) -> bool:
    """Keep a bundle of a signer HQ does not trust yet, unread, for when it does: a copy
    in the pending folder (owner-only) and a row naming it. False when already held."""
    held = hq.conn.execute(
        "SELECT 1 FROM pending_bundles WHERE payload_sha256 = ?", (header.payload_sha256,)
    ).fetchone()
    if held:
        return False
    folder = hq.pending_folder
    name = f"{header.payload_sha256}.onpointbundle"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        write_atomically(folder / name, Path(path).read_bytes(), private=True)
    except OSError as exc:
        raise BundleError(
            f"{path} could not be kept aside in {folder}: {os_reason(exc)}; nothing was changed."
        ) from None
    with hq.transaction():
        record_signer(hq, header, "pending")
        hq.conn.execute(
            "INSERT INTO pending_bundles (payload_sha256, bundle_id, signer, file, source, "
            "district_uuid, district_name, created_at, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                header.payload_sha256,
                header.bundle_id,
                header.signer_fingerprint,
                name,
                Path(path).name,
                header.district_uuid,
                header.district_name,
                header.created_at,
                clock.utc_now(),
            ),
        )
    return True


def pending_files(hq: HQStore, fingerprint: str) -> list[tuple[str, Path, str]]:
    """(payload hash, file, name it arrived as) of the bundles held aside for a signer,
    oldest first."""
    rows = hq.conn.execute(
        "SELECT payload_sha256, file, source FROM pending_bundles WHERE signer = ? "
        "ORDER BY created_at, bundle_id",
        (fingerprint,),
    )
    return [(sha, hq.pending_folder / file, source) for sha, file, source in rows]


def forget_pending(hq: HQStore, payload_sha256: str) -> None:
    """Drop a held bundle (merged, refused or its signer revoked): row and file."""
    row = hq.conn.execute(
        "SELECT file FROM pending_bundles WHERE payload_sha256 = ?", (payload_sha256,)
    ).fetchone()
    if row is None:
        return
    with hq.transaction():
        hq.conn.execute("DELETE FROM pending_bundles WHERE payload_sha256 = ?", (payload_sha256,))
    (hq.pending_folder / row[0]).unlink(missing_ok=True)


def set_status(hq: HQStore, fingerprint: str, status: str) -> None:
    with hq.transaction():
        hq.conn.execute(
            "UPDATE signer_keys SET status = ?, status_at = ? WHERE fingerprint = ?",
            (status, clock.utc_now(), fingerprint),
        )

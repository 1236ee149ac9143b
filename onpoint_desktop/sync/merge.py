"""Merging bundles into the HQ store: verified, idempotent and order-independent.

Each bundle is verified outside any transaction, then applied in one transaction of its
own: a bundle goes in whole or not at all, a refused bundle leaves no trace while the
others still merge, and a crash or a cancel part-way keeps the bundles already merged
(each complete) and leaves the rest untouched, so merging the same files again finishes
the job. Merging a bundle again changes nothing (it is recognised by its id and payload
hash). Facts are unioned under natural keys and every "which value wins" rule takes the
newest bundle (manifest time, then bundle id), so any order of the same bundles gives the
same store (see ``hq_store``).

Refused, with the store unchanged (besides everything ``verify`` refuses):
``unknown-signer``       a consultant id HQ has not trusted yet (unless ``trust_new_signers``)
``signer-key-mismatch``  a known consultant id signing with a different key
``district-claim``       a bundle naming a district HQ already holds under another UUID
``inconsistent``         a rating event or survey response HQ holds with other content
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from onpoint_desktop.errors import BundleError, Cancelled, WorkspaceError
from onpoint_desktop.sync import keys
from onpoint_desktop.sync.conflicts import Conflict, conflicts
from onpoint_desktop.sync.format import BundleRefused
from onpoint_desktop.sync.hq_store import HQStore, name_key
from onpoint_desktop.sync.verify import VerifiedBundle, open_bundle

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class BundleOutcome:
    """What happened to one bundle file in a merge run."""

    source: str
    status: str  # "merged", "already-merged" or "refused"
    bundle_id: str = ""
    district: str = ""
    district_uuid: str = ""
    consultant: str = ""
    new_signer: bool = False
    added: dict[str, int] = field(default_factory=dict)  # rounds, rating_events, responses
    reason: str = ""  # a BundleRefused reason code when refused
    message: str = ""


@dataclass(frozen=True)
class MergeSummary:
    outcomes: tuple[BundleOutcome, ...]
    conflicts: tuple[Conflict, ...]  # all conflicts in the districts the run touched

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def refused(self) -> tuple[BundleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "refused")


class MergeCancelled(Cancelled):
    """A merge stopped by the user between bundles; ``summary`` says what it did so far
    (every bundle in it complete, the files after it untouched)."""

    def __init__(self, message: str, summary: MergeSummary, total: int) -> None:
        super().__init__(message)
        self.summary = summary
        self.total = total  # how many files the run was given


def merge_bundles(
    hq: HQStore,
    files: Sequence[Path],
    *,
    trust_new_signers: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> MergeSummary:
    """Verify and merge each bundle file; refusals are reported, not raised.

    ``progress(done, total)`` is called after each bundle; when ``cancel()`` returns True
    the run stops between bundles and raises :class:`MergeCancelled` (bundles merged so
    far stay merged, each complete; its ``summary`` lists them).
    """
    private_key = hq.private_key()
    outcomes: list[BundleOutcome] = []
    touched: set[str] = set()
    for index, path in enumerate(files):
        if cancel is not None and cancel():
            merged = sum(1 for o in outcomes if o.status == "merged")
            found = conflicts(hq.conn, sorted(touched)) if touched else []
            raise MergeCancelled(
                f"Merge cancelled after {index} of {len(files)} bundles ({merged} merged, "
                "each complete); the others were not touched. Merging the same files "
                "again is safe.",
                MergeSummary(tuple(outcomes), tuple(found)),
                len(files),
            )
        bundle = None
        try:
            bundle = open_bundle(Path(path), hq_private_key=private_key, models=hq.models)
            with hq.transaction():
                outcome = merge_verified(hq, bundle, trust_new_signers=trust_new_signers)
        except BundleError as exc:
            if isinstance(exc, BundleRefused) and exc.reason == "hq-key-missing":
                exc = BundleRefused(
                    exc.reason,
                    f"{path} is encrypted for HQ, but HQ's private key "
                    f"{keys.hq_private_key_path(hq.path)} is missing; put it back beside "
                    "the HQ store (from your backup) and merge again.",
                )
            outcome = _refused(str(path), exc, bundle)
        except WorkspaceError as exc:  # the store cannot be written (full disk, read-only)
            merged = sum(1 for o in outcomes if o.status == "merged")
            raise WorkspaceError(
                f"{exc} The merge stopped at {path}; the {merged} bundle(s) merged before it "
                "in this run are complete, and merging the same files again is safe."
            ) from None
        outcomes.append(outcome)
        if outcome.status == "merged":
            touched.add(outcome.district_uuid)
        if progress is not None:
            progress(index + 1, len(files))
    found = conflicts(hq.conn, sorted(touched)) if touched else []
    return MergeSummary(tuple(outcomes), tuple(found))


def _refused(source: str, exc: BundleError, bundle: VerifiedBundle | None) -> BundleOutcome:
    about = {}
    if bundle is not None:
        about = {
            "bundle_id": bundle.bundle_id,
            "district": bundle.district_name,
            "district_uuid": bundle.district_uuid,
            "consultant": bundle.consultant_name,
        }
    reason = exc.reason if isinstance(exc, BundleRefused) else "unreadable"
    return BundleOutcome(source, "refused", reason=reason, message=str(exc), **about)


def merge_verified(
    hq: HQStore, bundle: VerifiedBundle, *, trust_new_signers: bool = False
) -> BundleOutcome:
    """Apply one verified bundle (inside the caller's transaction)."""
    from onpoint_desktop.workspace import utc_now

    conn, source = hq.conn, bundle.source
    known = conn.execute(
        "SELECT payload_sha256 FROM merged_bundles WHERE bundle_id = ?", (bundle.bundle_id,)
    ).fetchone()
    base = {
        "source": source,
        "bundle_id": bundle.bundle_id,
        "district": bundle.district_name,
        "district_uuid": bundle.district_uuid,
        "consultant": bundle.consultant_name,
    }
    if known is not None:
        if known[0] != bundle.payload_sha256:
            raise BundleRefused(
                "inconsistent",
                f"{source} reuses the id of bundle {bundle.bundle_id}, which HQ merged with "
                "other content; refused.",
            )
        return BundleOutcome(status="already-merged", **base)

    order = f"{bundle.created_at} {bundle.bundle_id}"
    new_signer = _check_signer(hq, bundle, order, trust_new_signers)
    _merge_district(hq, bundle, order)
    district = bundle.district_uuid
    content = bundle.content
    held_rounds = {
        r[0]
        for r in conn.execute("SELECT round_id FROM rounds WHERE district_uuid = ?", (district,))
    }
    conn.executemany(
        "INSERT INTO rounds (district_uuid, round_id, label, stage, position, created_at, "
        "described_by, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (district_uuid, round_id) DO UPDATE SET label = excluded.label, "
        "stage = excluded.stage, position = excluded.position, "
        "created_at = excluded.created_at, described_by = excluded.described_by, "
        "model = excluded.model WHERE excluded.described_by > rounds.described_by",
        [
            (
                district,
                r["id"],
                r["label"],
                r["stage"],
                r["position"],
                r["created_at"],
                order,
                r["model"],
            )
            for r in content.rounds
        ],
    )
    added = {
        "rounds": len({r["id"] for r in content.rounds} - held_rounds),
        "rating_events": _merge_events(hq, bundle),
        "survey_responses": _merge_responses(hq, bundle),
    }
    conn.execute(
        "INSERT INTO merged_bundles (bundle_id, payload_sha256, district_uuid, district_name, "
        "workspace_uuid, consultant_id, created_at, app_version, model, rounds, "
        "rating_events, survey_responses, sealed, merged_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            bundle.bundle_id,
            bundle.payload_sha256,
            district,
            bundle.district_name,
            content.workspace_uuid,
            bundle.consultant_id,
            bundle.created_at,
            str(bundle.manifest.get("app_version", "")),
            content.model,
            len(content.rounds),
            len(content.rating_events),
            len(content.survey_responses),
            int(bundle.sealed_for is not None),
            utc_now(),
        ),
    )
    return BundleOutcome(status="merged", new_signer=new_signer, added=added, **base)


def _check_signer(hq: HQStore, bundle: VerifiedBundle, order: str, trust_new: bool) -> bool:
    """Refuse unknown or re-keyed signers; trust a new one only when asked. True if new."""
    public_key = keys.b64(bundle.public_key)
    known = hq.signer(bundle.consultant_id)
    if known is None:  # (hq.signer_status gives the same answer to callers that only look)
        if not trust_new:
            raise BundleRefused(
                "unknown-signer",
                f"{bundle.source} is signed by {bundle.consultant_name} (consultant id "
                f"{bundle.consultant_id}, key {bundle.signer_fingerprint}), whom this HQ store "
                "does not know yet. Check the key with the consultant, then merge again with "
                "--trust-new-signers.",
            )
        hq.conn.execute(
            "INSERT INTO signers (consultant_id, public_key, fingerprint, name, named_by) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                bundle.consultant_id,
                public_key,
                bundle.signer_fingerprint,
                bundle.consultant_name,
                order,
            ),
        )
        return True
    if known[0] != public_key:
        raise BundleRefused(
            "signer-key-mismatch",
            f"{bundle.source} claims to come from {known[1]} (consultant id "
            f"{bundle.consultant_id}) but is signed with a different key "
            f"({bundle.signer_fingerprint}) than the one HQ trusts; refused. If the consultant "
            "really has a new installation, it must use a new consultant id.",
        )
    hq.conn.execute(
        "UPDATE signers SET name = ?, named_by = ? WHERE consultant_id = ? AND named_by < ?",
        (bundle.consultant_name, order, bundle.consultant_id, order),
    )
    return False


def _merge_district(hq: HQStore, bundle: VerifiedBundle, order: str) -> None:
    d = bundle.content.district
    key = name_key(d["name"])
    other = hq.conn.execute(
        "SELECT uuid, name FROM districts WHERE name_key = ? AND uuid != ?", (key, d["uuid"])
    ).fetchone()
    if other is not None:
        raise BundleRefused(
            "district-claim",
            f"{bundle.source} names district '{d['name']}' with id {d['uuid']}, but HQ already "
            f"holds '{other[1]}' under id {other[0]}. If they are different districts, rename "
            "one in its workspace and export again; if they are the same, the bundle was made "
            "from a re-created workspace and must not be merged.",
        )
    hq.conn.execute(
        "INSERT INTO districts (uuid, name, name_key, created_at, model, described_by) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, "
        "name_key = excluded.name_key, model = excluded.model, created_at = excluded.created_at, "
        "described_by = excluded.described_by WHERE excluded.described_by > districts.described_by",
        (d["uuid"], d["name"], key, d["created_at"], bundle.content.model, order),
    )


def _merge_events(hq: HQStore, bundle: VerifiedBundle) -> int:
    conn, district = hq.conn, bundle.district_uuid
    existing = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT uuid, round_id, area_id, level, note, author, created_at "
            "FROM rating_events WHERE district_uuid = ?",
            (district,),
        )
    }
    new_rows = []
    for e in bundle.content.rating_events:
        fields = (e["round"], e["area"], e["level"], e["note"], e["author"], e["created_at"])
        held = existing.get(e["uuid"])
        if held is None:
            new_rows.append((e["uuid"], district, *fields))
        elif held != fields:
            raise BundleRefused(
                "inconsistent",
                f"{bundle.source}: rating event {e['uuid']} differs from the one HQ already "
                "holds; rating events never change, so the bundle was refused.",
            )
    try:
        conn.executemany(
            "INSERT INTO rating_events (uuid, district_uuid, round_id, area_id, level, note, "
            "author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            new_rows,
        )
    except sqlite3.IntegrityError:  # the UUID belongs to another district
        raise BundleRefused(
            "inconsistent",
            f"{bundle.source} carries a rating event HQ holds for another district; refused.",
        ) from None
    conn.executemany(
        "INSERT OR IGNORE INTO rating_event_signers (event_uuid, consultant_id) VALUES (?, ?)",
        [(e["uuid"], bundle.consultant_id) for e in bundle.content.rating_events],
    )
    return len(new_rows)


def _merge_responses(hq: HQStore, bundle: VerifiedBundle) -> int:
    conn, district = hq.conn, bundle.district_uuid
    existing = {
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in conn.execute(
            "SELECT round_id, role, response_key, school, answers FROM survey_responses "
            "WHERE district_uuid = ?",
            (district,),
        )
    }
    new_rows = []
    for s in bundle.content.survey_responses:
        answers = json.dumps(s["answers"], sort_keys=True, separators=(",", ":"))
        held = existing.get((s["round"], s["role"], s["key"]))
        if held is None:
            new_rows.append((district, s["round"], s["role"], s["key"], s["school"], answers))
        elif held != (s["school"], answers):
            raise BundleRefused(
                "inconsistent",
                f"{bundle.source}: {s['role']} response {s['key']!r} of round {s['round']} "
                "differs from the one HQ already holds (the same survey imported twice with "
                "different settings?); refused. Resolve it in the workspaces first.",
            )
    conn.executemany(
        "INSERT INTO survey_responses (district_uuid, round_id, role, response_key, school, "
        "answers) VALUES (?, ?, ?, ?, ?, ?)",
        new_rows,
    )
    return len(new_rows)

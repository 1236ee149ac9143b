"""Merging bundles into the HQ store: checked, idempotent and order-independent.

Each file is checked first (``check.check_bundle``: on its signed manifest alone, HQ
decides whether to read it at all; lines HQ checked before, byte for byte, are recalled
rather than checked again: ``line_memory``), then applied in a transaction of its own (a
savepoint of the run's current commit group: ``commit_group``): a bundle goes in whole or
not at all, a refused or held bundle leaves no trace in the merged facts while the others
still merge, and a crash or a cancel part-way keeps the bundles already acknowledged (each
complete) and leaves the rest untouched, so merging the same files again finishes the job.
Merging a bundle again changes nothing (it is recognised by its id and payload hash).
Facts are unioned under natural keys and every "which value wins" rule takes the newest
bundle (manifest time, then bundle id), so any order of the same bundles gives the same
store (see ``hq_schema``).

Outcomes: ``merged``, ``already-merged``, ``pending`` (held aside: its signer's key is not
trusted yet; ``hq trust`` merges it later) and ``refused`` (with the reader's reasons, and
``revoked-signer``, ``from-the-future``, or ``inconsistent``: a record HQ holds from the
same signer and workspace with other content). A refusal never stops the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onpoint_desktop import clock
from onpoint_desktop.english import counted
from onpoint_desktop.errors import BundleError, Cancelled, WorkspaceError
from onpoint_desktop.sync import hq_signers
from onpoint_desktop.sync.calibration_ratings import merge_case_ratings
from onpoint_desktop.sync.check import BundleCheck, check_bundle
from onpoint_desktop.sync.commit_group import CommitGroup
from onpoint_desktop.sync.conflicts import Conflict, conflicted, conflicts
from onpoint_desktop.sync.evidence_merge import merge_evidence
from onpoint_desktop.sync.fact_merge import (
    merge_actions,
    merge_district,
    merge_events,
    merge_removals,
    merge_responses,
)
from onpoint_desktop.sync.hq_store import HQStore
from onpoint_desktop.sync.hq_summaries import bring_up_to_date, forget
from onpoint_desktop.sync.line_memory import LineMemory
from onpoint_desktop.sync.round_history import merge_round_history
from onpoint_desktop.sync.staging import Staging

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class BundleOutcome:
    """What happened to one bundle file in a merge run."""

    source: str
    status: str  # "merged", "already-merged", "pending" or "refused"
    bundle_id: str = ""
    district: str = ""
    district_uuid: str = ""
    consultant: str = ""
    fingerprint: str = ""  # the signer's key
    new_signer: bool = False  # trusted in this run (--trust-new-signers)
    same_name_as: tuple[str, ...] = ()  # trusted signers sharing the signer's name
    same_consultant_id_as: tuple[str, ...] = ()
    added: dict[str, int] = field(default_factory=dict)  # rounds, rating_events, responses
    reason: str = ""  # a BundleRefused reason code when refused; unknown-signer when pending
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

    @property
    def pending(self) -> tuple[BundleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "pending")

    @property
    def trusted_now(self) -> dict[str, str]:
        """Fingerprint → name of the signers trusted in this run."""
        return {o.fingerprint: o.consultant for o in self.outcomes if o.new_signer}


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
    """Check and merge each bundle file; refusals and held bundles are reported, not raised.

    ``trust_new_signers`` trusts every signer key HQ has not trusted yet (scripts; each is
    named in the summary) and merges the bundles it had held aside for them.
    ``progress(done, total)`` is called after each bundle; when ``cancel()`` returns True
    the run stops between bundles and raises :class:`MergeCancelled` (bundles merged so
    far stay merged, each complete; its ``summary`` lists them).
    """
    staging = Staging(hq.conn, LineMemory(hq.conn))
    outcomes: list[BundleOutcome] = []
    touched: set[str] = set()
    queue = [Path(f) for f in files]

    def acknowledge(done: int) -> None:  # once the bundle's group is committed
        if progress is not None:
            progress(done, len(queue))

    # Each bundle's commit durable at the end of the run; bundles committed in groups.
    with hq.run_of_transactions(), CommitGroup(hq.conn, hq.path, acknowledge) as group:
        for index, path in enumerate(queue):
            if cancel is not None and cancel():
                group.commit()
                merged = sum(1 for o in outcomes if o.status == "merged")
                raise MergeCancelled(
                    f"Merge cancelled after {index} of {len(queue)} bundles ({merged} merged, "
                    "each complete); the others were not touched. Merging the same files "
                    "again is safe.",
                    _summary(hq, outcomes, touched),
                    len(queue),
                )
            try:
                outcome = merge_file(hq, path, staging, trust_new_signers=trust_new_signers)
            except WorkspaceError as exc:  # the store cannot be written (full disk, read-only)
                group.commit()
                merged = sum(1 for o in outcomes if o.status == "merged")
                raise WorkspaceError(
                    f"{exc} The merge stopped at {path}; the {counted(merged, 'bundle')} merged "
                    "before it in this run stay merged, each complete, and merging the same files "
                    "again is safe."
                ) from None
            outcomes.append(outcome)
            if outcome.status == "merged":
                touched.add(outcome.district_uuid)
            group.merged()
        for fingerprint in dict.fromkeys(o.fingerprint for o in outcomes if o.new_signer):
            for held in merge_pending(hq, fingerprint, staging):
                outcomes.append(held)
                if held.status == "merged":
                    touched.add(held.district_uuid)
    return _summary(hq, outcomes, touched)


def _summary(hq: HQStore, outcomes: list[BundleOutcome], touched: set[str]) -> MergeSummary:
    bring_up_to_date(hq)  # each district touched is summarised once, not once per bundle
    # Only the touched districts whose fresh summaries count a conflict are read again.
    found = conflicts(hq.conn, conflicted(hq.conn, sorted(touched))) if touched else []
    return MergeSummary(tuple(outcomes), tuple(found))


def merge_file(
    hq: HQStore, path: Path, staging: Staging, *, trust_new_signers: bool = False
) -> BundleOutcome:
    """Check one file and apply it, hold it aside, or say why not."""
    check = None
    try:
        check = check_bundle(
            path, hq, for_merge=True, trust_new_signers=trust_new_signers, staging=staging
        )
        if check.verdict == "acceptable":
            with hq.transaction():
                outcome = apply(hq, check)
        else:
            if check.verdict == "pending":
                hq_signers.hold_aside(hq, path, check.header)
            outcome = _outcome(check)
        if outcome.status in ("merged", "already-merged"):  # no need to hold it any more
            hq_signers.forget_pending(hq, check.header.payload_sha256)
        return outcome
    except BundleError as exc:  # found while applying (inconsistent), or holding aside
        header = check.header if check is not None else None
        return _outcome(BundleCheck(Path(path), "refused", header=header, refusal=exc))
    finally:
        staging.clear()


def _outcome(check: BundleCheck, **more) -> BundleOutcome:
    h = check.header
    about = {}
    if h is not None:
        about = {
            "bundle_id": h.bundle_id,
            "district": h.district_name,
            "district_uuid": h.district_uuid,
            "consultant": h.consultant_name,
            "fingerprint": h.signer_fingerprint,
        }
    status = "merged" if check.verdict == "acceptable" else check.verdict
    message = str(check.refusal) if check.refusal is not None else ""
    if check.verdict == "pending" and h is not None:
        message = (
            f"Held aside: signed by {h.consultant_name} (key {h.signer_fingerprint}), whom "
            "this HQ store does not trust yet. Nothing of it was merged."
        )
    return BundleOutcome(
        str(check.path),
        status,
        same_name_as=check.same_name_as,
        same_consultant_id_as=check.same_consultant_id_as,
        reason=check.reason,
        message=message,
        **about,
        **more,
    )


def apply(hq: HQStore, check: BundleCheck) -> BundleOutcome:
    """Apply one checked bundle (inside the caller's transaction)."""
    bundle = check.bundle
    if bundle.calibration_case is not None:  # a case rated blind: never a district
        hq_signers.record_signer(hq, bundle, "trusted" if check.trust_now else "pending")
        added = merge_case_ratings(hq, bundle)
        return _outcome(check, new_signer=check.trust_now, added=added)
    conn, district = hq.conn, bundle.district_uuid
    order = f"{bundle.created_at} {bundle.bundle_id}"
    hq_signers.record_signer(hq, bundle, "trusted" if check.trust_now else "pending")
    merge_district(hq, bundle, order)
    before = _facts_per_round(hq, district)
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
            for r in bundle.rounds
        ],
    )
    evidence = merge_evidence(hq, bundle)
    removed = merge_removals(hq, bundle)
    merge_round_history(hq, bundle)
    events, reordered = merge_events(hq, bundle)
    added = {
        "rounds": len({r["id"] for r in bundle.rounds} - set(before)),
        "rating_events": events + evidence["district_rating_events"],
        "survey_responses": merge_responses(hq, bundle),
        "walkthroughs": evidence["walkthroughs"],
        "condition_events": evidence["condition_events"],
    }
    after = _facts_per_round(hq, district)
    # Removed responses can leave a round's count as it was (one gone, one come): a
    # bundle that removes any is taken to change every round of its district.
    changed = (
        None
        if reordered or removed
        else [r for r, facts in after.items() if before.get(r) != facts]
    )
    if changed is None or changed:
        forget(hq, district, changed)  # summarised again once the run's bundles are merged
    actions = merge_actions(hq, bundle)
    if actions:
        added["action_events"] = actions
    if removed:
        added["survey_responses_removed"] = removed
    if bundle.staging is not None and bundle.staging.memory is not None:
        bundle.staging.memory.keep()  # the lines checked in full, remembered as merged
    counts = bundle.counts
    conn.execute(
        "INSERT INTO merged_bundles (bundle_id, payload_sha256, format, district_uuid, "
        "district_name, workspace_uuid, signer, consultant_id, created_at, app_version, model, "
        "rounds, rating_events, survey_responses, sealed, merged_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            bundle.bundle_id,
            bundle.payload_sha256,
            bundle.format,
            district,
            bundle.district_name,
            bundle.workspace_uuid,
            bundle.signer_fingerprint,
            bundle.consultant_id,
            bundle.created_at,
            str(bundle.manifest.get("app_version", "")),
            bundle.model,
            counts["rounds"],
            counts["rating_events"],
            counts["survey_responses"],
            int(bundle.sealed_for is not None),
            clock.utc_now(),
        ),
    )
    return _outcome(check, new_signer=check.trust_now, added=added)


def _facts_per_round(hq: HQStore, district: str) -> dict[str, tuple[Any, ...]]:
    """Round id → what its summary rests on, as far as a bundle can change it: the round's
    description and how many events and responses HQ holds for it (facts only grow, so a
    round whose counts and description are unchanged is unchanged)."""
    return {
        r[0]: r[1:]
        for r in hq.conn.execute(
            "SELECT r.round_id, r.label, r.stage, r.position, r.model, r.deleted, "
            "(SELECT count(*) FROM rating_events e WHERE e.district_uuid = r.district_uuid "
            " AND e.round_id = r.round_id), "
            "(SELECT count(*) FROM survey_responses s WHERE s.district_uuid = r.district_uuid "
            " AND s.round_id = r.round_id) "
            "FROM rounds r WHERE r.district_uuid = ?",
            (district,),
        )
    }


def merge_pending(
    hq: HQStore, fingerprint: str, staging: Staging | None = None
) -> list[BundleOutcome]:
    """Merge the bundles held aside for a signer HQ now trusts; each is forgotten once
    merged (or refused: it never will be)."""
    staging = staging or Staging(hq.conn, LineMemory(hq.conn))
    outcomes = []
    for sha, file, source in hq_signers.pending_files(hq, fingerprint):
        if not file.exists():
            hq_signers.forget_pending(hq, sha)
            continue
        outcome = merge_file(hq, file, staging)
        outcomes.append(dataclasses.replace(outcome, source=f"{source} (held aside)"))
        if outcome.status != "pending":
            hq_signers.forget_pending(hq, sha)
    return outcomes

"""Calibration cases at HQ: the ratings consultants send back, and how near the anchor.

A bundle from a calibration case's workspace (format 5, naming its case) is checked like
any bundle (``check``), then — instead of becoming a district — its expert rating events
are kept as *calibration ratings* under (case, signer, workspace, event id)
(:func:`merge_case_ratings`): never in ``hq list``, the benchmark, the national picture or
the summaries. A bundle for a case HQ never published is refused (``unknown-case``,
:func:`check_case`) before any record is read. Merging it again changes nothing.

:func:`case_agreement` compares each consultant's level of each focus area (their own
latest event for it: the latest in each copy of the workspace by its own order, then the
latest copy by the clock) with HQ's anchor, over the areas both rated in every round of
the case, with the one rule of ``hq_calibration.agreement``: exact %, within-one %,
quadratic-weighted kappa (κ ≥ ``CALIBRATED``, 0.70, is calibrated) and the areas of
widest disagreement.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from onpoint_desktop import clock
from onpoint_desktop.sync.format import BundleRefused
from onpoint_desktop.sync.hq_calibration import Figures, agreement

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore
    from onpoint_desktop.sync.verify import BundleHeader, VerifiedBundle

_COLUMNS = "uuid, seq, round_id, area_id, level, created_at"

# Each consultant's current level per (round, area) of a case: in each of their copies
# (workspaces) the latest event by its own order, then the latest copy by the clock.
_LATEST = (
    "SELECT signer, round_id, area_id, level FROM ("
    " SELECT *, row_number() OVER (PARTITION BY signer, round_id, area_id"
    "   ORDER BY created_at DESC, workspace_uuid DESC) AS newest FROM ("
    "  SELECT *, row_number() OVER (PARTITION BY signer, workspace_uuid, round_id, area_id"
    "    ORDER BY seq DESC) AS last FROM calibration_ratings WHERE case_id = ?"
    " ) WHERE last = 1"
    ") WHERE newest = 1 AND level IS NOT NULL"
)


def check_case(hq: HQStore, header: BundleHeader) -> None:
    """Refuse a case bundle whose case HQ did not publish (on the signed manifest)."""
    case = header.calibration_case
    if case is None:
        return
    known = hq.conn.execute("SELECT 1 FROM calibration_cases WHERE case_id = ?", (case,)).fetchone()
    if known is None:
        raise BundleRefused(
            "unknown-case",
            f"{header.source} carries ratings of calibration case {case}, which this HQ "
            "store did not publish; nothing of it was merged. Merge it into the HQ store "
            "that published the case.",
        )


def merged_case_bundle(hq: HQStore, bundle_id: str) -> str | None:
    """The payload hash of the case bundle merged under ``bundle_id``, if any."""
    row = hq.conn.execute(
        "SELECT payload_sha256 FROM calibration_bundles WHERE bundle_id = ?", (bundle_id,)
    ).fetchone()
    return row[0] if row else None


def merge_case_ratings(hq: HQStore, bundle: VerifiedBundle) -> dict[str, int]:
    """Keep a checked case bundle's rating events as calibration ratings (inside the
    caller's transaction); returns how many were new. An event HQ holds under the same
    identity with other content refuses the bundle (``inconsistent``)."""
    conn, case = hq.conn, bundle.calibration_case
    ident = (case, bundle.signer_fingerprint, bundle.workspace_uuid)
    differs = " OR ".join(f"c.{c} IS NOT i.{c}" for c in _COLUMNS.split(", ")[1:])
    clash = conn.execute(
        "SELECT i.uuid FROM temp.expert_events i JOIN calibration_ratings c ON c.case_id = ? "
        f"AND c.signer = ? AND c.workspace_uuid = ? AND c.uuid = i.uuid WHERE {differs} LIMIT 1",
        ident,
    ).fetchone()
    if clash is not None:
        raise BundleRefused(
            "inconsistent",
            f"{bundle.source}: rating event {clash[0]} of the calibration case differs from "
            "the one HQ already holds from the same signer and workspace; refused.",
        )
    added = conn.execute(
        f"INSERT INTO calibration_ratings (case_id, signer, workspace_uuid, {_COLUMNS}) "
        f"SELECT ?, ?, ?, {', '.join('i.' + c for c in _COLUMNS.split(', '))} "
        "FROM temp.expert_events i WHERE NOT EXISTS (SELECT 1 FROM calibration_ratings c "
        "WHERE c.case_id = ? AND c.signer = ? AND c.workspace_uuid = ? AND c.uuid = i.uuid)",
        (*ident, *ident),
    ).rowcount
    conn.execute(
        "INSERT INTO calibration_bundles (bundle_id, payload_sha256, case_id, signer, "
        "workspace_uuid, created_at, rating_events, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            bundle.bundle_id,
            bundle.payload_sha256,
            case,
            bundle.signer_fingerprint,
            bundle.workspace_uuid,
            bundle.created_at,
            bundle.counts["rating_events"],
            clock.utc_now(),
        ),
    )
    return {"calibration_ratings": added}


@dataclass(frozen=True)
class CaseRater(Figures):
    """One consultant's ratings of a case against HQ's anchor (``areas``: the (round,
    area) pairs both the consultant and the anchor rated)."""

    fingerprint: str
    name: str

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "name": self.name, **self.figures_json()}


@dataclass(frozen=True)
class CaseResult:
    """A calibration case HQ published, and every consultant who rated it."""

    case_id: str
    name: str
    published_at: str
    anchored_areas: int  # (round, area) pairs HQ's anchor rates
    raters: tuple[CaseRater, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "name": self.name,
            "published_at": self.published_at,
            "anchored_areas": self.anchored_areas,
            "consultants": [r.to_json() for r in self.raters],
        }


def case_agreement(hq: HQStore) -> list[CaseResult]:
    """Every case HQ published (oldest first), each consultant against the anchor, by name."""
    conn = hq.conn
    top = hq.models.framework.max_level
    names = dict(conn.execute("SELECT fingerprint, name FROM signer_keys"))
    out = []
    for case_id, name, published in conn.execute(
        "SELECT case_id, name, created_at FROM calibration_cases ORDER BY created_at, case_id"
    ).fetchall():
        anchor = {
            (r, a): level
            for r, a, level in conn.execute(
                "SELECT round_id, area_id, level FROM calibration_anchors WHERE case_id = ?",
                (case_id,),
            )
        }
        pairs: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for signer, round_id, area, level in conn.execute(_LATEST, (case_id,)):
            if (round_id, area) in anchor:
                pairs[signer].append((area, level, anchor[round_id, area]))
        raters = []
        for signer, found in pairs.items():
            raters.append(
                CaseRater(signer, names.get(signer, signer[:12]), **vars(agreement(found, 1, top)))
            )
        raters.sort(key=lambda r: (r.name.casefold(), r.fingerprint))
        out.append(CaseResult(case_id, name, published, len(anchor), tuple(raters)))
    return out

"""Exporting a district workspace as a signed (and, for HQ, encrypted) sync bundle.

The workspace is read through a consistent snapshot (SQLite's online backup API into
memory), never a raw file copy, so an export taken while the app is writing is still a
state the workspace really was in. The bundle holds:

``district.json``          the district's UUID, name and creation time
``rounds.json``            the rounds: id, label, stage, position, creation time, and the
                           scoring model each round is scored with
``rating_events.jsonl``    every rating event (append-only history), one per line, in the
                           workspace's own order (``seq``)
``survey_responses.jsonl`` every stored survey response: round, role, response key (as
                           ``hmac-sha256:<hex>`` under the workspace's secret), school and
                           answers (item id → raw value). Identifying columns were never
                           stored, and respondents' free-text comments are left out.
``action_events.jsonl``    every action-plan event (append-only, as ``workspace.actions``
                           keeps them), in the workspace's order
``survey_removals.jsonl``  the responses removed with a survey import: round, role,
                           response key (HMAC, as above) and when, one per line
``walkthroughs.jsonl``     every observed classroom (school, grade band, subject, date,
                           observer, the Core Four levels and notes; no teacher or student)
``condition_events.jsonl`` every rating of a condition for scale (append-only history)

plus ``manifest.json`` (format ``onpoint-bundle/4``, bundle id, creation time, app and
scoring-model versions, district and workspace UUIDs, the consultant's id, name and
public key, and per-entry size and SHA-256) and ``manifest.sig`` (the Ed25519 signature
of the manifest's bytes). When HQ's public key is configured the whole signed payload is
sealed for HQ (``envelope``). The records come from the workspace (``workspace.exchange``),
which fits text recorded before the entry limits existed, so every workspace exports.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onpoint_desktop import __version__, limits
from onpoint_desktop.atomic import os_reason, write_atomically
from onpoint_desktop.errors import BundleError, Cancelled
from onpoint_desktop.model_catalogue import ModelCatalogue
from onpoint_desktop.sync import envelope, keys
from onpoint_desktop.sync.format import (
    ACTION_EVENTS,
    BUNDLE_FORMAT,
    CASE_BUNDLE_FORMAT,
    CONDITION_EVENTS,
    DISTRICT,
    MANIFEST,
    RATING_EVENTS,
    ROUNDS,
    SIGNATURE,
    SURVEY_REMOVALS,
    SURVEY_RESPONSES,
    WALKTHROUGHS,
    canonical_json,
    json_lines,
)
from onpoint_desktop.workspace.exchange import BundleContent, bundle_records

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed entry times: the same content gives the same zip


__all__ = ["BundleContent", "ExportResult", "export_bundle", "snapshot", "write_bundle"]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    district: str
    counts: dict[str, int]
    size: int
    sealed_for: str | None  # HQ key fingerprint, or None when not encrypted
    signer: str  # the consultant id
    fitted: int = 0  # texts from before the entry limits, cut or cleaned in the bundle
    calibration_case: str | None = None  # the case id, when the ratings are of a case


def snapshot(conn: sqlite3.Connection) -> tuple[BundleContent, int]:
    """A workspace's bundle content, read from a consistent in-memory copy of it; and how
    many of its texts were fitted to the limits."""
    copy = sqlite3.connect(":memory:")
    try:
        conn.backup(copy)
        return bundle_records(copy)
    finally:
        copy.close()


def _entries(content: BundleContent) -> dict[str, bytes]:
    return {
        DISTRICT: canonical_json(content.district),
        ROUNDS: canonical_json(content.rounds),
        RATING_EVENTS: json_lines(content.rating_events),
        SURVEY_RESPONSES: json_lines(content.survey_responses),
        ACTION_EVENTS: json_lines(content.action_events),
        SURVEY_REMOVALS: json_lines(content.survey_removals),
        WALKTHROUGHS: json_lines(content.walkthroughs),
        CONDITION_EVENTS: json_lines(content.condition_events),
    }


def manifest_for(
    content: BundleContent,
    entries: dict[str, bytes],
    signer: keys.Identity,
    created_at: str,
    bundle_id: str,
) -> dict[str, Any]:
    case = {"calibration_case": content.calibration_case} if content.calibration_case else {}
    return {
        "format": CASE_BUNDLE_FORMAT if case else BUNDLE_FORMAT,
        **case,
        "bundle_id": bundle_id,
        "created_at": created_at,
        "app_version": __version__,
        "model": content.model,
        "district": {"uuid": content.district["uuid"], "name": content.district["name"]},
        "workspace_uuid": content.workspace_uuid,
        "consultant": {
            "id": signer.consultant_id,
            "name": limits.fitted_name(signer.name),
            "public_key": keys.b64(signer.public_key),
        },
        "counts": content.counts(),
        "entries": [
            {"name": name, "size": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
            for name, blob in entries.items()
        ],
    }


def zip_members(members: dict[str, bytes]) -> bytes:
    """A deflated zip of ``members`` in the given order, with fixed entry times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, blob)
    return buffer.getvalue()


def signed_payload(
    content: BundleContent,
    signer: keys.Identity,
    *,
    created_at: str | None = None,
    bundle_id: str | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """The signed zip (manifest, signature, entries) and its manifest."""
    from onpoint_desktop.workspace import utc_now

    entries = _entries(content)
    manifest = manifest_for(
        content, entries, signer, created_at or utc_now(), bundle_id or str(uuid.uuid4())
    )
    manifest_bytes = canonical_json(manifest)
    signature = keys.b64(signer.sign(manifest_bytes)).encode("ascii")
    return zip_members({MANIFEST: manifest_bytes, SIGNATURE: signature, **entries}), manifest


def write_bundle(
    content: BundleContent,
    out: Path,
    signer: keys.Identity,
    hq_key: keys.HQPublicKey | None,
    *,
    created_at: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    fitted: int = 0,
    models: ModelCatalogue | None = None,
) -> ExportResult:
    """Sign ``content``, check it reads back, seal it for ``hq_key`` if given, write ``out``.

    ``models``: the scoring models the content's rounds name (the workspace's). The file
    appears complete or not at all (written beside, then renamed).
    """
    from onpoint_desktop.sync.verify import read_payload

    steps = 4

    def step(done: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled("Export cancelled; no bundle was written.")
        if progress is not None:
            progress(done, steps)

    step(0)
    payload, manifest = signed_payload(content, signer, created_at=created_at)
    step(1)
    # Never ship what HQ would refuse.
    checked = read_payload(payload, "the bundle being exported", models=models)
    checked.staging.close()
    step(2)
    blob = envelope.seal(payload, hq_key) if hq_key is not None else payload
    step(3)
    out = Path(out)
    try:
        write_atomically(out, blob, private=True)  # a bundle holds survey responses
    except OSError as exc:
        raise BundleError(f"Could not write the bundle to {out}: {os_reason(exc)}.") from None
    step(4)
    return ExportResult(
        path=out,
        bundle_id=manifest["bundle_id"],
        district=content.district["name"],
        counts=content.counts(),
        size=len(blob),
        sealed_for=hq_key.fingerprint if hq_key else None,
        signer=signer.consultant_id,
        fitted=fitted,
        calibration_case=content.calibration_case,
    )


def export_bundle(
    db: Path,
    out: Path,
    *,
    signer: keys.Identity | None = None,
    hq_key: keys.HQPublicKey | None = None,
    seal: bool = True,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportResult:
    """Export the workspace at ``db`` to the bundle file ``out``.

    ``signer`` defaults to this installation's identity (created on first use).
    ``hq_key`` defaults to the HQ key imported with ``hq-key import``; the bundle is then
    encrypted for HQ. ``seal=False`` writes a signed but unencrypted bundle.
    """
    from onpoint_desktop.workspace import Workspace

    if Path(out).resolve() == Path(db).resolve():
        raise BundleError(f"The bundle would overwrite the workspace {db}; choose another name.")
    signer = signer or keys.identity()
    if seal and hq_key is None:
        hq_key = keys.configured_hq_key()
    with Workspace.open(db, backup=False) as ws:
        content, fitted = snapshot(ws.conn)
        return write_bundle(
            content,
            out,
            signer,
            hq_key if seal else None,
            progress=progress,
            cancel=cancel,
            fitted=fitted,
            models=ws.models,
        )

"""Calibration cases, HQ side: publish a fictional district for consultants to rate blind.

``onpoint hq calibration-case HQ_DB --from WORKSPACE -o CASE`` (:func:`publish_case`)
turns a district's workspace into a *case*: a signed document (``signed``, kind
``calibration-case``) holding a fictional district — a fictional name, never the source's
name or id (the source name is also replaced wherever it appears in a round's name or an
evidence note) — its rounds (name, date, stage, model), HQ's evidence note per focus area,
and, unless ``surveys=False``, the rounds' survey responses as bundles carry them (keys
already HMAC'd, no school, no comment: nothing that identifies anyone). It holds no
rating event and no level: the consultant rates blind.

HQ's *anchor ratings* — the source's latest level per round and focus area — stay in the
HQ store (tables below, made by :func:`add_calibration_cases`), under the case id (a
UUID) that ties the case file, the anchors and the ratings bundles bring back together.
All or nothing: the store keeps the case only if its file is written.

Tables:

``calibration_cases``    id, fictional name, when published, the source's fingerprint (a
                         hash of its workspace and district ids: which cases came from the
                         same district, without naming it), the case file's SHA-256
``calibration_anchors``  (case, round, area) → HQ's level
``calibration_ratings``  consultants' rating events of a case, keyed by (case, signer,
                         workspace, event id) like rating events (``calibration_ratings``)
``calibration_bundles``  every merged case bundle: id and payload hash (merged once)
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop import clock, limits
from onpoint_desktop.errors import BundleError, OnpointError
from onpoint_desktop.sync import signed

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore

CASE_FORMAT = "onpoint-calibration-case/1"
# Fictional district names a case is given when HQ names none (with a part of its id).
FICTIONAL_NAMES = (
    "Alder Creek",
    "Birch Hollow",
    "Cedar Bend",
    "Dune Valley",
    "Elm Crossing",
    "Fern Ridge",
    "Granite Falls",
    "Heron Bay",
)


def add_calibration_cases(conn: sqlite3.Connection) -> None:
    """Calibration cases (SPEC §13): the cases HQ published, its anchor ratings, the
    ratings consultants sent back, and the case bundles merged."""
    conn.execute(
        "CREATE TABLE calibration_cases ("
        " case_id TEXT PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " created_at TEXT NOT NULL,"
        " source_fingerprint TEXT NOT NULL,"
        " case_sha256 TEXT NOT NULL,"
        " rounds INTEGER NOT NULL,"
        " surveys INTEGER NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE calibration_anchors ("
        " case_id TEXT NOT NULL REFERENCES calibration_cases(case_id),"
        " round_id TEXT NOT NULL,"
        " area_id TEXT NOT NULL,"
        " level INTEGER NOT NULL,"
        " PRIMARY KEY (case_id, round_id, area_id)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE calibration_ratings ("
        " case_id TEXT NOT NULL REFERENCES calibration_cases(case_id),"
        " signer TEXT NOT NULL,"
        " workspace_uuid TEXT NOT NULL,"
        " uuid TEXT NOT NULL,"
        " seq INTEGER NOT NULL,"
        " round_id TEXT NOT NULL,"
        " area_id TEXT NOT NULL,"
        " level INTEGER,"
        " created_at TEXT NOT NULL,"
        " PRIMARY KEY (case_id, signer, workspace_uuid, uuid)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE calibration_bundles ("
        " bundle_id TEXT PRIMARY KEY,"
        " payload_sha256 TEXT NOT NULL UNIQUE,"
        " case_id TEXT NOT NULL REFERENCES calibration_cases(case_id),"
        " signer TEXT NOT NULL,"
        " workspace_uuid TEXT NOT NULL,"
        " created_at TEXT NOT NULL,"
        " rating_events INTEGER NOT NULL,"
        " merged_at TEXT NOT NULL) WITHOUT ROWID"
    )


@dataclass(frozen=True)
class PublishedCase:
    """What :func:`publish_case` wrote and kept."""

    case_id: str
    name: str
    path: Path
    rounds: int
    anchors: int  # focus areas rated by HQ (the anchor), over all rounds
    evidence_notes: int
    survey_responses: int


def fictional_name(case_id: str) -> str:
    """A fictional district name for a case HQ did not name.

    >>> fictional_name("3f2a0000-0000-4000-8000-000000000000")
    'Cedar Bend (case 3F2A)'
    """
    number = int(case_id[:4], 16)
    return f"{FICTIONAL_NAMES[number % len(FICTIONAL_NAMES)]} (case {case_id[:4].upper()})"


def _scrubbed(text: str, source_name: str, name: str) -> str:
    """``text`` with the source district's name replaced by the case's fictional one."""
    if not source_name.strip():
        return text
    return re.sub(re.escape(source_name), name, text, flags=re.IGNORECASE)


def publish_case(
    hq: HQStore,
    source: str | Path,
    out: str | Path,
    *,
    name: str | None = None,
    surveys: bool = True,
) -> PublishedCase:
    """Write the calibration case made from the workspace ``source`` to ``out`` (signed by
    HQ) and keep HQ's anchor ratings in the store, under a new case id."""
    from onpoint_desktop.sync.bundle import snapshot
    from onpoint_desktop.workspace import Workspace

    signing_key = hq.signing_key()  # refused before any work when the key is not there
    out = Path(out)
    case_id = str(uuid.uuid4())
    try:
        name = limits.checked_name(name, "The case's name") if name else fictional_name(case_id)
    except OnpointError as exc:
        raise BundleError(f"{exc} No case was written.") from None
    with Workspace.open(source, backup=False) as ws:  # an older one is upgraded first
        if ws.calibration_case is not None:
            raise BundleError(
                f"{source} is itself the calibration case {ws.calibration_case.name}; make a "
                "case from a district's own workspace."
            )
        district = ws.district
        if name.casefold() == district.name.casefold():
            raise BundleError(
                f"A case's name must be fictional, not the district's own ({district.name}); "
                "choose another with --name."
            )
        responses: dict[str, list[dict[str, Any]]] = {}
        if surveys:
            content, _ = snapshot(ws.conn)
            for r in content.survey_responses:
                record = {"role": r["role"], "key": r["key"], "answers": r["answers"]}
                responses.setdefault(r["round"], []).append(record)
        rounds, anchors = [], []
        for rnd in ws.rounds():
            board = ws.board(rnd.id)
            evidence = {
                area: _scrubbed(e.note, district.name, name)
                for area, e in board.items()
                if e.note and e.note.strip()
            }
            anchors += [(rnd.id, area, e.level) for area, e in board.items()]
            rounds.append(
                {
                    "id": rnd.id,
                    "label": limits.fitted_name(_scrubbed(rnd.label, district.name, name)),
                    "stage": rnd.stage,
                    "position": rnd.position,
                    "created_at": rnd.created_at,
                    "model": rnd.model_id,
                    "evidence": evidence,
                    "responses": responses.get(rnd.id, []),
                }
            )
        source_fingerprint = hashlib.sha256(
            f"{ws.workspace_uuid}:{district.uuid}".encode()
        ).hexdigest()
    if not anchors:
        raise BundleError(
            f"{source} has no ratings, so HQ would have no anchor to compare consultants "
            "with; rate the district first. No case was written."
        )
    document = {"format": CASE_FORMAT, "case_id": case_id, "name": name, "rounds": rounds}
    now = clock.utc_now()
    with hq.transaction():  # the store keeps the case only if its file is written too
        hq.conn.execute(
            "INSERT INTO calibration_cases (case_id, name, created_at, source_fingerprint, "
            "case_sha256, rounds, surveys) VALUES (?, ?, ?, ?, '', ?, ?)",
            (case_id, name, now, source_fingerprint, len(rounds), int(surveys)),
        )
        hq.conn.executemany(
            "INSERT INTO calibration_anchors (case_id, round_id, area_id, level) "
            "VALUES (?, ?, ?, ?)",
            [(case_id, *anchor) for anchor in anchors],
        )
        signed.write_signed(out, signed.CALIBRATION_CASE, document, signing_key, signed_at=now)
        try:
            hq.conn.execute(
                "UPDATE calibration_cases SET case_sha256 = ? WHERE case_id = ?",
                (hashlib.sha256(out.read_bytes()).hexdigest(), case_id),
            )
        except BaseException:
            out.unlink(missing_ok=True)  # no case file whose anchors HQ does not hold
            raise
    return PublishedCase(
        case_id,
        name,
        out,
        len(rounds),
        len(anchors),
        sum(len(r["evidence"]) for r in rounds),
        sum(len(r["responses"]) for r in rounds),
    )


def known_case(hq: HQStore, case_id: str) -> str | None:
    """The name of the case HQ published under ``case_id``, or None."""
    row = hq.conn.execute(
        "SELECT name FROM calibration_cases WHERE case_id = ?", (case_id,)
    ).fetchone()
    return row[0] if row else None


def published_cases(hq: HQStore) -> list[tuple[str, str, str]]:
    """(case id, name, published at) of every case HQ published, oldest first."""
    return hq.conn.execute(
        "SELECT case_id, name, created_at FROM calibration_cases ORDER BY created_at, case_id"
    ).fetchall()

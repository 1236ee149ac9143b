"""Builders shared by the sync tests: districts, signers, bundles and hand-made hostile files."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import uuid
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onpoint_desktop.sync import keys
from onpoint_desktop.sync.bundle import export_bundle
from onpoint_desktop.sync.format import MANIFEST, SIGNATURE, canonical_json
from onpoint_desktop.workspace import Response, Workspace

FULL_BOARD = {
    "pl_vision_alignment": 3,
    "pl_rollout_plan": 2,
    "multi_year_roadmap": 2,
    "initiative_alignment": 3,
    "pl_expectations_success_indicators": 2,
    "culture_of_innovation": 3,
    "pl_instructional_models": 2,
    "students_self_directed_learners": 2,
    "schedule_aligned_to_pl_design": 1,
    "teacher_role_in_pl_model": 3,
    "curriculum_inventory": 3,
    "online_offline_curriculum_alignment": 2,
    "digital_portfolio_and_usage": 2,
    "grading_assessment_data_culture": 3,
    "strategy_special_populations": 2,
    "roles_to_support_pl_teachers": 2,
    "pl_professional_learning_plan": 3,
    "pl_resource_bank": 2,
    "pl_coaching_evaluation_system": 2,
    "pl_communication_plan": 3,
    "devices_digital_tools": 4,
    "it_support_plan": 3,
    "infrastructure_upgrade_plan": 3,
    "budget_3_5_year": 2,
    "workforce_plan": 2,
    "data_analysis_monitoring": 2,
}


def trusted_hq(folder: Path, name: str = "hq") -> tuple[Path, Ed25519PrivateKey]:
    """An HQ store in ``folder`` whose public keys this installation trusts (as after
    ``hq-key import``); returns the store's path and HQ's signing key."""
    from onpoint_desktop.sync.hq_store import create_hq

    folder.mkdir(parents=True, exist_ok=True)
    hq, _ = create_hq(folder / f"{name}.onpoint-hq.db", folder / f"{name}-public-key.json")
    signing_key = hq.signing_key()
    hq.close()
    keys.import_hq_key(folder / f"{name}-public-key.json", replace=True)
    return folder / f"{name}.onpoint-hq.db", signing_key


def signed_pack(document: dict, out: Path, signing_key: Ed25519PrivateKey) -> Path:
    """A benchmark pack file as HQ writes it: ``document`` signed with HQ's key."""
    from onpoint_desktop.sync.signed import BENCHMARK_PACK, write_signed

    return write_signed(out, BENCHMARK_PACK, document, signing_key)


def signer(name: str, consultant_id: str | None = None) -> keys.Identity:
    """A consultant identity without touching the per-user keys folder."""
    return keys.Identity(consultant_id or str(uuid.uuid4()), name, Ed25519PrivateKey.generate())


def responses(ws: Workspace, role: str, count: int, seed: str, lean: float = 0.0) -> list[Response]:
    rng = random.Random(seed)
    inst = ws.current_model.instruments[role]
    out = []
    for n in range(count):
        answers = {
            item.id: min(5, max(1, round(rng.gauss(3.2 + lean, 1.0))))
            for item in inst.items
            if rng.random() > 0.05
        }
        out.append(Response(f"{seed}-{role}-{n}", answers, school=rng.choice(["North", "South"])))
    return out


def district(
    path: Path,
    name: str,
    rounds: list[tuple[str, str]],
    *,
    seed: int = 0,
    teachers: int = 12,
    leaders: int = 6,
    board_shift: int = 0,
) -> Path:
    """A district workspace with full boards and surveys in every round (complete rounds)."""
    with Workspace.create(path, name) as ws:
        for index, (round_id, stage) in enumerate(rounds):
            ws.add_round(round_id, stage)
            with ws.transaction():  # one commit for the board keeps the test suite's I/O low
                for area, level in FULL_BOARD.items():
                    ws.rate(round_id, area, max(1, min(4, level + (index + board_shift) % 2)))
            lean = 0.2 * index + 0.1 * (seed % 5)
            for role, count in (("teacher", teachers), ("leader", leaders)):
                ws.add_survey_responses(
                    round_id, role, responses(ws, role, count, f"{seed}-{round_id}", lean)
                )
    return path


def export(db: Path, out: Path, who: keys.Identity, hq_key=None) -> Path:
    export_bundle(db, out, signer=who, hq_key=hq_key, seal=hq_key is not None)
    return out


def members(bundle: Path) -> dict[str, bytes]:
    """The members of a plain (unsealed) bundle, in order."""
    with zipfile.ZipFile(bundle) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def rezip(members: dict[str, bytes], out: Path) -> Path:
    """Write members as a zip without any of the writer's checks (names kept verbatim)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            zf.writestr(zipfile.ZipInfo(name), blob, compress_type=zipfile.ZIP_DEFLATED)
    out.write_bytes(buffer.getvalue())
    return out


def resign(manifest: dict, who: keys.Identity) -> tuple[bytes, bytes]:
    """Manifest bytes (canonical form, or as a hostile writer would put NaN or Infinity)
    and a valid signature of them by ``who``."""
    try:
        blob = canonical_json(manifest)
    except ValueError:  # not finite: the app never writes it, a hostile one may
        text = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        blob = text.encode("utf-8")
    return blob, keys.b64(who.sign(blob)).encode()


def replace_manifest(bundle: Path, manifest_bytes: bytes, sig: bytes, out: Path) -> Path:
    m = members(bundle)
    m[MANIFEST], m[SIGNATURE] = manifest_bytes, sig
    return rezip(m, out)


def full_dump(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every row of every table (merge times included): 'unchanged' means unchanged."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}

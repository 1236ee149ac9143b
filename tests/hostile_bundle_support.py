"""What the damaged-bundle properties share: a small district's real bundles (plain and
sealed for HQ), a fresh HQ store per example, and the property itself: a bundle is
verified as its original or refused naming the file, with the store unchanged, and a
merge leaves each record in the store as sent (see ``tests/test_hostile_bundles.py``)."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3

from onpoint_desktop.errors import OnpointError
from onpoint_desktop.sync import HQStore, merge_bundles, open_bundle
from onpoint_desktop.sync.keys import hq_private_key_path
from onpoint_desktop.workspace import Workspace
from tests.hostile_support import (
    check_refusal,
    time_limit,
)
from tests.sync_support import (
    district,
    export,
    full_dump,
    members,
    responses,
    signer,
)

_counter = itertools.count()


def make_scene(tmp_path_factory) -> dict:
    """A small district's bundles (plain and sealed for HQ), and an empty HQ store (each
    test module's ``scene`` fixture)."""
    root = tmp_path_factory.mktemp("hostile-bundles")
    hq_path = root / "hq.onpoint-hq.db"
    hq, public = HQStore.create(hq_path)
    hq.close()
    ana = signer("Ana Ruiz")
    db = district(
        root / "d.onpoint.db",
        "Cedar Falls",
        [("2023-24", "planning"), ("2024-25", "year1")],
        teachers=6,
        leaders=5,
    )
    with Workspace.open(db) as ws:  # an action plan and a removed import: every entry has lines
        ws.add_action("2024-25", "Vision workshop", component_id="strategy_communication")
        ws.add_action("2024-25", "Device audit", area_id="devices_digital_tools", owner="Ben")
        ws.add_survey_responses("2024-25", "teacher", responses(ws, "teacher", 2, "removed"))
        ws.remove_survey_import(ws.survey_imports("2024-25")[-1]["id"])
        ws.add_walkthrough(  # and the visit's evidence (SPEC §12)
            "2024-25",
            school="Cedar Elementary",
            grade_band="3-5",
            subject="Math",
            levels={"student_ownership": 1, "data_driven": 2, "targeted": 2, "flexible_content": 3},
            note="Stations with a teacher-led group",
        )
        ws.rate_condition("2024-25", "technology_access", "partially", "Wi-Fi in two buildings")
        ws.rate("2024-25", "pl_vision_alignment", 3, perspective="district")
    plain = export(db, root / "plain.onpointbundle", ana)
    sealed = export(db, root / "sealed.onpointbundle", ana, hq_key=public)
    original = open_bundle(plain)
    return {
        "root": root,
        "hq": hq_path,
        "signer": ana,
        "plain": plain.read_bytes(),
        "sealed": sealed.read_bytes(),
        "content": original.content,
        "manifest": original.manifest,
    }


def fresh_hq(scene: dict, tmp_path) -> HQStore:
    """A private copy of the empty HQ store (with its key) for one property."""
    path = tmp_path / "hq.onpoint-hq.db"
    shutil.copy(scene["hq"], path)
    shutil.copy(hq_private_key_path(scene["hq"]), hq_private_key_path(path))
    return HQStore.open(path)


# --- the property ----------------------------------------------------------------------------


def check_bundle(hq, tmp_path, blob: bytes, *, original=None) -> str:
    """Verify and merge ``blob``; returns the merge status.

    ``original``: the content the file can only ever verify as (byte or archive damage
    cannot forge a signature), or None when the mutation was re-signed."""
    path = tmp_path / f"mutated-{next(_counter)}.onpointbundle"
    path.write_bytes(blob)
    before = full_dump(hq.conn)
    with time_limit():
        try:
            verified = open_bundle(path, hq_private_key=hq.private_key())
        except OnpointError as exc:
            verified = None
            check_refusal(str(exc), str(path))
        summary = merge_bundles(hq, [path], trust_new_signers=True)
    path.unlink()
    (outcome,) = summary.outcomes
    if outcome.status == "refused":
        check_refusal(outcome.message, str(path))
        assert full_dump(hq.conn) == before, f"a refused bundle changed the store: {outcome}"
        return outcome.status
    assert verified is not None, "merged a bundle that does not verify"
    if original is not None:
        assert verified.content == original
    if outcome.status == "already-merged":
        assert full_dump(hq.conn) == before
    else:
        _check_merged(hq.conn, verified)
    return outcome.status


def _check_merged(conn: sqlite3.Connection, bundle) -> None:
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    district = bundle.district_uuid
    assert conn.execute(
        "SELECT count(*) FROM merged_bundles WHERE bundle_id = ?", (bundle.bundle_id,)
    ).fetchone() == (1,)
    events = {
        r[0]: r[1:]
        for table, perspective in (
            ("rating_events", "expert"),
            ("district_rating_events", "district"),
        )
        for r in conn.execute(
            "SELECT uuid, round_id, area_id, level, note, author, created_at, ? "
            f"FROM {table} WHERE district_uuid = ?",  # the district's own ratings: apart
            (perspective, district),
        )
    }
    for e in bundle.content.rating_events:
        fields = (e["round"], e["area"], e["level"], e["note"], e["author"], e["created_at"])
        assert events[e["uuid"]] == (*fields, e["perspective"])
    responses = {
        tuple(r[:3]): (r[3], json.loads(r[4]))
        for r in conn.execute(
            "SELECT round_id, role, response_key, school, answers FROM survey_responses "
            "WHERE district_uuid = ?",
            (district,),
        )
    }
    for s in bundle.content.survey_responses:
        assert responses[s["round"], s["role"], s["key"]] == (s["school"], s["answers"])


def members_of(blob: bytes) -> dict[str, bytes]:
    path = _scratch(blob)
    try:
        return members(path)
    finally:
        path.unlink()


def _scratch(blob: bytes):
    import tempfile
    from pathlib import Path

    with tempfile.NamedTemporaryFile(suffix=".onpointbundle", delete=False) as fh:
        fh.write(blob)
    return Path(fh.name)


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    import io
    import warnings
    import zipfile

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()

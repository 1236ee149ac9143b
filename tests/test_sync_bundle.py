"""Bundle export and verify: keys, contents, signature, encryption, snapshots."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import sys

import pytest

from onpoint_desktop import paths
from onpoint_desktop.errors import Cancelled
from onpoint_desktop.sync import HQStore, export_bundle, keys, open_bundle
from onpoint_desktop.sync.format import BundleRefused
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.latest import PERSPECTIVES
from tests.sync_support import members, signer


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, path)
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_signing_key_is_created_once_with_owner_only_permissions():
    first = keys.identity("Ana Ruiz")
    again = keys.identity("someone else")
    folder = paths.data_dir() / "keys"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in (keys.SIGNING_KEY_FILE, keys.IDENTITY_FILE):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert again.consultant_id == first.consultant_id and again.name == "Ana Ruiz"
    assert again.public_key == first.public_key


def test_export_holds_the_workspace_and_verifies(demo_copy, tmp_path):
    out = tmp_path / "demo.onpointbundle"
    result = export_bundle(demo_copy, out)
    bundle = open_bundle(out)
    with Workspace.open(demo_copy) as ws:
        assert bundle.district_uuid == ws.district.uuid
        assert bundle.district_name == ws.district.name
        assert bundle.content.workspace_uuid == ws.workspace_uuid
        assert [r["id"] for r in bundle.content.rounds] == [r.id for r in ws.rounds()]
        n_events = sum(
            len(ws.history(r.id, perspective=p)) for r in ws.rounds() for p in PERSPECTIVES
        )
        n_responses = sum(sum(ws.respondent_counts(r.id).values()) for r in ws.rounds())
        n_walkthroughs = sum(len(ws.walkthroughs(r.id)) for r in ws.rounds())
        n_conditions = ws.conn.execute("SELECT count(*) FROM condition_events").fetchone()[0]
    assert result.counts == {
        "rounds": 3,
        "rating_events": n_events,
        "survey_responses": n_responses,
        "action_events": 0,
        "survey_removals": 0,
        "walkthroughs": n_walkthroughs,
        "condition_events": n_conditions,
    }
    assert bundle.content.counts() == result.counts
    assert bundle.consultant_id == keys.identity().consultant_id
    assert bundle.manifest["model"] == "onpoint-1"
    assert bundle.manifest["app_version"]
    names = [e["name"] for e in bundle.manifest["entries"]]
    assert names == [
        "district.json",
        "rounds.json",
        "rating_events.jsonl",
        "survey_responses.jsonl",
        "action_events.jsonl",
        "survey_removals.jsonl",
        "walkthroughs.jsonl",
        "condition_events.jsonl",
    ]
    assert all(len(e["sha256"]) == 64 for e in bundle.manifest["entries"])
    assert all(e["size"] > 0 for e in bundle.manifest["entries"][:4])  # the demo has no plan
    assert result.sealed_for is None  # no HQ key configured


def test_bundle_has_no_identifying_columns_or_comments(ws, tmp_path):
    from onpoint_desktop.workspace import Response

    ws.add_survey_responses(
        "r1", "teacher", [Response("R_1", {"T01": 4}, school="North", comment="I am Jane Doe")]
    )
    out = export_bundle(ws.path, tmp_path / "b.onpointbundle").path
    line = json.loads(members(out)["survey_responses.jsonl"])
    assert line.pop("key").startswith("hmac-sha256:")  # not the survey tool's id R_1
    assert line == {"round": "r1", "role": "teacher", "school": "North", "answers": {"T01": 4}}
    assert b"R_1" not in b"".join(members(out).values())


def test_export_reads_a_consistent_snapshot_not_uncommitted_work(ws, tmp_path):
    ws.rate("r1", "workforce_plan", 2)  # committed, but only in the WAL so far
    assert (ws.path.parent / (ws.path.name + "-wal")).stat().st_size > 0
    writer = sqlite3.connect(ws.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO rating_events (uuid, round_id, area_id, level, note, author, created_at, "
        "seq) VALUES ('00000000-0000-4000-8000-000000000000', 'r1', 'budget_3_5_year', 4, "
        "NULL, 'x', '2030-01-01T00:00:00.000000Z', 99)"
    )
    try:
        bundle = open_bundle(export_bundle(ws.path, tmp_path / "b.onpointbundle").path)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [e["area"] for e in bundle.content.rating_events] == ["workforce_plan"]


def test_export_encrypts_for_the_configured_hq_key(demo_copy, tmp_path):
    hq, public = HQStore.create(tmp_path / "hq.db")
    key_file = tmp_path / "hq-public.json"
    key_file.write_text(json.dumps(public.to_json()))
    imported, previous = keys.import_hq_key(key_file)
    assert previous is None and imported.fingerprint == public.fingerprint

    out = tmp_path / "sealed.onpointbundle"
    result = export_bundle(demo_copy, out)
    assert result.sealed_for == public.fingerprint
    blob = out.read_bytes()
    assert not blob.startswith(b"PK") and b"Riverbend" not in blob  # nothing readable
    with pytest.raises(BundleRefused) as err:
        open_bundle(out)  # a consultant cannot open it
    assert err.value.reason == "hq-key-missing"
    bundle = open_bundle(out, hq_private_key=hq.private_key())
    assert bundle.sealed_for == public.fingerprint
    assert bundle.district_name.startswith("Riverbend")
    hq.close()


def test_hq_key_import_refuses_a_file_that_is_not_a_key(tmp_path):
    from onpoint_desktop.errors import InputError

    bad = tmp_path / "key.json"
    bad.write_text('{"format": "something-else"}')
    with pytest.raises(InputError, match="not an HQ public key file"):
        keys.import_hq_key(bad)
    assert keys.configured_hq_key() is None


def test_another_hq_key_is_refused_with_a_clear_message(demo_copy, tmp_path):
    ours, _ = HQStore.create(tmp_path / "ours.db")
    theirs, their_key = HQStore.create(tmp_path / "theirs.db")
    out = tmp_path / "b.onpointbundle"
    export_bundle(demo_copy, out, hq_key=their_key)
    with pytest.raises(BundleRefused, match="encrypted for another HQ key") as err:
        open_bundle(out, hq_private_key=ours.private_key())
    assert err.value.reason == "not-for-this-hq"
    ours.close()
    theirs.close()


def test_cancelled_export_writes_nothing(demo_copy, tmp_path):
    out = tmp_path / "b.onpointbundle"
    calls = []
    with pytest.raises(Cancelled):
        export_bundle(
            demo_copy, out, progress=lambda d, t: calls.append((d, t)), cancel=lambda: bool(calls)
        )
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_progress_reaches_the_end(demo_copy, tmp_path):
    calls = []
    export_bundle(demo_copy, tmp_path / "b.onpointbundle", progress=lambda d, t: calls.append(d))
    assert calls[0] == 0 and calls[-1] == 4 and calls == sorted(calls)


def test_a_given_signer_is_used_and_recorded(demo_copy, tmp_path):
    ana = signer("Ana Ruiz")
    bundle = open_bundle(export_bundle(demo_copy, tmp_path / "b.onpointbundle", signer=ana).path)
    assert bundle.consultant_id == ana.consultant_id
    assert bundle.consultant_name == "Ana Ruiz"
    assert bundle.public_key == ana.public_key
    assert not (paths.data_dir() / "keys").exists() or os.listdir(paths.data_dir() / "keys") == []

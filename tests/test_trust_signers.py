"""Signers at HQ by fingerprint (issue 11, SPEC §9): held aside until trusted, signers,
trust and revoke, same-name flags, districts no stranger can squat, and event identity
that includes the workspace (and its signer)."""

from __future__ import annotations

import json

import pytest

from onpoint_desktop.errors import InputError
from onpoint_desktop.sync import (
    HQStore,
    canonical_dump,
    merge_bundles,
    revoke_signer,
    signers,
    trust_signer,
)
from onpoint_desktop.sync.bundle import write_bundle
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.exchange import bundle_records
from tests.cli_support import run
from tests.sync_support import district, export, full_dump, signer


@pytest.fixture(scope="module")
def cedar(tmp_path_factory):
    """Ana's district, and two of her bundles of it."""
    root = tmp_path_factory.mktemp("cedar")
    ana = signer("Ana Ruiz")
    db = district(root / "cedar.onpoint.db", "Cedar Falls", [("2024-25", "planning")], seed=3)
    first = export(db, root / "first.onpointbundle", ana)
    with Workspace.open(db) as ws:
        ws.rate("2024-25", "workforce_plan", 4, "new evidence")
    second = export(db, root / "second.onpointbundle", ana)
    return {"root": root, "ana": ana, "db": db, "first": first, "second": second}


def test_a_new_key_is_held_aside_unread_and_merged_once_trusted(cedar, tmp_path, capsys):
    hq_db = tmp_path / "hq.db"
    HQStore.create(hq_db)[0].close()
    code, out, _ = run(capsys, "hq", "merge", hq_db, cedar["first"], cedar["second"])
    assert code == 0 and out.count("HELD") == 2
    with HQStore.open(hq_db) as hq:
        counts = hq.counts()
        assert counts["merged_bundles"] == counts["rating_events"] == counts["districts"] == 0
        assert counts["pending_bundles"] == 2 and counts["pending_signers"] == 1
        held = sorted(hq.pending_folder.iterdir())
        assert len(held) == 2
        assert all(p.stat().st_mode & 0o077 == 0 for p in held)  # owner-only copies
    code, out, _ = run(capsys, "hq", "signers", hq_db, "--json")
    (doc,) = json.loads(out)
    assert set(doc) >= {"fingerprint", "name", "consultant_id", "status", "districts", "bundles"}
    assert doc["status"] == "pending" and doc["fingerprint"] == cedar["ana"].fingerprint
    assert doc["districts"][0]["name"] == "Cedar Falls" and doc["pending_bundles"] == 2

    code, out, _ = run(capsys, "hq", "trust", hq_db, cedar["ana"].fingerprint)
    assert code == 0 and "Merged 2 of the 2 bundles held aside" in out
    with HQStore.open(hq_db) as hq:
        assert hq.counts()["merged_bundles"] == 2 and hq.counts()["pending_bundles"] == 0
        assert list(hq.pending_folder.iterdir()) == []
        level = hq.conn.execute(
            "SELECT level FROM current_levels WHERE area_id = 'workforce_plan'"
        ).fetchone()
    assert level == (4,)


def test_a_revoked_key_is_refused_from_then_on_and_keeps_what_it_sent(cedar, tmp_path, capsys):
    hq_db = tmp_path / "hq.db"
    HQStore.create(hq_db)[0].close()
    with HQStore.open(hq_db) as hq:
        merge_bundles(hq, [cedar["first"]], trust_new_signers=True)
        result = revoke_signer(hq, cedar["ana"].fingerprint[:8])
        assert result.signer.status == "trusted"
        before = full_dump(hq.conn)
        (outcome,) = merge_bundles(hq, [cedar["second"]], trust_new_signers=True).outcomes
        assert outcome.status == "refused" and outcome.reason == "revoked-signer"
        assert full_dump(hq.conn) == before
        assert hq.counts()["merged_bundles"] == 1  # what it sent before stays
    _, out, _ = run(capsys, "hq", "signers", hq_db)
    assert "revoked" in out and cedar["ana"].fingerprint in out


def test_a_stranger_taking_a_colleagues_name_is_flagged_and_never_trusted_silently(
    cedar, tmp_path, capsys
):
    """The finding: ``--trust-new-signers`` trusted every unknown signer of a run, so a
    stranger who took a colleague's display name sat beside the real one unnoticed."""
    hq_db = tmp_path / "hq.db"
    HQStore.create(hq_db)[0].close()
    with HQStore.open(hq_db) as hq:
        merge_bundles(hq, [cedar["first"]], trust_new_signers=True)
    stranger = signer("Ana Ruiz")
    other = district(tmp_path / "other.onpoint.db", "Birch SD", [("2024-25", "planning")])
    fake = export(other, tmp_path / "fake.onpointbundle", stranger)
    _, out, _ = run(capsys, "hq", "merge", hq_db, fake)  # the GUI's and default way
    assert (
        "HELD" in out
        and f"same name as trusted signer Ana Ruiz ({cedar['ana'].fingerprint})" in out
    )
    _, out, _ = run(capsys, "hq", "merge", hq_db, fake, "--trust-new-signers")  # scripts
    assert f"TRUSTED  new signer Ana Ruiz, key {stranger.fingerprint}" in out
    _, out, _ = run(capsys, "hq", "signers", hq_db, "--json")
    listed = {s["fingerprint"]: s for s in json.loads(out)}
    assert listed[stranger.fingerprint]["same_name_as"] == [cedar["ana"].fingerprint]
    assert listed[cedar["ana"].fingerprint]["same_name_as"] == [stranger.fingerprint]
    _, out, _ = run(capsys, "hq", "signers", hq_db)
    assert out.count("! same name as trusted key") == 2


def test_a_district_name_sent_first_by_a_stranger_never_blocks_a_colleagues(cedar, tmp_path):
    """The finding: the first to send a district name owned it, and a later bundle naming
    the same district under its own UUID was refused."""
    squatter = district(tmp_path / "squat.onpoint.db", "cedar  FALLS", [("2024-25", "year1")])
    early = export(squatter, tmp_path / "squat.onpointbundle", signer("Mallory"))
    hq, _ = HQStore.create(tmp_path / "hq.db")
    first = merge_bundles(hq, [early])  # a stranger: held aside, claims nothing
    assert first.outcomes[0].status == "pending"
    again = merge_bundles(hq, [early, cedar["first"]], trust_new_signers=True)
    assert [o.status for o in again.outcomes] == ["merged", "merged"]  # even once trusted
    rows = hq.conn.execute("SELECT name FROM districts ORDER BY name").fetchall()
    assert rows == [("Cedar Falls",), ("cedar  FALLS",)]
    hq.close()


def test_districts_sharing_a_name_are_flagged_in_hq_list(cedar, tmp_path, capsys):
    twin = district(tmp_path / "twin.onpoint.db", "Cedar Falls", [("2024-25", "year1")], seed=9)
    hq_db = tmp_path / "hq.db"
    HQStore.create(hq_db)[0].close()
    files = [cedar["first"], export(twin, tmp_path / "twin.onpointbundle", cedar["ana"])]
    assert run(capsys, "hq", "merge", hq_db, *files, "--trust-new-signers")[0] == 0
    _, out, _ = run(capsys, "hq", "list", hq_db, "--json")
    a, b = json.loads(out)["districts"]
    assert a["same_name_as"] == [b["uuid"]] and b["same_name_as"] == [a["uuid"]]
    _, out, _ = run(capsys, "hq", "list", hq_db)
    assert out.count("! another district has this name") == 2


def _content(db):
    with Workspace.open(db) as ws:
        return bundle_records(ws.conn)[0]


def test_pre_sending_a_colleagues_event_ids_blocks_nothing(cedar, tmp_path):
    """The finding: a bundle carrying a colleague's event id with other content, merged
    first, blocked her district for good ("rating event … differs")."""
    mallory = signer("Mallory")
    stolen = _content(cedar["db"])
    for event in stolen.rating_events:
        event["level"], event["note"] = 1, "overwritten"
    forged = write_bundle(stolen, tmp_path / "forged.onpointbundle", mallory, None).path
    hq, _ = HQStore.create(tmp_path / "hq.db")
    first = merge_bundles(hq, [forged], trust_new_signers=True)  # even from a trusted key
    assert first.outcomes[0].status == "merged"
    real = merge_bundles(hq, [cedar["second"]], trust_new_signers=True)
    assert [o.status for o in real.outcomes] == ["merged"]
    assert real.outcomes[0].added["rating_events"] == len(stolen.rating_events)
    hq.close()


def test_a_signer_contradicting_its_own_events_is_refused(cedar, tmp_path):
    """Events never change: the same signer and workspace sending an event id with other
    content is still refused, and only that bundle."""
    changed = _content(cedar["db"])
    changed.rating_events[0]["level"] = 1 if changed.rating_events[0]["level"] != 1 else 2
    odd = write_bundle(changed, tmp_path / "odd.onpointbundle", cedar["ana"], None).path
    hq, _ = HQStore.create(tmp_path / "hq.db")
    summary = merge_bundles(hq, [cedar["first"], odd, cedar["second"]], trust_new_signers=True)
    assert [o.status for o in summary.outcomes] == ["merged", "refused", "merged"]
    assert summary.outcomes[1].reason == "inconsistent"
    hq.close()


def test_order_independence_holds_with_held_and_trusted_keys(cedar, tmp_path):
    files = [cedar["first"], cedar["second"]]
    dumps = []
    for n, order in enumerate([files, files[::-1]]):
        hq, _ = HQStore.create(tmp_path / f"hq{n}.db")
        merge_bundles(hq, order)
        trust_signer(hq, cedar["ana"].fingerprint)
        dumps.append(canonical_dump(hq.conn))
        hq.close()
    assert dumps[0] == dumps[1]


def test_a_signer_is_named_by_its_fingerprint_only(cedar, tmp_path):
    hq, _ = HQStore.create(tmp_path / "hq.db")
    merge_bundles(hq, [cedar["first"]])
    with pytest.raises(InputError, match="at least 8 characters"):
        trust_signer(hq, cedar["ana"].fingerprint[:4])
    with pytest.raises(InputError, match="No signer with fingerprint"):
        trust_signer(hq, "Ana Ruiz")
    assert [s.status for s in signers(hq)] == ["pending"]
    hq.close()

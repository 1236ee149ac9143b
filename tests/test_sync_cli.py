"""The sync and HQ commands, end to end, as a consultant and an HQ analyst use them."""

from __future__ import annotations

import json
import stat
import sys

from onpoint_desktop import framework
from onpoint_desktop.sync import keys
from onpoint_desktop.workspace import Workspace
from tests.cli_support import run


def test_consultant_to_hq_and_back(capsys, demo_copy, tmp_path):
    hq, pub = tmp_path / "hq.db", tmp_path / "hq-public.json"
    code, out, _ = run(capsys, "hq", "init", hq, "--public-key", pub)
    assert code == 0 and "private key" in out
    fingerprint = json.loads(pub.read_text())["fingerprint"]
    if sys.platform != "win32":
        mode = stat.S_IMODE(keys.hq_private_key_path(hq).stat().st_mode)
        assert mode == 0o600

    code, out, _ = run(capsys, "hq-key", "import", pub)
    assert code == 0 and fingerprint in out

    bundle = tmp_path / "demo.onpointbundle"
    code, out, _ = run(capsys, "bundle", "export", demo_copy, "-o", bundle)
    assert code == 0 and f"Encrypted for HQ (key {fingerprint})" in out

    code, out, _ = run(capsys, "bundle", "verify", bundle)
    assert code == 0 and "can be verified only by HQ" in out
    code, out, _ = run(capsys, "bundle", "verify", bundle, "--hq", hq)
    assert code == 0 and "valid bundle" in out and "new to this HQ store" in out
    signer = keys.identity().fingerprint

    code, out, err = run(capsys, "hq", "merge", hq, bundle)
    assert code == 0 and "HELD" in out and signer in out and err == ""
    assert f"onpoint hq trust {hq} FINGERPRINT" in out
    code, out, _ = run(capsys, "hq", "signers", hq, "--json")
    (pending,) = json.loads(out)
    assert pending["status"] == "pending" and pending["fingerprint"] == signer
    assert pending["bundles"] == 0 and pending["pending_bundles"] == 1
    code, out, _ = run(capsys, "hq", "trust", hq, signer[:12])
    assert code == 0 and "Merged 1 of the 1 bundle held aside" in out and "+200 responses" in out
    code, out, _ = run(capsys, "hq", "merge", hq, bundle)
    assert code == 0 and "already merged" in out

    code, out, _ = run(capsys, "hq", "list", hq)
    assert code == 0
    with Workspace.open(demo_copy) as ws:
        fw = framework.framework()
        for rnd in ws.rounds():
            total = ws.score(rnd.id).total
            assert f"{rnd.id:<10}" in out and f"{total:.1f}" in out
            levels = ws.levels(rnd.id)  # one digit per area, categories apart, '.' unrated
            digits = " ".join(
                "".join(str(levels.get(a.id, ".")) for a in c.areas) for c in fw.categories
            )
            (line,) = [x for x in out.splitlines() if x.startswith(f"  {rnd.id:<10}")]
            assert f" {digits} " in line
    code, out, _ = run(capsys, "hq", "list", hq, "--json")
    doc = json.loads(out)
    assert doc["format"] == "onpoint-hq-list/1"
    (district,) = doc["districts"]
    assert district["name"].startswith("Riverbend")
    assert district["rounds"][-1]["respondents"] == {"teacher": 64, "leader": 12}

    code, _, err = run(capsys, "hq", "benchmark", hq, "-o", tmp_path / "pack.json")
    assert code == 1 and "needs at least 5 districts with a complete round" in err
    assert "Year 2: 1 district;" in err  # plain words, not "year2 1"
    assert not (tmp_path / "pack.json").exists()


def test_hq_init_refuses_to_overwrite_and_creates_nothing(capsys, tmp_path):
    pub = tmp_path / "pub.json"
    pub.write_text("keep me")
    code, _, err = run(capsys, "hq", "init", tmp_path / "hq.db", "--public-key", pub)
    assert code == 1 and "already exists" in err
    assert pub.read_text() == "keep me"
    assert not (tmp_path / "hq.db").exists()
    assert not keys.hq_private_key_path(tmp_path / "hq.db").exists()


def test_verify_a_tampered_bundle_fails_with_the_reason(capsys, demo_copy, tmp_path):
    bundle = tmp_path / "b.onpointbundle"
    assert run(capsys, "bundle", "export", demo_copy, "-o", bundle)[0] == 0
    blob = bundle.read_bytes()
    bundle.write_bytes(blob[: len(blob) - 30])
    code, out, err = run(capsys, "bundle", "verify", bundle)
    assert code == 1 and out == ""
    assert "truncated" in err and str(bundle) in err


def test_plain_export_says_it_is_not_encrypted_and_verifies_as_own_key(capsys, demo_copy, tmp_path):
    bundle = tmp_path / "b.onpointbundle"
    code, out, _ = run(capsys, "bundle", "export", demo_copy, "-o", bundle)
    assert code == 0 and "Not encrypted" in out
    code, out, _ = run(capsys, "bundle", "verify", bundle)
    assert code == 0 and "this installation's own key" in out


def test_hq_commands_refuse_a_workspace_as_hq_store(capsys, demo_copy):
    code, _, err = run(capsys, "hq", "list", demo_copy)
    assert code == 1 and "not an Onpoint HQ store" in err


def test_verify_with_hq_flags_a_new_key_using_a_trusted_name_and_id(capsys, demo_copy, tmp_path):
    """Signers are trusted by fingerprint, never by name: a key claiming a trusted
    consultant's name and id is not trusted, and verify says whose it imitates."""
    from onpoint_desktop.sync import HQStore, merge_bundles
    from tests.sync_support import export, signer

    ana = signer("Ana Ruiz")
    hq, _ = HQStore.create(tmp_path / "hq.db")
    first = export(demo_copy, tmp_path / "a.onpointbundle", ana)
    merge_bundles(hq, [first], trust_new_signers=True)
    hq.close()
    impostor = signer("Ana Ruiz", consultant_id=ana.consultant_id)
    bad = export(demo_copy, tmp_path / "b.onpointbundle", impostor)
    code, out, err = run(capsys, "bundle", "verify", bad, "--hq", tmp_path / "hq.db")
    assert code == 0 and err == ""
    assert f"key {impostor.fingerprint}: new to this HQ store" in out
    assert f"same name as trusted signer Ana Ruiz ({ana.fingerprint})" in out
    assert f"same consultant id as trusted signer Ana Ruiz ({ana.fingerprint})" in out

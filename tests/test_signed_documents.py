"""HQ signs what it publishes; a consultant uses only what the HQ key they trust signed.

Issue 11 found benchmark packs unsigned: a hand-made pack saying ``"illustrative": false``
became the "Onpoint national benchmark" of every score and report. Now HQ's store has an
Ed25519 signing key (made with the store, or on first opening a store of release 1), HQ's
public key file carries it beside the encryption key, and every pack is a signed document
checked against it. The same mechanism carries model packs and calibration cases.
"""

from __future__ import annotations

import copy
import json
import shutil
import stat
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.sync import keys
from onpoint_desktop.sync.hq_store import HQStore, create_hq
from onpoint_desktop.sync.signed import (
    BENCHMARK_PACK,
    MODEL_PACK,
    SignedDocumentRefused,
    read_signed,
    sign_document,
    write_signed,
)
from onpoint_desktop.workspace import Workspace
from tests.cli_support import run
from tests.sync_support import signed_pack, trusted_hq
from tests.test_old_files import FIXTURES, HQ_V1


def _pack_document(name="HQ pack 2026", **change):
    doc = shipped_model("onpoint-1").benchmark.to_dict()
    doc.update(name=name, date="2026-06-30", source="Onpoint HQ", illustrative=False)
    doc.update(change)
    return doc


def _owner_only(path):
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_new_hq_store_has_a_signing_key_and_its_key_file_carries_both(tmp_path, capsys):
    hq_db, key_file = tmp_path / "hq.onpoint-hq.db", tmp_path / "hq-public-key.json"
    code, out, _ = run(capsys, "hq", "init", hq_db, "--public-key", key_file)
    assert code == 0
    signing = keys.hq_signing_key_path(hq_db)
    assert signing.exists() and str(signing) in out
    if sys.platform != "win32":
        assert _owner_only(signing) and _owner_only(keys.hq_private_key_path(hq_db))
    doc = json.loads(key_file.read_text())
    assert doc["format"] == "onpoint-hq-key/2"
    with HQStore.open(hq_db) as hq:
        public = hq.public_key
        assert keys.raw_public(hq.signing_key().public_key()) == public.signing_key
    assert doc["signing_fingerprint"] == public.signing_fingerprint
    assert doc["fingerprint"] == public.fingerprint
    assert f"signing key {public.signing_fingerprint}" in out


def test_a_release_1_hq_store_gets_a_signing_key_when_first_opened(tmp_path, capsys):
    for name in (HQ_V1, HQ_V1 + ".private-key.pem"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    hq_db = tmp_path / HQ_V1
    assert not keys.hq_signing_key_path(hq_db).exists()
    with HQStore.open(hq_db) as hq:
        signing_key = hq.signing_key()
        public = hq.public_key
    assert keys.hq_signing_key_path(hq_db).exists()
    if sys.platform != "win32":
        assert _owner_only(keys.hq_signing_key_path(hq_db))
    with HQStore.open(hq_db) as hq:  # the key is made once, then kept
        assert hq.public_key == public
    # HQ sends consultants its public keys again, now with the signing key
    key_file = tmp_path / "hq-public-key.json"
    code, out, _ = run(capsys, "hq", "public-key", hq_db, "-o", key_file)
    assert code == 0 and public.signing_fingerprint in out
    assert keys.parse_hq_key(key_file.read_text(), "k") == public
    pack = signed_pack(_pack_document(), tmp_path / "pack.json", signing_key)
    assert read_signed(pack, BENCHMARK_PACK, public).document["name"] == "HQ pack 2026"


def test_a_forged_unsigned_pack_is_refused_and_changes_nothing(demo_copy, tmp_path, capsys):
    """The finding: ``"illustrative": false`` in a hand-made file made it the national
    benchmark. An unsigned file is now refused, whatever it says."""
    trusted_hq(tmp_path / "hq")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(_pack_document("Onpoint national benchmark")))
    code, out, err = run(capsys, "benchmark", "import", demo_copy, forged)
    assert code == 1 and out == ""
    assert str(forged) in err and "not a benchmark pack signed by HQ" in err
    with Workspace.open(demo_copy) as ws:
        assert ws.score().benchmark.illustrative


def _refusal(path, trusted=None):
    with pytest.raises(SignedDocumentRefused) as refused:
        read_signed(path, BENCHMARK_PACK, trusted)
    assert str(path) in str(refused.value)
    return refused.value


def test_only_the_trusted_hq_key_signs_packs(tmp_path):
    _, hq_key = trusted_hq(tmp_path / "hq")
    good = signed_pack(_pack_document(), tmp_path / "good.json", hq_key)
    assert read_signed(good, BENCHMARK_PACK).document["name"] == "HQ pack 2026"

    other = signed_pack(_pack_document(), tmp_path / "other.json", Ed25519PrivateKey.generate())
    assert _refusal(other).reason == "unknown-signer"

    altered = json.loads(good.read_text())
    altered["document"]["stages"]["planning"]["total"]["p50"] = 999
    (tmp_path / "altered.json").write_text(json.dumps(altered))
    assert _refusal(tmp_path / "altered.json").reason == "bad-signature"

    kind_swapped = dict(json.loads(good.read_text()), kind=MODEL_PACK)
    (tmp_path / "swapped.json").write_text(json.dumps(kind_swapped))
    assert _refusal(tmp_path / "swapped.json").reason == "wrong-kind"

    model_pack = write_signed(tmp_path / "model.json", MODEL_PACK, {"id": "onpoint-2"}, hq_key)
    assert _refusal(model_pack).reason == "wrong-kind"


def test_a_signed_file_reindented_by_an_editor_still_verifies(tmp_path):
    _, hq_key = trusted_hq(tmp_path / "hq")
    good = signed_pack(_pack_document(), tmp_path / "good.json", hq_key)
    good.write_text(json.dumps(json.loads(good.read_text()), indent=7, sort_keys=True))
    assert read_signed(good, BENCHMARK_PACK).document == _pack_document()


def test_without_a_trusted_signing_key_nothing_signed_is_used(tmp_path, monkeypatch):
    hq_db, hq_key = trusted_hq(tmp_path / "hq")
    pack = signed_pack(_pack_document(), tmp_path / "pack.json", hq_key)
    assert "Import HQ's public key" in str(_refusal(pack, keys.HQPublicKey(b"\0" * 32)))
    with HQStore.open(hq_db) as hq:  # a key file of release 1: encryption key only
        old_style = keys.HQPublicKey(hq.public_key.raw)
    assert _refusal(pack, old_style).reason == "no-hq-key"
    monkeypatch.setenv("ONPOINT_HOME", str(tmp_path / "a-new-computer"))
    assert _refusal(pack).reason == "no-hq-key"


@pytest.mark.parametrize(
    "content",
    [b"[" * 4000, b'{"a":' * 900 + b"1" + b"}" * 900, b'{"format": NaN}', b"\xff\xfe", b""],
    ids=["nested-4000", "nested-900", "nan", "not-utf8", "empty"],
)
def test_hostile_signed_files_are_refused_cleanly(tmp_path, content):
    trusted_hq(tmp_path / "hq")
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    assert _refusal(path).reason == "malformed"


def test_hq_cannot_sign_numbers_json_cannot_carry(tmp_path):
    doc = _pack_document()
    doc["stages"]["planning"]["total"]["p25"] = float("inf")
    with pytest.raises(ValueError):
        sign_document(BENCHMARK_PACK, doc, Ed25519PrivateKey.generate())


# --- replacing the trusted HQ key ------------------------------------------------------------


def test_replacing_the_trusted_hq_key_needs_replace_and_shows_both(tmp_path, capsys):
    _, first = create_hq(tmp_path / "a.onpoint-hq.db", tmp_path / "a.json")
    _, second = create_hq(tmp_path / "b.onpoint-hq.db", tmp_path / "b.json")
    assert run(capsys, "hq-key", "import", tmp_path / "a.json")[0] == 0
    code, out, err = run(capsys, "hq-key", "import", tmp_path / "b.json")
    assert code == 1 and out == ""
    for fingerprint in (first.fingerprint, first.signing_fingerprint):
        assert fingerprint in err
    for fingerprint in (second.fingerprint, second.signing_fingerprint):
        assert fingerprint in err
    assert "--replace" in err
    assert keys.configured_hq_key() == keys.parse_hq_key((tmp_path / "a.json").read_text(), "a")

    code, out, _ = run(capsys, "hq-key", "import", tmp_path / "b.json", "--replace")
    assert code == 0
    assert second.signing_fingerprint in out and first.signing_fingerprint in out
    assert keys.configured_hq_key().signing_key == second.signing_key
    # the same file again is no change
    assert run(capsys, "hq-key", "import", tmp_path / "b.json")[0] == 0


def test_an_upgraded_hq_adds_its_signing_key_without_replace(tmp_path, capsys):
    _, public = create_hq(tmp_path / "hq.onpoint-hq.db", tmp_path / "hq.json")
    release_1 = copy.deepcopy(json.loads((tmp_path / "hq.json").read_text()))
    release_1["format"] = "onpoint-hq-key/1"
    for field in ("signing_algorithm", "signing_key", "signing_fingerprint"):
        del release_1[field]
    (tmp_path / "old.json").write_text(json.dumps(release_1))
    code, out, _ = run(capsys, "hq-key", "import", tmp_path / "old.json")
    assert code == 0 and "no signing key" in out
    code, out, _ = run(capsys, "hq-key", "import", tmp_path / "hq.json")
    assert code == 0 and public.signing_fingerprint in out
    assert keys.configured_hq_key() == public

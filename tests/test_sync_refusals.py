"""Every bundle HQ must refuse is refused with a clear reason, and the store is unchanged."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import struct
import warnings
import zipfile

import pytest

from onpoint_desktop.sync import BundleRefused, HQStore, merge_bundles, open_bundle
from onpoint_desktop.sync.format import MANIFEST, SIGNATURE, SURVEY_RESPONSES, canonical_json
from onpoint_desktop.sync.keys import hq_private_key_path
from onpoint_desktop.workspace import Workspace
from tests.sync_support import (
    district,
    export,
    full_dump,
    members,
    replace_manifest,
    resign,
    rezip,
    signer,
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """An HQ store holding one district from Ana, and a newer bundle of it to tamper with."""
    root = tmp_path_factory.mktemp("refusals")
    ana = signer("Ana Ruiz")
    db = district(root / "a.onpoint.db", "Cedar Falls", [("2024-25", "planning")], seed=1)
    first = export(db, root / "first.onpointbundle", ana)
    with Workspace.open(db) as ws:
        ws.rate("2024-25", "workforce_plan", 4, "new evidence")
    base = export(db, root / "base.onpointbundle", ana)
    hq_path = root / "hq.db"
    hq, public = HQStore.create(hq_path)
    summary = merge_bundles(hq, [first], trust_new_signers=True)
    assert summary.count("merged") == 1
    hq.close()
    return {"root": root, "ana": ana, "db": db, "base": base, "hq": hq_path, "public": public}


def _manifest(bundle):
    return json.loads(members(bundle)[MANIFEST])


def truncated(s, out):
    blob = s["base"].read_bytes()
    out.write_bytes(blob[: len(blob) // 2])
    return out


def not_a_bundle(s, out):
    out.write_bytes(b"Name,Email\nJane,jane@example.org\n")
    return out


def tampered_entry(s, out):
    m = members(s["base"])
    events = m["rating_events.jsonl"]
    assert b'"level":4' in events
    m["rating_events.jsonl"] = events.replace(b'"level":4', b'"level":1', 1)  # same size
    return rezip(m, out)


def tampered_manifest(s, out):
    m = members(s["base"])
    manifest = json.loads(m[MANIFEST])
    manifest["consultant"]["name"] = "Someone Else"
    return replace_manifest(s["base"], canonical_json(manifest), m[SIGNATURE], out)


def unsigned(s, out):
    m = members(s["base"])
    del m[SIGNATURE]
    return rezip(m, out)


def wrong_key(s, out):
    manifest_bytes, sig = resign(_manifest(s["base"]), signer("Mallory"))
    return replace_manifest(s["base"], manifest_bytes, sig, out)


def unknown_format(s, out):
    manifest = _manifest(s["base"])
    manifest["format"] = "onpoint-bundle/9"
    return replace_manifest(s["base"], *resign(manifest, s["ana"]), out)


def path_traversal(s, out):
    m = members(s["base"])
    m["../../evil.sh"] = b"rm -rf ~"
    return rezip(m, out)


def absolute_path(s, out):
    m = members(s["base"])
    m["/etc/cron.d/evil"] = b"* * * * * root true"
    return rezip(m, out)


def duplicate_entry(s, out):
    m = list(members(s["base"]).items())
    m.append(m[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, blob in m:
                zf.writestr(name, blob)
    return out


def oversize(s, out):
    """An entry whose directory record declares 2 GiB (over the 256 MiB entry limit)."""
    blob = bytearray(s["base"].read_bytes())
    name = SURVEY_RESPONSES.encode()
    at = 0
    while True:
        at = blob.index(b"PK\x01\x02", at)
        name_len = struct.unpack("<H", blob[at + 28 : at + 30])[0]
        if bytes(blob[at + 46 : at + 46 + name_len]) == name:
            break
        at += 4
    blob[at + 24 : at + 28] = struct.pack("<I", 0x7FFFFFFF)
    out.write_bytes(bytes(blob))
    return out


def zip_bomb(s, out):
    """A correctly signed bundle whose responses entry expands 1,000-fold (60 MB of spaces)."""
    bomb = b" " * (60 * 1024**2)
    manifest = _manifest(s["base"])
    for entry in manifest["entries"]:
        if entry["name"] == SURVEY_RESPONSES:
            entry["size"], entry["sha256"] = len(bomb), hashlib.sha256(bomb).hexdigest()
    m = members(s["base"])
    m[MANIFEST], m[SIGNATURE] = resign(manifest, s["ana"])
    m[SURVEY_RESPONSES] = bomb
    return rezip(m, out)


def _resigned_with_first_line(s, out, entry, edit):
    """The base bundle with the first record of ``entry`` edited, correctly re-signed:
    only the record checks can catch it."""
    m = members(s["base"])
    lines = m[entry].splitlines(keepends=True)
    record = json.loads(lines[0])
    edit(record)
    lines[0] = canonical_json(record) + b"\n"
    m[entry] = b"".join(lines)
    manifest = _manifest(s["base"])
    for spec in manifest["entries"]:
        if spec["name"] == entry:
            spec["size"], spec["sha256"] = len(m[entry]), hashlib.sha256(m[entry]).hexdigest()
    m[MANIFEST], m[SIGNATURE] = resign(manifest, s["ana"])
    return rezip(m, out)


def invalid_content(s, out):
    def edit(event):
        event["area"] = "not_an_area"

    return _resigned_with_first_line(s, out, "rating_events.jsonl", edit)


def answer_value(value):
    def make(s, out):
        def edit(response):
            response["answers"]["T01" if response["role"] == "teacher" else "L01"] = value

        return _resigned_with_first_line(s, out, SURVEY_RESPONSES, edit)

    make.__name__ = f"answer_{value!r}"
    return make


def level_value(s, out):
    def edit(event):
        event["level"] = 2.0

    return _resigned_with_first_line(s, out, "rating_events.jsonl", edit)


def for_another_hq(s, out):
    _, their_key = HQStore.create(s["root"] / f"{out.stem}-theirs.db")
    return export(s["db"], out, s["ana"], hq_key=their_key)


def sealed_then_altered(s, out):
    export(s["db"], out, s["ana"], hq_key=s["public"])
    blob = bytearray(out.read_bytes())
    blob[-40] ^= 0x01
    out.write_bytes(bytes(blob))
    return out


def sealed_then_truncated(s, out):
    export(s["db"], out, s["ana"], hq_key=s["public"])
    out.write_bytes(out.read_bytes()[:-100])
    return out


def sealed_in_a_future_envelope(s, out):
    export(s["db"], out, s["ana"], hq_key=s["public"])
    blob = out.read_bytes()
    out.write_bytes(blob.replace(b"onpoint-sealed-bundle/1", b"onpoint-sealed-bundle/2", 1))
    return out


def mangled_local_name(s, out):
    """The central directory is fine, but the first entry's local header claims a UTF-8
    name that is not valid UTF-8 (zipfile raises UnicodeDecodeError, not BadZipFile)."""
    blob = bytearray(s["base"].read_bytes())
    assert blob[:4] == b"PK\x03\x04"
    flags = struct.unpack_from("<H", blob, 6)[0]
    struct.pack_into("<H", blob, 6, flags | 0x800)
    blob[30] = 0x93  # first byte of the name
    out.write_bytes(bytes(blob))
    return out


def claims_encryption(s, out):
    """The first entry's directory record says it is password-encrypted (zipfile raises
    RuntimeError, "password required")."""
    blob = bytearray(s["base"].read_bytes())
    central = blob.index(b"PK\x01\x02")
    flags = struct.unpack_from("<H", blob, central + 8)[0]
    struct.pack_into("<H", blob, central + 8, flags | 0x1)
    out.write_bytes(bytes(blob))
    return out


CASES = [
    (truncated, "truncated", "truncated"),
    (mangled_local_name, "corrupt", "is damaged"),
    (claims_encryption, "corrupt", "uses an encoding bundles never use"),
    (not_a_bundle, "not-a-bundle", "not an Onpoint bundle"),
    (tampered_entry, "tampered", "does not match its signed SHA-256"),
    (tampered_manifest, "bad-signature", "altered after signing"),
    (unsigned, "unsigned", "not signed"),
    (wrong_key, "bad-signature", "signature does not match"),
    (unknown_format, "unknown-format", "onpoint-bundle/9"),
    (path_traversal, "unsafe-name", "outside the bundle"),
    (absolute_path, "unsafe-name", "outside the bundle"),
    (duplicate_entry, "duplicate-entry", "twice"),
    (oversize, "too-large", "over the"),
    (zip_bomb, "zip-bomb", "zip bomb"),
    (invalid_content, "invalid-content", "unknown focus area 'not_an_area'"),
    (answer_value(9), "invalid-content", "answer value 9 outside the scale"),
    (answer_value(3.0), "invalid-content", "answer value 3.0 outside the scale"),
    (answer_value(True), "invalid-content", "answer value True outside the scale"),
    (level_value, "invalid-content", "rating level 2.0"),
    (for_another_hq, "not-for-this-hq", "encrypted for another HQ key"),
    (sealed_then_altered, "tampered", "cannot be decrypted"),
    (sealed_then_truncated, "tampered", "cannot be decrypted"),
    (sealed_in_a_future_envelope, "unknown-format", "onpoint-sealed-bundle/2"),
]


@pytest.fixture
def hq_copy(scene, tmp_path):
    """A private copy of the scene's HQ store (and its key) for one test."""
    path = tmp_path / "hq.db"
    with sqlite3.connect(scene["hq"]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    shutil.copy(hq_private_key_path(scene["hq"]), hq_private_key_path(path))
    return path


@pytest.mark.parametrize(("make", "reason", "words"), CASES, ids=[c[0].__name__ for c in CASES])
def test_refused_with_a_clear_reason_and_the_store_unchanged(
    scene, hq_copy, tmp_path, make, reason, words
):
    bad = make(scene, tmp_path / f"{make.__name__}.onpointbundle")
    with HQStore.open(hq_copy) as hq:
        before = full_dump(hq.conn)
        summary = merge_bundles(hq, [bad], trust_new_signers=True)
        after = full_dump(hq.conn)
    (outcome,) = summary.outcomes
    assert outcome.status == "refused"
    assert outcome.reason == reason, outcome.message
    assert words in outcome.message
    assert str(bad) in outcome.message  # the message names the file
    assert after == before
    assert summary.conflicts == ()


def test_a_good_bundle_beside_a_refused_one_still_merges(scene, hq_copy, tmp_path):
    bad = tampered_entry(scene, tmp_path / "bad.onpointbundle")
    with HQStore.open(hq_copy) as hq:
        summary = merge_bundles(hq, [bad, scene["base"]])
        assert [o.status for o in summary.outcomes] == ["refused", "merged"]
        assert summary.outcomes[1].added["rating_events"] == 1
        level = hq.conn.execute(
            "SELECT level FROM current_levels WHERE area_id = 'workforce_plan'"
        ).fetchone()
    assert level == (4,)


def test_verify_names_the_same_reasons_without_an_hq_store(scene, tmp_path):
    for make in (truncated, tampered_entry, tampered_manifest, unsigned, path_traversal):
        bad = make(scene, tmp_path / f"{make.__name__}.onpointbundle")
        with pytest.raises(BundleRefused):
            open_bundle(bad)


def test_a_sealed_bundle_needs_the_hq_private_key_beside_the_store(scene, hq_copy, tmp_path):
    bundle = export(scene["db"], tmp_path / "sealed.onpointbundle", scene["ana"], scene["public"])
    hq_private_key_path(hq_copy).rename(tmp_path / "elsewhere.pem")
    with HQStore.open(hq_copy) as hq:
        before = full_dump(hq.conn)
        (outcome,) = merge_bundles(hq, [bundle]).outcomes
        assert full_dump(hq.conn) == before
    assert outcome.reason == "hq-key-missing"
    assert str(hq_private_key_path(hq_copy)) in outcome.message


def test_a_directory_entry_asking_for_an_unknown_zip_version_is_refused(scene, tmp_path):
    """Found by the hostile byte-flip property: one flipped byte in the archive directory
    made zipfile raise NotImplementedError ("zip file version 6.4"), a traceback."""
    blob = bytearray(scene["base"].read_bytes())
    entry = blob.index(b"PK\x01\x02")  # the first central directory entry
    struct.pack_into("<H", blob, entry + 6, 64)  # "version needed to extract": 6.4
    bad = tmp_path / "version.onpointbundle"
    bad.write_bytes(bytes(blob))
    with pytest.raises(BundleRefused, match="asks for a zip feature no bundle uses") as refused:
        open_bundle(bad)
    assert refused.value.reason == "corrupt" and str(bad) in str(refused.value)

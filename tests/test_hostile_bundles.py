"""Damaged and hostile bundles: verified with their true content, or refused with the HQ
store unchanged.

The mutations start from real bundles (a plain signed one and one sealed for HQ) exported
from a small district. Byte-level damage (flips, truncation, garbage) and archive damage
(members renamed, duplicated, dropped, added) can only ever verify as the original
content: the signature and the per-entry hashes see to that. Mutated manifests and
records are re-signed, as a hostile or broken installation would send them, so the
record checks are what stands between them and the store.

For every case, ``open_bundle`` returns a verified bundle or raises an ``OnpointError``
naming the file; ``merge_bundles`` merges it or reports it refused (message naming the
file); never another exception, never a hang; a refusal leaves every table of the HQ store
as it was, and a merge leaves the store sound with each carried record in it as sent.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import sqlite3
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onpoint_desktop.errors import OnpointError
from onpoint_desktop.sync import HQStore, merge_bundles, open_bundle
from onpoint_desktop.sync.format import DATA_ENTRIES, MANIFEST, SIGNATURE
from onpoint_desktop.sync.keys import hq_private_key_path
from onpoint_desktop.workspace import Workspace
from tests.hostile_support import (
    Mutated,
    byte_flips,
    check_refusal,
    hostile_settings,
    time_limit,
    truncations,
)
from tests.sync_support import (
    district,
    export,
    full_dump,
    members,
    resign,
    responses,
    rezip,
    signer,
)

_counter = itertools.count()


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A small district's bundles (plain and sealed for HQ), and an empty HQ store."""
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


@pytest.fixture
def hq(scene, tmp_path):
    """A private copy of the empty HQ store (with its key) for one property."""
    path = tmp_path / "hq.onpoint-hq.db"
    shutil.copy(scene["hq"], path)
    shutil.copy(hq_private_key_path(scene["hq"]), hq_private_key_path(path))
    store = HQStore.open(path)
    yield store
    store.close()


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


# --- byte and archive damage: refused, or verified as the original --------------------------


@st.composite
def damaged_files(draw, scene):
    which = draw(st.sampled_from(["plain", "sealed"]))
    blob = scene[which]
    kind = draw(st.sampled_from(["flip", "truncate", "garbage"]))
    if kind == "flip":
        blob = draw(byte_flips(blob))
    elif kind == "truncate":
        blob = draw(truncations(blob))
    else:
        at = draw(st.integers(0, len(blob)))
        blob = blob[:at] + draw(st.binary(min_size=1, max_size=64)) + blob[at:]
    return Mutated(blob, f"{which} bundle {kind}")


def test_byte_damage_is_refused_or_verifies_as_the_original(scene, hq, tmp_path):
    @given(blob=damaged_files(scene))
    @hostile_settings(50)
    def property(blob):
        check_bundle(hq, tmp_path, blob, original=scene["content"])

    property()


NAMES = st.sampled_from(
    [
        "../manifest.json",
        "/etc/passwd",
        "C:/x",
        "a\\b.json",
        "./district.json",
        "rounds.json/",
        "extra.txt",
        "MANIFEST.JSON",
        "district.json\x00",
        "é.json",
    ]
)


@st.composite
def damaged_archives(draw, scene):
    entries = list(members_of(scene["plain"]).items())
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(entries) - 1))
        name, data = entries[index]
        action = draw(st.sampled_from(["rename", "duplicate", "drop", "add", "swap"]))
        if action == "rename":
            entries[index] = (draw(st.one_of(NAMES, st.sampled_from(list(DATA_ENTRIES)))), data)
        elif action == "duplicate":
            entries.insert(draw(st.integers(0, len(entries))), (name, data))
        elif action == "drop" and len(entries) > 1:
            del entries[index]
        elif action == "add":
            entries.append((draw(NAMES), draw(st.binary(max_size=100))))
        else:
            other = draw(st.integers(0, len(entries) - 1))
            entries[index], entries[other] = (name, entries[other][1]), (entries[other][0], data)
    return Mutated(_zip_bytes(entries), "archive with renamed/duplicated/dropped members")


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


def _zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
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


def test_archive_damage_is_refused_or_verifies_as_the_original(scene, hq, tmp_path):
    @given(blob=damaged_archives(scene))
    @hostile_settings(40)
    def property(blob):
        check_bundle(hq, tmp_path, blob, original=scene["content"])

    property()


# --- re-signed hostile manifests and records --------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.text(min_size=256, max_size=300),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _mutate_object(draw, obj):
    """Replace, delete or add one field somewhere in a JSON object (in place)."""
    target = obj
    while isinstance(target, (dict, list)) and target and draw(st.booleans()):
        keys = sorted(target) if isinstance(target, dict) else range(len(target))
        key = draw(st.sampled_from(keys))
        if not isinstance(target[key], (dict, list)) or not target[key]:
            break
        target = target[key]
    if isinstance(target, dict) and target:
        key = draw(st.sampled_from(sorted(target)))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            target[key] = draw(JSON_VALUES)
        elif action == "delete":
            del target[key]
        else:
            target[draw(st.text(max_size=8))] = draw(JSON_VALUES)
    elif isinstance(target, list) and target:
        target[draw(st.integers(0, len(target) - 1))] = draw(JSON_VALUES)
    return obj


@st.composite
def resigned_bundles(draw, scene):
    """A bundle whose manifest or records were changed, then hashed and signed anew."""
    entries = members_of(scene["plain"])
    manifest = json.loads(entries[MANIFEST])
    manifest["bundle_id"] = str(draw(st.uuids()))  # a new export, not a replay of one HQ has
    name = draw(st.sampled_from([MANIFEST, *DATA_ENTRIES]))
    if name != MANIFEST:
        blob = entries[name]
        if name.endswith(".jsonl"):
            lines = blob.split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["field", "text", "duplicate", "drop"]))
            if action == "field" and lines[index].strip():
                record = _mutate_object(draw, json.loads(lines[index]))
                lines[index] = json.dumps(record).encode()
            elif action == "text":
                lines[index] = draw(st.binary(max_size=60))
            elif action == "duplicate":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            blob = b"\n".join(lines)
        else:
            blob = json.dumps(_mutate_object(draw, json.loads(blob))).encode()
        entries[name] = blob
        for spec in manifest["entries"]:
            if spec["name"] == name:
                spec["size"], spec["sha256"] = len(blob), hashlib.sha256(blob).hexdigest()
        if draw(st.booleans()):  # keep the counts honest, so the records themselves are checked
            manifest["counts"][name.split(".")[0]] = len(
                [line for line in blob.split(b"\n") if line.strip()]
            )
    else:
        manifest = _mutate_object(draw, manifest)
    entries[MANIFEST], entries[SIGNATURE] = resign(manifest, scene["signer"])
    return Mutated(_zip_bytes(list(entries.items())), f"re-signed, {name} changed")


def test_resigned_hostile_content_is_refused_or_merged_soundly(scene, hq, tmp_path):
    statuses = []

    @given(blob=resigned_bundles(scene))
    @hostile_settings(50)
    def property(blob):
        statuses.append(check_bundle(hq, tmp_path, blob))

    property()
    assert "refused" in statuses


def test_the_untouched_bundles_merge_then_are_already_merged(scene, hq, tmp_path):
    """The property's own baseline."""
    assert check_bundle(hq, tmp_path, scene["plain"], original=scene["content"]) == "merged"
    assert check_bundle(hq, tmp_path, scene["plain"]) == "already-merged"
    path = rezip(members_of(scene["plain"]), tmp_path / "rezipped.onpointbundle")
    # The same signed content in another archive: verified, but not the payload HQ holds.
    assert check_bundle(hq, tmp_path, path.read_bytes(), original=scene["content"]) == "refused"


def _resigned_with(scene, entry: str, change) -> bytes:
    """The plain bundle with the first record of ``entry`` changed, re-hashed, re-signed."""
    entries = members_of(scene["plain"])
    manifest = json.loads(entries[MANIFEST])
    if entry == MANIFEST:
        change(manifest)
    else:
        first, rest = entries[entry].split(b"\n", 1)
        record = json.loads(first)
        change(record)
        entries[entry] = json.dumps(record).encode() + b"\n" + rest
        for spec in manifest["entries"]:
            if spec["name"] == entry:
                spec["size"] = len(entries[entry])
                spec["sha256"] = hashlib.sha256(entries[entry]).hexdigest()
    manifest["bundle_id"] = "0b5a3c1e-0000-4000-8000-000000000001"
    entries[MANIFEST], entries[SIGNATURE] = resign(manifest, scene["signer"])
    return _zip_bytes(list(entries.items()))


@pytest.mark.parametrize(
    ("entry", "field", "value"),
    [
        ("survey_responses.jsonl", "role", ["teacher"]),
        ("survey_responses.jsonl", "round", {"id": "2023-24"}),
        ("survey_responses.jsonl", "answers", [4]),  # as the value of the first answer
        ("rating_events.jsonl", "round", ["2023-24"]),
        ("rating_events.jsonl", "area", {"id": "workforce_plan"}),
        (MANIFEST, "model", "x" * 300),
        (MANIFEST, "model", {"id": "m" * 5000}),  # quoted briefly
        ("rating_events.jsonl", "created_at", "2024-" * 100_000),  # quoted briefly
        (MANIFEST, "model", "../framework"),
    ],
)
def test_signed_records_of_the_wrong_shape_are_refused_as_invalid(
    scene, hq, tmp_path, entry, field, value
):
    """Regressions: a list or object where an id belongs (role, round, area, answer) used
    to raise TypeError (unhashable) out of the reader, and a very long model id OSError
    (file name too long); both are refused now, naming the file."""

    def change(record: dict) -> None:
        if field == "answers":
            record["answers"][next(iter(record["answers"]))] = value
        else:
            record[field] = value

    blob = _resigned_with(scene, entry, change)
    path = tmp_path / "odd.onpointbundle"
    path.write_bytes(blob)
    with pytest.raises(OnpointError, match=r"odd\.onpointbundle") as refused:
        open_bundle(path)
    assert refused.value.reason == "invalid-content"
    assert check_bundle(hq, tmp_path, blob) == "refused"


@pytest.mark.parametrize(
    ("header", "flag"),
    [(b"PK\x03\x04", 0x0800), (b"PK\x01\x02", 0x0020)],
    ids=["local-name-not-utf8", "directory-unsupported-feature"],
)
def test_a_member_header_zipfile_cannot_read_is_refused(scene, hq, tmp_path, header, flag):
    """Regression (found by the byte-flip soak): the first member's local header claims a
    UTF-8 name that is not UTF-8 (UnicodeDecodeError), or its directory entry a zip
    feature Python does not implement, "compressed patched data" (NotImplementedError);
    both escaped the reader instead of a refusal."""
    blob = bytearray(scene["plain"])
    at = blob.index(header)
    flags_at = at + (6 if header == b"PK\x03\x04" else 8)
    flags = int.from_bytes(blob[flags_at : flags_at + 2], "little") | flag
    blob[flags_at : flags_at + 2] = flags.to_bytes(2, "little")
    if header == b"PK\x03\x04":
        blob[at + 30] = 0x93  # the first byte of the member's name: not UTF-8
    assert check_bundle(hq, tmp_path, bytes(blob)) == "refused"


# --- hostile JSON, times and names (issue 11) ------------------------------------------------


@st.composite
def nested_json(draw) -> bytes:
    """JSON nested anywhere from a few to thousands of levels (objects or lists)."""
    depth = draw(st.integers(1, 6000))
    if draw(st.booleans()):
        return b"[" * depth + b"1" + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


ODD_TIMES = st.sampled_from(
    [
        "9999-99-99T99:99:99.000000Z",
        "2026-02-30T10:00:00.000000Z",
        "2099-01-01T00:00:00.000000Z",  # dated far ahead of HQ's clock
        "2026-11-29T24:00:00.000000Z",
        "2026-11-29T10:00:00Z",
        "",
    ]
) | st.datetimes(
    min_value=datetime(1, 1, 1),
    max_value=datetime(9999, 12, 31),
).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))

ODD_NAMES = (
    st.text(min_size=1, max_size=5)
    | st.text(alphabet=st.characters(max_codepoint=0x9F), min_size=1, max_size=20)
    | st.text(min_size=199, max_size=260)
)


@st.composite
def hostile_records(draw, scene):
    """A re-signed bundle where the manifest or one record was replaced by hostile JSON,
    one time by an odd one, or one name by an odd one."""
    entries = members_of(scene["plain"])
    manifest = json.loads(entries[MANIFEST])
    manifest["bundle_id"] = str(draw(st.uuids()))
    kind = draw(st.sampled_from(["nested", "time", "name"]))
    name = draw(st.sampled_from(list(DATA_ENTRIES)))
    blob = entries[name]
    if kind == "nested":
        if name.endswith(".jsonl"):
            lines = blob.split(b"\n")
            lines[draw(st.integers(0, len(lines) - 1))] = draw(nested_json())
            blob = b"\n".join(lines)
        else:
            blob = draw(nested_json())
    else:
        field = (
            "created_at"
            if kind == "time"
            else draw(st.sampled_from(["name", "author", "school", "label", "id"]))
        )
        value = draw(ODD_TIMES if kind == "time" else ODD_NAMES)
        if name.endswith(".jsonl"):
            lines = [line for line in blob.split(b"\n") if line.strip()]
            index = draw(st.integers(0, len(lines) - 1))
            record = json.loads(lines[index])
            record[field] = value
            lines[index] = json.dumps(record).encode()
            blob = b"\n".join(lines) + b"\n"
        else:
            doc = json.loads(blob)
            target = doc[0] if isinstance(doc, list) and doc else doc
            if isinstance(target, dict):
                target[field] = value
            blob = json.dumps(doc).encode()
    entries[name] = blob
    for spec in manifest["entries"]:
        if spec["name"] == name:
            spec["size"], spec["sha256"] = len(blob), hashlib.sha256(blob).hexdigest()
    entries[MANIFEST], entries[SIGNATURE] = resign(manifest, scene["signer"])
    if draw(st.booleans()) and kind == "nested":  # the manifest itself, nested
        entries[MANIFEST] = draw(nested_json())
    return Mutated(_zip_bytes(list(entries.items())), f"re-signed, {kind} in {name}")


def test_hostile_json_times_and_names_are_refused_cleanly(scene, hq, tmp_path):
    """Nested JSON at any depth, impossible or far-future times, names with control
    characters or over 200 characters: refused with a sentence (or, when harmless,
    merged as sound records), never a traceback, never a stuck batch."""
    from onpoint_desktop import clock, limits

    statuses = []

    @given(blob=hostile_records(scene))
    @hostile_settings(60)
    def property(blob):
        statuses.append(check_bundle(hq, tmp_path, blob))
        horizon = clock.now() + timedelta(hours=48)
        for (when,) in hq.conn.execute("SELECT created_at FROM rating_events"):
            moment = clock.parse_instant(when)
            assert moment is not None and moment <= horizon, when
        for (name,) in hq.conn.execute("SELECT name FROM districts"):
            assert limits.name_problem(name) is None, name

    property()
    assert "refused" in statuses

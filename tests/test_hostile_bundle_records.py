"""Re-signed hostile bundles: manifests and records changed and signed again, as a
hostile or broken installation would send them, and hostile JSON, times and names — so
the record checks are all that stands between them and the HQ store (the property of
``tests/hostile_bundle_support.py``: refused naming the file, or merged soundly)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onpoint_desktop.errors import OnpointError
from onpoint_desktop.sync import open_bundle
from onpoint_desktop.sync.format import DATA_ENTRIES, MANIFEST, SIGNATURE
from tests.hostile_bundle_support import (
    check_bundle,
    fresh_hq,
    make_scene,
    members_of,
    zip_bytes,
)
from tests.hostile_support import (
    Mutated,
    hostile_settings,
)
from tests.sync_support import (
    resign,
    rezip,
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    return make_scene(tmp_path_factory)


@pytest.fixture
def hq(scene, tmp_path):
    store = fresh_hq(scene, tmp_path)
    yield store
    store.close()


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
    return Mutated(zip_bytes(list(entries.items())), f"re-signed, {name} changed")


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
    return zip_bytes(list(entries.items()))


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
    return Mutated(zip_bytes(list(entries.items())), f"re-signed, {kind} in {name}")


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

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

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onpoint_desktop.sync.format import DATA_ENTRIES
from tests.hostile_bundle_support import (
    check_bundle,
    fresh_hq,
    make_scene,
    members_of,
    zip_bytes,
)
from tests.hostile_support import (
    Mutated,
    byte_flips,
    hostile_settings,
    truncations,
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    return make_scene(tmp_path_factory)


@pytest.fixture
def hq(scene, tmp_path):
    store = fresh_hq(scene, tmp_path)
    yield store
    store.close()


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
    return Mutated(zip_bytes(entries), "archive with renamed/duplicated/dropped members")


def test_archive_damage_is_refused_or_verifies_as_the_original(scene, hq, tmp_path):
    @given(blob=damaged_archives(scene))
    @hostile_settings(40)
    def property(blob):
        check_bundle(hq, tmp_path, blob, original=scene["content"])

    property()

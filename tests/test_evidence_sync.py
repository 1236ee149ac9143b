"""Visit evidence travels in bundles and HQ (SPEC §12, issue 16 item 5): walkthroughs,
the district's own ratings and condition events arrive as events, merge idempotently in
any order, never touch HQ's expert levels or scores, appear in ``hq list --json``, and HQ
profiles walkthroughs per stage. Bundles without evidence (formats 1 and 2) still merge."""

from __future__ import annotations

import json

import pytest
from cli_support import run

from onpoint_desktop.demo import build_demo
from onpoint_desktop.sync import HQStore, canonical_dump, merge_bundles
from onpoint_desktop.sync.bundle import export_bundle
from onpoint_desktop.sync.hq_evidence import stage_profiles_json
from onpoint_desktop.sync.hq_overview import overview
from onpoint_desktop.sync.verify import open_bundle
from onpoint_desktop.workspace import Workspace
from tests.sync_support import signer


@pytest.fixture(scope="module")
def demo_bundles(tmp_path_factory):
    """The demo district exported twice by one consultant: before and after the visit's
    last walkthrough, district rating and condition."""
    folder = tmp_path_factory.mktemp("evidence-sync")
    path = folder / "demo.onpoint.db"
    who = signer("Jordan Ellis")
    build_demo(path).close()
    first = export_bundle(path, folder / "first.onpointbundle", signer=who, seal=False).path
    with Workspace.open(path) as ws:
        ws.add_walkthrough(
            "2024-25",
            school="Roosevelt High",
            grade_band="9-12",
            subject="Science",
            levels={"student_ownership": 3, "data_driven": 3, "targeted": 3, "flexible_content": 3},
        )
        ws.rate("2024-25", "workforce_plan", 4, perspective="district")
        ws.rate_condition("2024-25", "partnerships", "partially", "Community college MOU signed")
        expected = {r.id: ws.score(r.id).total for r in ws.rounds()}
    second = export_bundle(path, folder / "second.onpointbundle", signer=who, seal=False).path
    return path, first, second, expected


def _hq(tmp_path, name):
    hq, _ = HQStore.create(tmp_path / f"{name}.onpoint-hq.db")
    return hq


def test_a_bundle_carries_the_visit_evidence(demo_bundles):
    path, _, second, _ = demo_bundles
    content = open_bundle(second).content
    with Workspace.open(path) as ws:
        assert len(content.walkthroughs) == sum(len(ws.walkthroughs(r.id)) for r in ws.rounds())
    assert {e["perspective"] for e in content.rating_events} == {"expert", "district"}
    assert len(content.condition_events) == 11
    assert all("teacher" not in key for w in content.walkthroughs for key in w)


def test_evidence_merges_once_in_any_order_and_never_moves_hq_scores(demo_bundles, tmp_path):
    _, first, second, expected = demo_bundles
    one = _hq(tmp_path, "one")
    outcomes = merge_bundles(one, [first, second], trust_new_signers=True).outcomes
    assert [o.status for o in outcomes] == ["merged", "merged"]
    assert outcomes[1].added["walkthroughs"] == 1
    assert outcomes[1].added["condition_events"] == 1
    again = merge_bundles(one, [second]).outcomes
    assert [o.status for o in again] == ["already-merged"]
    other = _hq(tmp_path, "other")
    merge_bundles(other, [second, first], trust_new_signers=True)
    assert canonical_dump(one.conn) == canonical_dump(other.conn)
    (district,) = overview(one)["districts"]
    totals = {r["id"]: r["total"] for r in district["rounds"]}
    assert totals == pytest.approx(expected, abs=0.01)  # the district's own view not scored
    latest = district["rounds"][-1]
    assert latest["evidence"] == {
        "walkthroughs": 25,
        "district_rated_areas": 26,
        "conditions_rated": 10,
    }
    assert latest["levels"]["workforce_plan"] == 2  # the expert's, not the district's 4
    one.close()
    other.close()


def test_hq_profiles_walkthroughs_per_stage(demo_bundles, tmp_path, capsys):
    _, _, second, _ = demo_bundles
    hq = _hq(tmp_path, "stages")
    merge_bundles(hq, [second], trust_new_signers=True)
    doc = stage_profiles_json(hq)
    stages = {s["stage"]: s for s in doc["stages"]}
    assert set(stages) == {"year1", "year2"}
    assert stages["year2"]["n"] == 25 and stages["year2"]["districts"] == 1
    counts = stages["year2"]["elements"]["targeted"]["counts"]
    assert sum(counts) == 25
    hq.close()
    code, out, _ = run(capsys, "hq", "walkthroughs", tmp_path / "stages.onpoint-hq.db")
    assert code == 0 and "Year 2: 25 classrooms in 1 district" in out


def test_a_bundle_without_evidence_still_merges(demo_bundles, tmp_path):
    """A format-3 bundle (before SPEC §12: no evidence entries, no perspectives, every
    rating event the expert's) is still accepted and scored as before."""
    import hashlib

    from onpoint_desktop.sync import keys
    from onpoint_desktop.sync.format import (
        BUNDLE_FORMAT_3,
        EVIDENCE_ENTRIES,
        MANIFEST,
        RATING_EVENTS,
        SIGNATURE,
    )
    from tests.sync_support import members, resign, rezip

    _, first, _, expected = demo_bundles
    old_app = signer("Old App")
    m = members(first)
    events = [json.loads(line) for line in m[RATING_EVENTS].splitlines()]
    kept = [e for e in events if e.pop("perspective") == "expert"]
    m[RATING_EVENTS] = b"".join(
        json.dumps(e, sort_keys=True, separators=(",", ":")).encode() + b"\n" for e in kept
    )
    manifest = json.loads(m[MANIFEST])
    manifest["format"] = BUNDLE_FORMAT_3
    manifest["consultant"]["public_key"] = keys.b64(old_app.public_key)
    manifest["consultant"]["id"] = old_app.consultant_id
    manifest["entries"] = [e for e in manifest["entries"] if e["name"] not in EVIDENCE_ENTRIES]
    for entry in manifest["entries"]:
        if entry["name"] == RATING_EVENTS:
            blob = m[RATING_EVENTS]
            entry["size"], entry["sha256"] = len(blob), hashlib.sha256(blob).hexdigest()
    manifest["counts"]["rating_events"] = len(kept)
    for gone in ("walkthroughs", "condition_events"):
        del manifest["counts"][gone]
    for name in EVIDENCE_ENTRIES:
        del m[name]
    m[MANIFEST], m[SIGNATURE] = resign(manifest, old_app)
    old = rezip(m, tmp_path / "format-3.onpointbundle")
    assert open_bundle(old).manifest["format"] == BUNDLE_FORMAT_3
    hq = _hq(tmp_path, "old")
    (outcome,) = merge_bundles(hq, [old], trust_new_signers=True).outcomes
    assert outcome.status == "merged", outcome.message
    (district,) = overview(hq)["districts"]
    assert {r["id"]: r["total"] for r in district["rounds"]} == pytest.approx(expected, abs=0.01)
    assert district["rounds"][-1]["evidence"]["walkthroughs"] == 0
    hq.close()


def test_hq_list_json_shows_the_evidence(demo_bundles, tmp_path, capsys):
    _, first, _, _ = demo_bundles
    db = tmp_path / "list.onpoint-hq.db"
    _hq(tmp_path, "list").close()
    _, out, _ = run(capsys, "hq", "merge", db, first, "--trust-new-signers")
    assert "+44 walkthroughs, +10 conditions" in out
    _, out, _ = run(capsys, "hq", "list", db, "--json")
    rounds = json.loads(out)["districts"][0]["rounds"]
    assert [r["evidence"]["walkthroughs"] for r in rounds] == [0, 20, 24]


def _with_entry(bundle, name, blob, who, out):
    """``bundle`` with entry ``name`` replaced by ``blob``, its manifest signed again by
    ``who`` (the signer's own key: what a faulty or hostile app could send)."""
    import hashlib

    from onpoint_desktop.sync.format import MANIFEST, SIGNATURE
    from tests.sync_support import members, resign, rezip

    m = members(bundle)
    m[name] = blob
    manifest = json.loads(m[MANIFEST])
    for entry in manifest["entries"]:
        if entry["name"] == name:
            entry["size"], entry["sha256"] = len(blob), hashlib.sha256(blob).hexdigest()
    manifest["consultant"]["public_key"] = keys_b64(who)
    m[MANIFEST], m[SIGNATURE] = resign(manifest, who)
    return rezip(m, out)


def keys_b64(who):
    from onpoint_desktop.sync import keys

    return keys.b64(who.public_key)


@pytest.mark.parametrize(
    ("entry", "change", "problem"),
    [
        ("walkthroughs.jsonl", {"levels": {"targeted": 7}}, "not one 0–3 per element"),
        (
            "walkthroughs.jsonl",
            {"teacher": "Ms Smith", "notes": {"teacher_name": "Ms Smith"}},
            "notes that are not keyed",
        ),
        ("walkthroughs.jsonl", {"observed_on": "yesterday"}, "not a date"),
        ("condition_events.jsonl", {"state": "mostly"}, "has state 'mostly'"),
        ("condition_events.jsonl", {"condition": "vibes"}, "unknown condition 'vibes'"),
        ("rating_events.jsonl", {"perspective": "parent"}, "not expert or district"),
    ],
)
def test_a_bundle_with_bad_evidence_is_refused_naming_the_line(
    demo_bundles, tmp_path, entry, change, problem
):
    from onpoint_desktop.sync.format import BundleRefused
    from tests.sync_support import members

    _, first, _, _ = demo_bundles
    who = signer("Faulty app")
    lines = members(first)[entry].splitlines()
    record = json.loads(lines[0])
    record.update(change)
    lines[0] = json.dumps(record).encode()
    bad = _with_entry(first, entry, b"\n".join(lines) + b"\n", who, tmp_path / "bad.onpointbundle")
    with pytest.raises(BundleRefused) as refused:
        open_bundle(bad)
    assert refused.value.reason == "invalid-content"
    assert f"{entry} line 1" in str(refused.value) and problem in str(refused.value)

"""Action plans and removed survey imports travel in bundles and merge at HQ idempotently,
in any order; bundles of the previous format still merge (SPEC §11, issue 14 item 8)."""

from __future__ import annotations

import json
import shutil
import uuid

import pytest

from onpoint_desktop.sync import HQStore, canonical_dump, keys, merge_bundles
from onpoint_desktop.sync.format import (
    ACTION_EVENTS,
    BUNDLE_FORMAT,
    EVIDENCE_ENTRIES,
    MANIFEST,
    SURVEY_REMOVALS,
)
from onpoint_desktop.sync.hq_overview import hq_rounds
from onpoint_desktop.sync.hq_plans import hq_actions
from onpoint_desktop.sync.verify import open_bundle
from onpoint_desktop.workspace import Workspace
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


def _respondents(hq: HQStore, district_uuid: str) -> dict[str, int]:
    rows = hq.conn.execute(
        "SELECT role, count(*) FROM survey_responses WHERE district_uuid = ? GROUP BY role",
        (district_uuid,),
    )
    return dict(rows.fetchall())


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """Bundles of one workspace: before a removal, after it (with the plan changed), and
    after the removed file was imported again."""
    root = tmp_path_factory.mktemp("plan-story")
    ana = signer("Ana Ruiz")
    db = district(root / "a.onpoint.db", "Alder USD", [("2023-24", "planning")], teachers=10)
    with Workspace.open(db) as ws:
        uuid_ = ws.district.uuid
        vision = ws.add_action("2023-24", "Vision workshop", component_id="strategy_communication")
        ws.add_action("2023-24", "Device audit", area_id="devices_digital_tools", owner="Ben")
        before = export(db, root / "1.onpointbundle", ana)
        ws.set_action(vision.action_id, status="in progress", owner="Ana")
        teachers = ws.survey_imports("2023-24")[0]
        kept = ws.respondent_counts("2023-24")
        ws.remove_survey_import(teachers["id"])
        after = export(db, root / "2.onpointbundle", ana)
        plan = [(a.title, a.status, a.owner) for a in ws.actions("2023-24")]
        ws.add_survey_responses(
            "2023-24", "teacher", responses(ws, "teacher", 10, "0-2023-24", 0.0)
        )
        again = export(db, root / "3.onpointbundle", ana)
    return {
        "root": root, "uuid": uuid_, "files": [before, after, again], "plan": plan,
        "teachers": kept["teacher"], "leaders": kept["leader"],
    }  # fmt: skip


def _merged(root, name, files):
    hq, _ = HQStore.create(root / f"{name}.db")
    summary = merge_bundles(hq, files, trust_new_signers=True)
    assert summary.count("merged") == len(files)
    return hq


def test_the_bundle_carries_the_plan_and_the_removal(story):
    before, after, _ = story["files"]
    assert open_bundle(before).manifest["format"] == BUNDLE_FORMAT  # the one written now
    content = open_bundle(after).content
    assert [a["status"] for a in content.action_events] == ["planned", "planned", "in progress"]
    assert len(content.survey_removals) == story["teachers"]
    assert all(r["key"].startswith("hmac-sha256:") for r in content.survey_removals)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_hq_holds_the_latest_plan_and_not_the_removed_responses_in_any_order(
    story, tmp_path, order
):
    files = [story["files"][i] for i in order]
    hq = _merged(tmp_path, "hq", files)
    plan = hq_actions(hq, story["uuid"], "2023-24")
    assert [(a["title"], a["status"], a["owner"]) for a in plan] == story["plan"]
    assert _respondents(hq, story["uuid"]) == {"leader": story["leaders"]}
    hq.close()


def test_any_order_gives_the_same_store_and_a_newer_import_comes_back(story, tmp_path):
    dumps = []
    for name, order in (("abc", (0, 1, 2)), ("cba", (2, 1, 0)), ("bca", (1, 2, 0))):
        hq = _merged(tmp_path, name, [story["files"][i] for i in order])
        dumps.append(canonical_dump(hq.conn))
        assert _respondents(hq, story["uuid"]) == {
            "teacher": story["teachers"], "leader": story["leaders"],
        }  # fmt: skip
        hq.close()
    assert dumps[0] == dumps[1] == dumps[2]


def test_merging_again_changes_nothing(story, tmp_path):
    hq = _merged(tmp_path, "hq", story["files"][:2])
    before = full_dump(hq.conn)
    again = merge_bundles(hq, story["files"][:2])
    assert {o.status for o in again.outcomes} == {"already-merged"}
    assert full_dump(hq.conn) == before
    hq.close()


def test_a_bundle_of_the_previous_format_still_merges(story, tmp_path):
    """A format-2 bundle (no action plan, no removals) is read as before."""
    ana = signer("Old App")
    m = members(story["files"][0])
    manifest = json.loads(m[MANIFEST])
    manifest["format"] = "onpoint-bundle/2"
    manifest["consultant"]["public_key"] = keys.b64(ana.public_key)
    manifest["consultant"]["id"] = ana.consultant_id
    later = (ACTION_EVENTS, SURVEY_REMOVALS, *EVIDENCE_ENTRIES)  # entries of formats 3, 4
    manifest["entries"] = [e for e in manifest["entries"] if e["name"] not in later]
    for gone in ("action_events", "survey_removals", "walkthroughs", "condition_events"):
        del manifest["counts"][gone]
    for name in later:
        del m[name]
    m[MANIFEST], m["manifest.sig"] = resign(manifest, ana)
    old = rezip(m, tmp_path / "old.onpointbundle")
    hq = _merged(tmp_path, "hq", [old])
    assert hq_actions(hq, story["uuid"], "2023-24") == []
    assert _respondents(hq, story["uuid"])["teacher"] == story["teachers"]
    # ...and a format-3 bundle with the new entries missing is refused, not half-read
    manifest["format"], manifest["bundle_id"] = "onpoint-bundle/3", str(uuid.uuid4())
    m[MANIFEST], m["manifest.sig"] = resign(manifest, ana)
    summary = merge_bundles(hq, [rezip(m, tmp_path / "cut.onpointbundle")])
    assert summary.outcomes[0].status == "refused"
    assert summary.outcomes[0].reason == "unexpected-entry"
    hq.close()


def test_a_release_1_workspace_and_hq_store_take_plans_and_removals(tmp_path):
    """Files of the first release: the workspace migrates and keeps a plan; its removal
    reaches the release-1 HQ store, where the same respondents were stored under the
    survey tool's ids — those stop counting too."""
    from tests.test_old_files import FIXTURES, HQ_V1, WORKSPACE_V1

    db = tmp_path / WORKSPACE_V1
    shutil.copy(FIXTURES / WORKSPACE_V1, db)
    for name in (HQ_V1, HQ_V1 + ".private-key.pem"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    with Workspace.open(db) as ws:
        uuid_ = ws.district.uuid
        ws.add_action("2024-25", "Device plan", area_id="devices_digital_tools")
        teachers = next(i for i in ws.survey_imports("2024-25") if i["role"] == "teacher")
        ws.remove_survey_import(teachers["id"])
        assert ws.respondent_counts("2024-25") == {"leader": 12}
    bundle = export(db, tmp_path / "after.onpointbundle", signer("Ana Ruiz"))
    with HQStore.open(tmp_path / HQ_V1) as hq:
        (outcome,) = merge_bundles(hq, [bundle], trust_new_signers=True).outcomes
        assert outcome.status == "merged", outcome.message
        assert [a["title"] for a in hq_actions(hq, uuid_, "2024-25")] == ["Device plan"]
        (latest,) = [r for r in hq_rounds(hq) if r.round_id == "2024-25"]
        assert latest.respondents == {"teacher": 0, "leader": 12}

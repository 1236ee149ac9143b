"""HQ merge: round trip, idempotence, order independence, conflicts, cancel."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3

import pytest

from onpoint_desktop.cli import main
from onpoint_desktop.errors import Cancelled
from onpoint_desktop.sync import HQStore, canonical_dump, commit_group, conflicts, merge_bundles
from onpoint_desktop.sync.hq_overview import hq_rounds
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.backup import backup_to
from tests.sync_support import district, export, full_dump, signer


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, path)
    return path


def test_round_trip_hq_score_equals_the_consultants_score(demo_copy, tmp_path):
    bundle = export(demo_copy, tmp_path / "demo.onpointbundle", signer("Ana Ruiz"))
    hq, _ = HQStore.create(tmp_path / "hq.db")
    summary = merge_bundles(hq, [bundle], trust_new_signers=True)
    assert summary.count("merged") == 1
    rounds = hq_rounds(hq)
    with Workspace.open(demo_copy) as ws:
        assert [r.round_id for r in rounds] == [r.id for r in ws.rounds()]
        for rnd in rounds:
            assert rnd.score == ws.score(rnd.round_id)  # every field, exactly
            assert rnd.levels == ws.levels(rnd.round_id)
            assert rnd.respondents == ws.respondent_counts(rnd.round_id)
            assert rnd.stage == ws.get_round(rnd.round_id).stage
    hq.close()


def test_merging_the_same_bundle_again_changes_nothing(demo_copy, tmp_path):
    bundle = export(demo_copy, tmp_path / "demo.onpointbundle", signer("Ana Ruiz"))
    hq, _ = HQStore.create(tmp_path / "hq.db")
    merge_bundles(hq, [bundle], trust_new_signers=True)
    before = full_dump(hq.conn)
    again = merge_bundles(hq, [bundle, bundle])
    assert [o.status for o in again.outcomes] == ["already-merged", "already-merged"]
    assert full_dump(hq.conn) == before
    hq.close()


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """Bundles from two consultants about three districts, with a rename, a stage change,
    a disagreement over a rating, and cumulative re-exports."""
    root = tmp_path_factory.mktemp("story")
    ana, ben = signer("Ana Ruiz"), signer("Ben Cho")
    a = district(root / "a.onpoint.db", "Alder USD", [("2023-24", "planning")], seed=1)
    files = [export(a, root / "a1.onpointbundle", ana)]
    ben_copy = root / "a-ben.onpoint.db"
    with Workspace.open(a) as ws:
        backup_to(ws.conn, ben_copy)  # Ben works from a copy of Ana's workspace
        ws.add_round("2024-25", "planning")
        ws.rate("2024-25", "pl_vision_alignment", 3)
        files.append(export(a, root / "a2.onpointbundle", ana))
    with Workspace.open(ben_copy) as ws:
        ws.rate("2023-24", "pl_rollout_plan", 4, "Ben saw the rollout plan in use")
        ws.rate("2023-24", "budget_3_5_year", 1)
    files.append(export(ben_copy, root / "a-ben.onpointbundle", ben))
    with Workspace.open(a) as ws:
        ws.rename_district("Alder Unified School District")
        ws.set_round_stage("2024-25", "year1")
        ws.rate("2023-24", "budget_3_5_year", 1)  # Ana agrees with Ben here, later
        files.append(export(a, root / "a3.onpointbundle", ana))
    b = district(root / "b.onpoint.db", "Birch SD", [("2024-25", "year2")], seed=2)
    files.append(export(b, root / "b1.onpointbundle", ben))
    c = district(root / "c.onpoint.db", "Cypress ISD", [("2022-23", "planning")], seed=3)
    files.append(export(c, root / "c1.onpointbundle", ana))
    return files


def _merged_store(files, path, capsys, *, one_by_one=False):
    hq, _ = HQStore.create(path)
    if one_by_one:
        for f in files:
            assert merge_bundles(hq, [f], trust_new_signers=True).refused == ()
    else:
        assert merge_bundles(hq, files, trust_new_signers=True).refused == ()
    dump = canonical_dump(hq.conn)
    hq.close()
    assert main(["hq", "list", str(path), "--json"]) == 0
    listing = capsys.readouterr().out
    return dump, listing


def test_any_merge_order_gives_the_same_store_and_listing(story, tmp_path, capsys):
    reference = _merged_store(story, tmp_path / "ref.db", capsys)
    orders = [list(reversed(story))] + [random.Random(s).sample(story, len(story)) for s in (1, 2)]
    for index, order in enumerate(orders):
        assert _merged_store(order, tmp_path / f"o{index}.db", capsys) == reference
    assert _merged_store(story, tmp_path / "single.db", capsys, one_by_one=True) == reference
    # with duplicates mixed in, too
    assert _merged_store(story + story[:2], tmp_path / "dup.db", capsys) == reference


def test_newest_bundle_decides_names_and_stages(story, tmp_path, capsys):
    _, listing = _merged_store(list(reversed(story)), tmp_path / "hq.db", capsys)
    doc = json.loads(listing)
    names = [d["name"] for d in doc["districts"]]
    assert names == ["Alder Unified School District", "Birch SD", "Cypress ISD"]
    alder = doc["districts"][0]
    assert [(r["id"], r["stage"]) for r in alder["rounds"]] == [
        ("2023-24", "planning"),
        ("2024-25", "year1"),
    ]
    assert alder["bundles"] == 4 and alder["workspaces"] == 1  # a copy keeps its UUID
    assert {s["name"] for s in alder["signers"]} == {"Ana Ruiz", "Ben Cho"}


def test_conflicts_are_where_signers_latest_levels_differ(story, tmp_path):
    hq, _ = HQStore.create(tmp_path / "hq.db")
    summary = merge_bundles(hq, story, trust_new_signers=True)
    found = conflicts(hq.conn)
    # pl_rollout_plan: Ana's board says 2 (from the shared history), Ben's says 4 → conflict.
    # budget_3_5_year: both ended at 1 → no conflict.
    assert [(c.district, c.round_id, c.area_id) for c in found] == [
        ("Alder Unified School District", "2023-24", "pl_rollout_plan")
    ]
    (conflict,) = found
    assert {v.name: v.level for v in conflict.views} == {"Ana Ruiz": 2, "Ben Cho": 4}
    assert conflict.current_level == 4  # Ben's event is the latest
    assert summary.conflicts == tuple(found)
    hq.close()


def _merged_dump(story, count, tmp_path, name):
    """The store that merging the first ``count`` bundles gives, for comparison."""
    hq, _ = HQStore.create(tmp_path / name)
    merge_bundles(hq, story[:count], trust_new_signers=True)
    dump = canonical_dump(hq.conn)
    hq.close()
    return dump


def test_cancel_keeps_whole_bundles_and_touches_no_other(story, tmp_path, monkeypatch):
    monkeypatch.setattr(commit_group, "SECONDS", 0)  # each bundle acknowledged on its own
    hq, _ = HQStore.create(tmp_path / "hq.db")
    seen = []
    with pytest.raises(Cancelled, match="after 3 of 6 bundles") as cancelled:
        merge_bundles(
            hq,
            story,
            trust_new_signers=True,
            progress=lambda done, total: seen.append((done, total)),
            cancel=lambda: len(seen) >= 3,
        )
    assert seen == [(1, 6), (2, 6), (3, 6)]
    partial = cancelled.value.summary  # what the run did before the cancel
    assert [o.source for o in partial.outcomes] == [str(f) for f in story[:3]]
    assert partial.count("merged") == 3 and cancelled.value.total == 6
    assert canonical_dump(hq.conn) == _merged_dump(story, 3, tmp_path, "expected.db")
    merge_bundles(hq, story, trust_new_signers=True)  # merging again finishes the job
    assert canonical_dump(hq.conn) == _merged_dump(story, 6, tmp_path, "all.db")
    hq.close()


def test_a_merge_interrupted_by_a_crash_leaves_nothing_half_applied(story, tmp_path, monkeypatch):
    """Each bundle is one transaction: a failure after some bundles keeps those, whole."""
    monkeypatch.setattr(commit_group, "SECONDS", 0)  # each bundle acknowledged on its own
    hq, _ = HQStore.create(tmp_path / "hq.db")

    def crash(done, total):
        if done == 4:
            raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(Exception, match="disk I/O error"):
        merge_bundles(hq, story, trust_new_signers=True, progress=crash)
    hq.close()
    # The round summaries the merged bundles changed were dropped with them, in their
    # transactions; opening the store makes them again from the facts.
    with HQStore.open(tmp_path / "hq.db") as hq:
        assert canonical_dump(hq.conn) == _merged_dump(story, 4, tmp_path, "expected.db")


def test_new_signers_are_held_aside_and_known_ones_merge(story, tmp_path):
    hq, _ = HQStore.create(tmp_path / "hq.db")
    first = merge_bundles(hq, story[:1])
    assert first.outcomes[0].status == "pending"
    assert first.outcomes[0].reason == "unknown-signer"
    again = merge_bundles(hq, story[:1], trust_new_signers=True)
    assert again.outcomes[0].new_signer and again.outcomes[0].status == "merged"
    second = merge_bundles(hq, story[1:2])  # same signer, now known
    assert second.outcomes[0].status == "merged" and not second.outcomes[0].new_signer
    hq.close()


def test_merge_and_list_show_conflicts_readably(story, tmp_path, capsys):
    hq = tmp_path / "hq.db"
    HQStore.create(hq)[0].close()
    assert main(["hq", "merge", str(hq), *map(str, story), "--trust-new-signers"]) == 0
    out = capsys.readouterr().out
    assert "Merged 6 bundles, 0 already merged, 0 held aside, 0 refused." in out
    trusted = [x for x in out.splitlines() if x.strip().startswith("TRUSTED")]
    assert len(trusted) == 2  # each key trusted by --trust-new-signers is named
    assert "Conflicts in the merged districts: 1 (1 unresolved)" in out
    line = next(x for x in out.splitlines() if "PL Rollout Plan" in x)
    assert "Alder Unified School District, 2023-24" in line
    assert "HQ keeps Established (latest; provisional, conflicted)" in line
    assert "Ana Ruiz [" in line and "]: Emerging (" in line
    assert main(["hq", "list", str(hq)]) == 0
    out = capsys.readouterr().out
    assert "3 districts, 4 rounds, 6 bundles from 2 signers; 1 conflict." in out
    assert "Conflicts: 1" in out

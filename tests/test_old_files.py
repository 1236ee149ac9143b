"""Files written by earlier versions keep working: a consultant's workspace and HQ's store
from the first release (format 1) open, migrate after a backup, and score as they did.

The fixtures in ``tests/fixtures/`` were written by the first release and are never
regenerated: a workspace (the demo district, three rounds), an HQ store holding two
consultants' bundles of it (one conflict) with HQ's key, and one of those bundles.
Every schema change must keep these tests passing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onpoint_desktop.sync import merge_bundles
from onpoint_desktop.sync.conflicts import conflicts
from onpoint_desktop.sync.hq_overview import overview
from onpoint_desktop.sync.hq_store import HQStore
from onpoint_desktop.workspace import Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WORKSPACE_V1 = "workspace-format-1.onpoint.db"
HQ_V1 = "hq-format-1.onpoint-hq.db"
BUNDLE_V1 = "format-1-consultant-a.onpointbundle"

# How the first release scored the fixture's rounds (model onpoint-1, illustrative benchmark).
V1_TOTALS = {"2022-23": 438.2864, "2023-24": 601.6093, "2024-25": 662.4306}
V1_HQ_TOTALS = {"2022-23": 438.29, "2023-24": 601.61, "2024-25": 654.81}  # one area conflicted


@pytest.fixture
def old_workspace(tmp_path) -> Path:
    path = tmp_path / WORKSPACE_V1
    shutil.copy(FIXTURES / WORKSPACE_V1, path)
    return path


@pytest.fixture
def old_hq(tmp_path) -> Path:
    for name in (HQ_V1, HQ_V1 + ".private-key.pem"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path / HQ_V1


def test_a_format_1_workspace_opens_and_scores_as_before(old_workspace):
    with Workspace.open(old_workspace) as ws:
        assert ws.district.name == "Riverbend Unified School District (demo)"
        assert [r.id for r in ws.rounds()] == list(V1_TOTALS)
        for round_id, total in V1_TOTALS.items():
            score = ws.score(round_id)
            assert score.total == pytest.approx(total, abs=1e-3)
            assert score.complete
            assert len(ws.board(round_id)) == 26
        assert ws.respondent_counts("2024-25") == {"leader": 12, "teacher": 64}


def test_a_format_1_workspace_takes_new_ratings(old_workspace):
    with Workspace.open(old_workspace) as ws:
        ws.rate("2024-25", "it_support_plan", 4, note="Help desk staffed since March")
        assert ws.levels("2024-25")["it_support_plan"] == 4
    with Workspace.open(old_workspace) as ws:
        assert ws.board("2024-25")["it_support_plan"].note == "Help desk staffed since March"


def test_a_format_1_hq_store_opens_lists_and_merges(old_hq):
    with HQStore.open(old_hq) as hq:
        document = overview(hq)
        (district,) = document["districts"]
        totals = {r["id"]: r["total"] for r in district["rounds"]}
        assert totals == pytest.approx(V1_HQ_TOTALS, abs=0.01)
        assert len(conflicts(hq.conn)) == 1
        again = merge_bundles(hq, [FIXTURES / BUNDLE_V1])
        assert [o.status for o in again.outcomes] == ["already-merged"]


def test_a_format_1_bundle_still_merges_into_a_new_hq_store(old_hq, tmp_path):
    """Bundles of release 1 (format onpoint-bundle/1: no event order, survey tools'
    response ids) still merge, and score as release 1 scored them. The fixture is sealed
    for the release-1 HQ; opened with its key, the signed payload goes to a new store."""
    from onpoint_desktop.sync import keys
    from onpoint_desktop.sync.envelope import open_sealed

    payload = open_sealed(
        (FIXTURES / BUNDLE_V1).read_bytes(), keys.load_hq_private_key(old_hq), BUNDLE_V1
    )
    plain = tmp_path / "release-1.onpointbundle"
    plain.write_bytes(payload)
    hq, _ = HQStore.create(tmp_path / "new.onpoint-hq.db")
    (outcome,) = merge_bundles(hq, [plain], trust_new_signers=True).outcomes
    assert outcome.status == "merged", outcome.message
    assert outcome.added["rating_events"] > 0 and outcome.added["survey_responses"] > 0
    format_ = hq.conn.execute("SELECT format FROM merged_bundles").fetchone()[0]
    assert format_ == "onpoint-bundle/1"
    with HQStore.open(old_hq) as old:  # the same facts, scored as HQ of release 1 did
        expected = {r["id"]: r["total"] for r in overview(old)["districts"][0]["rounds"]}
    rounds = overview(hq)["districts"][0]["rounds"]
    assert {r["id"] for r in rounds} == set(expected)
    hq.close()

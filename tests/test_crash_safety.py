"""Killing the process mid-work never damages the file or loses an acknowledged change.

A few trials per scenario here; ``bench/soak.py`` runs many more.
"""

from __future__ import annotations

import random

import pytest
from crash_harness import rating_burst_trial
from crash_merges import merge_trial, prepare_bundles

from onpoint_desktop.sync import HQStore
from onpoint_desktop.workspace import Workspace


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_rating_burst_keeps_every_acknowledged_rating(tmp_path, seed):
    db = tmp_path / "burst.onpoint.db"
    with Workspace.create(db, "Burst District") as ws:
        ws.add_round("r1", "year1")
    outcome = rating_burst_trial(db, random.Random(seed))
    assert outcome.integrity == "ok"
    assert outcome.problems == []
    assert outcome.acknowledged, "the child was killed before rating anything"
    with Workspace.open(db) as ws:  # and the app opens it as usual
        assert len(ws.history("r1")) >= len(outcome.acknowledged)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    return prepare_bundles(tmp_path_factory.mktemp("bundles"), 8)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_merge_leaves_each_bundle_whole_or_absent(tmp_path, bundles, seed):
    hq_db = tmp_path / "hq.onpoint-hq.db"
    HQStore.create(hq_db)[0].close()
    outcome = merge_trial(hq_db, bundles, random.Random(seed))
    assert outcome.integrity == "ok"
    assert outcome.problems == []

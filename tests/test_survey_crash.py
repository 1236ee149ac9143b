"""Killing the process during an import leaves a sound file and whole imports only.

A few trials here; ``bench/soak.py --scenario import`` runs many, on a 100,000-row export.
"""

from __future__ import annotations

import random

import crash_imports

from onpoint_desktop.workspace import Workspace

ROUNDS = [f"r{i}" for i in range(1, 6)]
ROWS = 6_300  # 150 copies of the sample's 42 rows: 6,000 responses per import


def test_kill_during_imports(tmp_path):
    export = crash_imports.big_qualtrics_export(tmp_path / "big.csv", ROWS)
    whole = crash_imports.importable_rows(export)
    assert whole == 6_000
    rng = random.Random(11)
    for trial in range(3):
        db = tmp_path / f"crash{trial}.onpoint.db"
        with Workspace.create(db, "Crash District") as ws:
            for round_id in ROUNDS:
                ws.add_round(round_id, "year1")
        outcome = crash_imports.import_trial(db, export, ROUNDS, whole, rng.uniform(0.1, 1.2))
        assert outcome.ok, (trial, outcome)

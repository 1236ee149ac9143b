"""Killing the process during an import leaves a sound file and whole imports only."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLES
from survey_helpers import read_rows, write_rows

from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace import responses as resp_store

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = [f"r{i}" for i in range(1, 6)]
COPIES = 150  # 40 answered rows each: 6,000 responses per import

CHILD = """
import sys
from onpoint_desktop.surveys import import_survey
from onpoint_desktop.workspace import Workspace
ws = Workspace.open(sys.argv[1])
print("ready", flush=True)
for round_id in sys.argv[3:]:
    summary = import_survey(ws, sys.argv[2], round_id, "teacher")
    print(round_id, summary.rows_imported, flush=True)
"""


def big_export(tmp_path: Path) -> Path:
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    body = []
    for copy in range(COPIES):
        for row in rows[3:]:
            row = list(row)
            row[8] = f"{row[8]}_{copy}"
            body.append(row)
    return write_rows(tmp_path / "big.csv", rows[:3] + body)


def test_kill_during_imports(tmp_path):
    export = big_export(tmp_path)
    rng = random.Random(11)
    for trial in range(3):
        db = tmp_path / f"crash{trial}.onpoint.db"
        with Workspace.create(db, "Crash District") as ws:
            for round_id in ROUNDS:
                ws.add_round(round_id, "year1")
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), str(export), *ROUNDS],
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        assert child.stdout.readline().startswith("ready")
        time.sleep(rng.uniform(0.1, 1.2))
        child.send_signal(signal.SIGKILL)
        acknowledged = [line.split()[0] for line in child.stdout.read().splitlines() if line]
        child.wait()

        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = dict(
            conn.execute("SELECT round_id, count(*) FROM survey_responses GROUP BY round_id")
        )
        imports = dict(conn.execute("SELECT round_id, rows_imported FROM survey_imports"))
        conn.close()
        whole = 40 * COPIES
        for round_id in ROUNDS:
            assert counts.get(round_id, 0) in (0, whole), (trial, round_id, counts)
            assert imports.get(round_id, 0) == counts.get(round_id, 0)
        for round_id in acknowledged:
            assert counts[round_id] == whole
        with Workspace.open(db) as ws:
            stored = json.dumps(_aggregates(ws), sort_keys=True)
            with ws.transaction():
                resp_store.rebuild_aggregates(ws.conn, ws.model)
            assert json.dumps(_aggregates(ws), sort_keys=True) == stored


def _aggregates(ws) -> list:
    return [
        sorted(ws.conn.execute("SELECT * FROM survey_item_stats").fetchall()),
        sorted(ws.conn.execute("SELECT * FROM survey_component_counts").fetchall()),
    ]

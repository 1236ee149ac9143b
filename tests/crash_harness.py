"""Kill a process doing real work at a random moment, then check what survived.

A *scenario* is a child process (this file run as a script) that works on a workspace
and prints one line per acknowledged change, flushing after each, so the parent knows
what was acknowledged before it sent SIGKILL. After the kill the parent reopens the file
and checks: ``PRAGMA integrity_check`` is ok, every acknowledged change is present, and
nothing is half-applied. Used by tests (a few trials) and ``bench/soak.py`` (many). The
HQ merge and survey import scenarios' parent sides are ``crash_merges`` and
``crash_imports``; every child side is here.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    acknowledged: list[str]
    integrity: str
    problems: list[str]
    found: str = ""  # what the check found, when a scenario describes it (e.g. per round)

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and not self.problems


def _spawn(args: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, __file__, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def kill_during(args: list[str], kill_after: float) -> list[str]:
    """Run a child scenario; once it says ``ready``, SIGKILL it after ``kill_after``
    seconds. Returns the lines it printed (its acknowledgements)."""
    child = _spawn(args)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in child.stdout:
            if line.startswith("ready"):
                ready.set()
            lines.append(line)
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(timeout=120):
        child.kill()
        child.communicate()
        raise RuntimeError(f"scenario {args[0]} never became ready")
    time.sleep(kill_after)
    child.send_signal(signal.SIGKILL)
    child.wait()
    reader.join(timeout=10)
    errors = child.stderr.read()
    child.stdout.close()
    child.stderr.close()
    if child.returncode != -signal.SIGKILL:
        raise RuntimeError(f"scenario {args[0]} ended by itself: {errors[-2000:]}")
    return [line.strip() for line in lines if line.strip()]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def rating_burst_trial(db: Path, rng: random.Random) -> Outcome:
    """Kill a burst of ratings; every acknowledged rating event must be in the file."""
    acknowledged = kill_during(["rate", str(db)], rng.uniform(0.3, 1.5))
    acked = [line.split()[1] for line in acknowledged if line.startswith("event ")]
    state = integrity(db)
    problems = []
    if state == "ok":
        conn = sqlite3.connect(db)
        stored = {r[0] for r in conn.execute("SELECT uuid FROM rating_events")}
        conn.close()
        missing = [u for u in acked if u not in stored]
        if missing:
            problems.append(f"{len(missing)} acknowledged rating events lost")
    return Outcome(acked, state, problems)


# --- child side -------------------------------------------------------------------------


def _child_rate(db: str) -> None:
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(db, backup=False) as ws:
        areas = list(ws.framework.areas)
        rng = random.Random()
        print("ready", flush=True)
        while True:
            event = ws.rate("r1", rng.choice(areas), rng.choice([None, 1, 2, 3, 4]), "burst")
            print("event", event.uuid, flush=True)


def _child_merge(hq_db: str, *files: str) -> None:
    from onpoint_desktop.sync import HQStore, merge_bundles

    hq = HQStore.open(Path(hq_db))

    def acknowledge(done: int, total: int) -> None:
        print("merged", files[done - 1], flush=True)

    print("ready", flush=True)
    merge_bundles(hq, [Path(f) for f in files], trust_new_signers=True, progress=acknowledge)
    print("finished", flush=True)
    time.sleep(600)  # wait for the kill, so every trial ends the same way


def _child_merge_held(hq_db: str, *files: str) -> None:
    """A merge that trusts no new signer (their bundles are held aside)."""
    from onpoint_desktop.sync import HQStore, merge_bundles

    hq = HQStore.open(Path(hq_db))

    def acknowledge(done: int, total: int) -> None:
        print("merged", files[done - 1], flush=True)

    print("ready", flush=True)
    merge_bundles(hq, [Path(f) for f in files], progress=acknowledge)
    print("finished", flush=True)
    time.sleep(600)


def _child_import(db: str, export: str, *rounds: str) -> None:
    import onpoint_desktop.surveys.importer  # noqa: F401 - imported before the clock starts
    from onpoint_desktop.surveys import import_survey
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(db, backup=False) as ws:
        print("ready", flush=True)
        for round_id in rounds:
            summary = import_survey(ws, export, round_id, "teacher")
            print("imported", round_id, summary.rows_imported, flush=True)
    print("finished", flush=True)
    time.sleep(600)  # wait for the kill, so every trial ends the same way


if __name__ == "__main__":
    scenario, *rest = sys.argv[1:]
    {
        "rate": _child_rate,
        "merge": _child_merge,
        "merge-held": _child_merge_held,
        "import": _child_import,
    }[scenario](*rest)

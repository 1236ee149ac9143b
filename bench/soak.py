"""Crash soak: SIGKILL real work at random moments, many times, and check what survived.

For each scenario, each trial starts a child process doing the work, kills it at a random
moment, then checks the file: ``PRAGMA integrity_check`` is ok, every change the child
acknowledged is present, and nothing is half-applied.

    python bench/soak.py [--trials 50] [--scenario rate ...]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import crash_harness

SCENARIOS = {
    "rate": crash_harness.rating_burst_trial,
}


def prepare(scenario: str, folder: Path) -> Path:
    from onpoint_desktop.workspace import Workspace

    db = folder / f"{scenario}.onpoint.db"
    with Workspace.create(db, f"Soak district ({scenario})") as ws:
        ws.add_round("r1", "year1")
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    failures = 0
    for scenario in args.scenario or list(SCENARIOS):
        rng = random.Random(scenario)
        ok = acked = 0
        started = time.perf_counter()
        for _ in range(args.trials):
            with tempfile.TemporaryDirectory() as tmp:
                outcome = SCENARIOS[scenario](prepare(scenario, Path(tmp)), rng)
            acked += len(outcome.acknowledged)
            if outcome.ok:
                ok += 1
            else:
                failures += 1
                print(f"  FAILED: {outcome.integrity} {outcome.problems}")
        print(
            f"{scenario:<8} {ok}/{args.trials} trials intact, {acked} acknowledged changes "
            f"checked, {time.perf_counter() - started:.0f}s"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

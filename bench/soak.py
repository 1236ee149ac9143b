"""Crash soak: SIGKILL real work at random moments, many times, and check what survived.

For each scenario, each trial starts a child process doing the work, kills it at a random
moment, then checks the file: ``PRAGMA integrity_check`` is ok, every change the child
acknowledged is present, and nothing is half-applied. The ``hostile`` scenario merges good
bundles with hostile files interleaved (nested JSON, a zip bomb, a bundle dated 2099, a
stranger's bundle, damaged files): besides, nothing of a hostile file may be merged.

    python bench/soak.py [--trials 50] [--scenario rate|merge|hostile|import ...]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import crash_harness
import crash_imports
import crash_merges


def rate_trial(folder: Path, rng: random.Random, shared: Path) -> crash_harness.Outcome:
    from onpoint_desktop.workspace import Workspace

    db = folder / "rate.onpoint.db"
    with Workspace.create(db, "Soak district (ratings)") as ws:
        ws.add_round("r1", "year1")
    return crash_harness.rating_burst_trial(db, rng)


_bundles: list[crash_merges.BundleFact] = []


def merge_trial(folder: Path, rng: random.Random, shared: Path) -> crash_harness.Outcome:
    from onpoint_desktop.sync import HQStore

    if not _bundles:
        _bundles.extend(crash_merges.prepare_bundles(shared, 20))
    hq_db = folder / "hq.onpoint-hq.db"
    HQStore.create(hq_db)[0].close()
    return crash_merges.merge_trial(hq_db, _bundles, rng)


_hostile: list[Path] = []


def hostile_trial(folder: Path, rng: random.Random, shared: Path) -> crash_harness.Outcome:
    from onpoint_desktop.sync import HQStore

    if not _bundles:
        _bundles.extend(crash_merges.prepare_bundles(shared, 20))
    if not _hostile:
        _hostile.extend(crash_merges.prepare_hostile(shared, _bundles))
    hq_db = folder / "hq.onpoint-hq.db"
    HQStore.create(hq_db)[0].close()
    return crash_merges.hostile_merge_trial(hq_db, _bundles, list(_hostile), rng)


IMPORT_ROWS = 100_000
IMPORT_ROUNDS = ["r1", "r2"]
_export: list[tuple[Path, int]] = []


def import_trial(folder: Path, rng: random.Random, shared: Path) -> crash_harness.Outcome:
    """Two 100,000-row Qualtrics imports, one after the other (about 2 s each on the
    2-core machine this was tuned on), killed at a random moment between their start and
    a little after both finish, so most kills land inside an import."""
    from onpoint_desktop.workspace import Workspace

    if not _export:
        export = crash_imports.big_qualtrics_export(shared / "big.csv", IMPORT_ROWS)
        _export.append((export, crash_imports.importable_rows(export)))
    export, whole = _export[0]
    db = folder / "import.onpoint.db"
    with Workspace.create(db, "Soak district (imports)") as ws:
        for round_id in IMPORT_ROUNDS:
            ws.add_round(round_id, "year1")
    return crash_imports.import_trial(db, export, IMPORT_ROUNDS, whole, rng.uniform(0.0, 4.5))


SCENARIOS = {
    "rate": rate_trial,
    "merge": merge_trial,
    "hostile": hostile_trial,
    "import": import_trial,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    shared = Path(tempfile.mkdtemp(prefix="onpoint-soak-"))  # bundles, the big export
    try:
        return _run(args, shared)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def _run(args: argparse.Namespace, shared: Path) -> int:
    failures = 0
    for scenario in args.scenario or list(SCENARIOS):
        rng = random.Random(scenario)
        ok = acked = 0
        found: Counter = Counter()
        started = time.perf_counter()
        for _ in range(args.trials):
            with tempfile.TemporaryDirectory() as tmp:
                outcome = SCENARIOS[scenario](Path(tmp), rng, shared)
            acked += len(outcome.acknowledged)
            found[outcome.found] += bool(outcome.found)
            if outcome.ok:
                ok += 1
            else:
                failures += 1
                print(f"  FAILED: {outcome.integrity} {outcome.problems}")
        print(
            f"{scenario:<8} {ok}/{args.trials} trials intact, {acked} acknowledged changes "
            f"checked, {time.perf_counter() - started:.0f}s"
        )
        for state, trials in sorted(found.items()):
            if state:
                print(f"           {trials:>3} trials found {state}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

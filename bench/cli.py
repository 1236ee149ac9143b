"""Wall time of the quick CLI commands against a bare interpreter (SPEC §14).

``onpoint rate`` and ``onpoint score`` on the demo district, each run as a fresh process
the way a consultant's shell runs it, beside ``python -c pass`` measured in the same run;
medians of ``--runs`` runs (interleaved, so a busy moment hits all three alike).
SPEC §14 wants each ≤ 0.2 s on an idle machine, importing neither pandas nor matplotlib
(tests/test_cli_imports.py checks the imports).

    .venv/bin/python bench/cli.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.2


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "ONPOINT_HOME": folder}
        # As installed: compiled modules are cached (a shell that sets
        # PYTHONDONTWRITEBYTECODE would time compiling the sources on every run).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        db = str(Path(folder) / "demo.onpoint.db")
        onpoint = [sys.executable, "-m", "onpoint_desktop"]
        subprocess.run([*onpoint, "demo", db], check=True, stdout=subprocess.DEVNULL, env=env)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "onpoint rate": [*onpoint, "rate", db, "--round", "2024-25", "it_support_plan", "3"],
            "onpoint score": [*onpoint, "score", db],
        }
        for argv in commands.values():  # warm the file cache and the .pyc files
            timed(argv, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(timed(argv, env))
    bare = statistics.median(wall for wall, _ in times["python -c pass"])
    print(f"median of {args.runs} runs each (wall; CPU = user + system)")
    for name, samples in times.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        verdict = ""
        if name != "python -c pass":
            ok = "ok" if wall <= TARGET_SECONDS else "over"
            verdict = f"  {wall / bare:4.1f}× bare; target ≤ {TARGET_SECONDS} s: {ok}"
        print(f"  {name:<16} {wall * 1000:7.1f} ms wall {cpu * 1000:7.1f} ms CPU{verdict}")


if __name__ == "__main__":
    main()

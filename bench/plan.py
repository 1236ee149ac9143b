"""What-if previews and the target planner, beside the plain score computation.

On the demo district (three rounds with surveys) plus an empty board (nothing rated: the
largest search), in one run:

- *score*: the plain score computation (``scoring.compute`` from the current levels and
  the round's cached survey aggregates) — the baseline;
- *what-if*: the score one candidate level would give (``ScoreBasis.what_if``), for every
  area and level, per candidate; and preparing the basis once per board (``ScoreBasis.of``);
- *planner*: ``planner.plan`` for every target (median and p75, the total and each
  component) of every round, the slowest and the median.

Targets (SPEC §11/§14): what-if ≤ 2 ms per candidate, planner ≤ 200 ms for any target.

    python bench/plan.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from onpoint_desktop.demo import build_demo
from onpoint_desktop.planner import plan, score_basis, target_score
from onpoint_desktop.scoring import compute
from onpoint_desktop.what_if import ScoreBasis


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def ms(value: float) -> str:
    return f"{value * 1000:8.3f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = build_demo(Path(tmp) / "bench.onpoint.db")
        ws.add_round("empty", "planning")
        rounds = [r.id for r in ws.rounds()]
        score_t, basis_t, what_if_t, plan_t = [], [], [], []
        for round_id in rounds:
            rnd = ws.get_round(round_id)
            model = ws.round_model(round_id)
            levels, survey = ws.levels(round_id), ws.survey_aggregates(round_id)
            bench = ws.benchmark(model.id)
            score_t += timed(
                partial(compute, model, ws.framework, levels, survey, rnd.stage, bench),
                args.repeat,
            )
            basis_t += timed(
                partial(ScoreBasis.of, model, ws.framework, levels, survey), args.repeat
            )
            basis = score_basis(ws, round_id)
            for area in ws.framework.areas:
                for level in (None, 1, 2, 3, 4):
                    what_if_t += timed(partial(basis.what_if, {area: level}), 5)
            for which in ("median", "p75"):
                for key in (None, *model.component_ids):
                    target = target_score(ws, round_id, which, key)
                    plan_t += timed(partial(plan, basis, target, key), 3)
        ws.close()
    base = statistics.median(score_t)
    rows = [
        ("plain score (compute)", statistics.median(score_t)),
        ("what-if basis, once per board", statistics.median(basis_t)),
        ("what-if, per candidate (median)", statistics.median(what_if_t)),
        ("what-if, per candidate (p99)", sorted(what_if_t)[int(len(what_if_t) * 0.99)]),
        ("planner, any target (median)", statistics.median(plan_t)),
        ("planner, any target (slowest)", max(plan_t)),
    ]
    print(f"Rounds: {', '.join(rounds)}; {len(plan_t)} planner runs")
    for name, value in rows:
        print(f"{name:<34} {ms(value)}   {value / base:8.2f}× the plain score")
    what_if_ok = sorted(what_if_t)[int(len(what_if_t) * 0.99)] <= 0.002
    plan_ok = max(plan_t) <= 0.200
    print(f"what-if ≤ 2 ms per candidate: {'yes' if what_if_ok else 'NO'}")
    print(f"planner ≤ 200 ms for any target: {'yes' if plan_ok else 'NO'}")
    return 0 if what_if_ok and plan_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Live-score cost after a rating change, at 0, 1,000 and 100,000 survey responses.

For each size the script builds a workspace, then repeatedly changes a rating and
recomputes the score the way the GUI does (``Workspace.rate`` then ``Workspace.score``),
timing the score alone. In the same run it times two baselines on the same file:

- *bare*: the minimum any score must do, one SQL query for the current levels;
- *rescan*: recomputing survey means from the stored responses (what the score would
  cost without aggregates), to show that the live score does not grow with responses.

Target (SPEC §7): ≤ 2 ms, flat in the number of responses.

    python bench/score.py [--repeat 300]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID, shipped_model
from onpoint_desktop.workspace import Response, Workspace

SIZES = (0, 1_000, 100_000)


def build(path: Path, n_responses: int) -> Workspace:
    ws = Workspace.create(path, f"Bench district ({n_responses} responses)")
    ws.add_round("r1", "year1")
    for area in list(ws.framework.areas)[::2]:
        ws.rate("r1", area, 3, author="bench")
    rng = random.Random(n_responses)
    for role, share in (("teacher", 0.85), ("leader", 0.15)):
        items = ws.current_model.instruments[role].item_ids
        count = int(n_responses * share)
        batch = [
            Response(
                f"{role}-{i}",
                {item: rng.randint(1, 5) for item in items if rng.random() > 0.05},
                school=f"School {i % 12}",
            )
            for i in range(count)
        ]
        if batch:
            ws.add_survey_responses("r1", role, batch)
    return ws


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_size(n_responses: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        ws = build(Path(tmp) / "bench.onpoint.db", n_responses)
        areas = list(ws.framework.areas)
        ws.score("r1")  # warm the aggregate cache, as the open GUI has it
        live, bare, rescan = [], [], []
        for i in range(repeat):
            ws.rate("r1", areas[i % len(areas)], 1 + i % 4, author="bench")
            t0 = time.perf_counter()
            ws.score("r1")
            live.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ws.conn.execute(
                "SELECT area_id, level FROM rating_events WHERE round_id = ? ORDER BY created_at",
                ("r1",),
            ).fetchall()
            bare.append(time.perf_counter() - t0)
        for _ in range(3):
            t0 = time.perf_counter()
            for (answers,) in ws.conn.execute(
                "SELECT answers FROM survey_responses WHERE round_id = 'r1'"
            ):
                json.loads(answers)
            rescan.append(time.perf_counter() - t0)
        ws.close()
    return {"live": median_ms(live), "bare": median_ms(bare), "rescan": median_ms(rescan)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    shipped_model(DEFAULT_MODEL_ID)  # load the resources before timing
    print(f"{'responses':>10} {'live score':>11} {'bare query':>11} {'ratio':>6} {'rescan':>10}")
    for n in SIZES:
        r = bench_size(n, args.repeat)
        print(
            f"{n:>10,} {r['live']:>9.3f}ms {r['bare']:>9.3f}ms {r['live'] / r['bare']:>6.1f}"
            f" {r['rescan']:>8.1f}ms"
        )
    print("target: live score <= 2 ms and flat in the number of responses")


if __name__ == "__main__":
    main()

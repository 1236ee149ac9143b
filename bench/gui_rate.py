"""Rating in the GUI: key press to repainted score panel (SPEC §14), offscreen.

Builds a district whose round holds 100,000 survey responses, opens it in the main window
(1366×740) and presses level keys on a focused tile, each press changing the rating. One
sample is the time from the key press (``QTest.keyClick``, the real path: the tile's key
binding, the undo command writing the rating event through the core, the score, the one
change notification) until the panel has repainted what changed: the component bars with
the components tab on screen, the trend chart with the trend tab. In the same run it times
a bare baseline: a plain widget of the panel's size asked to repaint.

Targets: p90 ≤ 16 ms with the components tab, ≤ 33 ms with the trend tab. Exits 1 when one
is missed.

    python bench/gui_rate.py [--presses 200] [--responses 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from onpoint_desktop.workspace import Response, Workspace

TARGETS_MS = {"components": 16.0, "trend": 33.0}
AREA = "pl_rollout_plan"


def build(path: Path, n_responses: int) -> None:
    """Three rounds (for the trend), the last one rated and holding the responses."""
    ws = Workspace.create(path, "Bench district")
    rng = random.Random(n_responses)
    for round_id, stage in (("2022-23", "planning"), ("2023-24", "year1"), ("2024-25", "year2")):
        ws.add_round(round_id, stage)
        for area in ws.framework.areas:
            ws.rate(round_id, area, rng.randint(1, 4), author="bench")
    for role, share in (("teacher", 0.85), ("leader", 0.15)):
        items = ws.current_model.instruments[role].item_ids
        batch = [
            Response(
                f"{role}-{i}",
                {item: rng.randint(1, 5) for item in items if rng.random() > 0.05},
                school=f"School {i % 12}",
            )
            for i in range(int(n_responses * share))
        ]
        ws.add_survey_responses("2024-25", role, batch)
    ws.close()


class PaintWatch(QObject):
    """Counts the paint events of one widget."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def until_painted(app: QApplication, watch: PaintWatch, before: int, pending=lambda: False) -> None:
    """Run the event loop until the watched widget painted again and nothing is pending."""
    for _ in range(1000):
        app.processEvents()
        if watch.paints > before and not pending():
            return
    raise RuntimeError("the widget never repainted")


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=10, method="inclusive")
    return statistics.median(samples) * 1000, cuts[8] * 1000


def time_presses(app, window, watch, presses: int, pending) -> list[float]:
    tile = window.board.tiles[AREA]
    tile.setFocus()
    samples = []
    for i in range(presses + 10):
        key = Qt.Key(Qt.Key.Key_1.value + i % 4)
        if window.session.rating(AREA).level == i % 4 + 1:
            key = Qt.Key.Key_0  # clear instead, so every press changes something
        before = watch.paints
        t0 = time.perf_counter()
        QTest.keyClick(tile, key)
        until_painted(app, watch, before, pending)
        if i >= 10:  # the first presses warm caches and imports
            samples.append(time.perf_counter() - t0)
    return samples


def time_baseline(app, size, presses: int) -> list[float]:
    bare = QWidget()
    bare.resize(size)
    bare.show()
    watch = PaintWatch(bare)
    app.processEvents()
    samples = []
    for _ in range(presses):
        before = watch.paints
        t0 = time.perf_counter()
        bare.update()
        until_painted(app, watch, before)
        samples.append(time.perf_counter() - t0)
    bare.close()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ONPOINT_HOME"] = tmp
        path = Path(tmp) / "bench.onpoint.db"
        started = time.perf_counter()
        build(path, args.responses)
        print(
            f"built a district with {args.responses:,} responses in the round "
            f"({time.perf_counter() - started:.1f} s)"
        )
        from ui.main_window import MainWindow
        from ui.session import DistrictSession
        from ui.settings import AppSettings

        window = MainWindow(DistrictSession(Workspace.open(path)), AppSettings())
        window.resize(1366, 740)
        window.show()
        app.processEvents()
        panel = window.panel
        results = {}
        results["bare repaint"] = time_baseline(app, panel.size(), args.presses)
        panel.tabs.setCurrentWidget(panel.components_page)
        results["components"] = time_presses(
            app, window, PaintWatch(panel.bars), args.presses, lambda: False
        )
        panel.tabs.setCurrentWidget(panel.trend_page)
        app.processEvents()
        results["trend"] = time_presses(
            app, window, PaintWatch(panel.trend_chart), args.presses, lambda: False
        )
        window.close()
        window.shutdown()
    base_p50, _ = percentiles(results["bare repaint"])
    missed = []
    print(f"{'':16}{'p50 ms':>9}{'p90 ms':>9}{'target p90':>12}{'p50 / bare':>12}")
    for name, samples in results.items():
        p50, p90 = percentiles(samples)
        target = TARGETS_MS.get(name)
        ratio = p50 / base_p50 if base_p50 else float("nan")
        shown = f"≤ {target:.0f}" if target else ""
        print(f"{name:16}{p50:9.2f}{p90:9.2f}{shown:>12}{ratio:12.1f}")
        if target and p90 > target:
            missed.append(f"{name}: p90 {p90:.1f} ms > {target:.0f} ms")
    for line in missed:
        print(f"MISSED {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    code = main()
    # Leave without tearing Qt down from the garbage collector (the run is over).
    sys.stdout.flush()
    os._exit(code)

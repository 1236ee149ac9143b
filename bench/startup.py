"""Start-up: launch-to-shown of Onpoint Desktop against a bare PySide6 window.

Each launch is a fresh Python process (interpreter start, imports, window, first paint),
timed from just before ``Popen`` to the moment the child reports that its window was
first painted (its charts are drawn natively, with the window). Both programs run in
the same session, interleaved, several times; the script prints medians and the ratio
app / bare. SPEC §7: shown ≤ 1.5 s.

    python bench/startup.py [--repeats 7] [--platform offscreen]

Uses ``QT_QPA_PLATFORM=offscreen`` unless ``--platform`` says otherwise (e.g. ``xcb``
under a real or virtual X server), and a temporary ``ONPOINT_HOME`` holding the demo.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import time
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False
    def event(self, event):
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            QTimer.singleShot(0, self.report)
        return handled
    def report(self):
        print(f"SHOWN {time.time()!r}", flush=True)
        QTimer.singleShot(0, app.quit)

app = QApplication([])
window = Window()
window.setWindowTitle("bare")
window.resize(1340, 720)
window.show()
app.exec()
"""

APP = """
import sys, time
from PySide6.QtWidgets import QApplication
from ui.app import run

def shown():
    print(f"SHOWN {time.time()!r}", flush=True)
    window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
    window.close()

sys.exit(run([sys.argv[1]], on_shown=shown))
"""


def launch(code: str, env: dict[str, str], *args: str) -> dict[str, float]:
    """Run one child; return seconds from launch to each event it reported."""
    start = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise SystemExit(f"child failed ({result.returncode}):\n{result.stderr}")
    times = {}
    for line in result.stdout.splitlines():
        name, _, stamp = line.partition(" ")
        if name == "SHOWN":
            times[name] = float(stamp) - start
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--platform", default="offscreen")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, ONPOINT_HOME=home, QT_QPA_PLATFORM=args.platform)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        sys.path.insert(0, str(ROOT))
        os.environ["ONPOINT_HOME"] = home
        from onpoint_desktop import paths
        from onpoint_desktop.demo import build_demo

        demo = paths.demo_workspace_path()
        build_demo(demo).close()

        launch(BARE, env)  # warm the file cache for both before timing
        launch(APP, env, str(demo))
        bare, shown = [], []
        for _ in range(args.repeats):
            bare.append(launch(BARE, env)["SHOWN"])
            shown.append(launch(APP, env, str(demo))["SHOWN"])

    b, s = (statistics.median(x) for x in (bare, shown))
    print(f"start-up, {args.repeats} launches each, QT_QPA_PLATFORM={args.platform}")
    print(f"  bare PySide6 window shown     median {b * 1000:7.0f} ms")
    print(f"  Onpoint Desktop window shown  median {s * 1000:7.0f} ms   ratio {s / b:.2f}x bare")
    verdict = "within" if s <= 1.5 else "OVER"
    print(f"  SPEC 7 target: window shown <= 1500 ms -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

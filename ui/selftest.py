"""``onpoint-desktop --self-test``: prove an installed (or frozen) app works, end to end.

Offscreen, in a throw-away folder (nothing of the user's is read or written): builds the
demo district, opens it in the main window, checks the score shown equals the core's,
writes a Word report and a sync bundle, verifies the bundle, and exits 0. Any failure is
printed with the step it happened in, and the exit code is 1. A log is also written to
``self-test.log`` beside the report, because a windowed Windows build has no console.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path


class SelfTest:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lines: list[str] = []
        self.started = time.perf_counter()

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)

    def step(self, name: str, action: Callable[[], str]) -> None:
        started = time.perf_counter()
        detail = action()
        self.say(f"ok   {name:<22} {time.perf_counter() - started:6.2f}s  {detail}")

    def write_log(self) -> None:
        (self.folder / "self-test.log").write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def run_self_test(keep: Path | None = None) -> int:
    """Run every step; returns the process exit code."""
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="onpoint-self-test-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["ONPOINT_HOME"] = str(folder / "home")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("ONPOINT_AUTHOR", "Self-test")
    test = SelfTest(folder)
    from onpoint_desktop import APP_NAME, __version__

    test.say(f"{APP_NAME} {__version__} self-test in {folder}")
    state: dict = {}
    try:
        test.step("resources", lambda: _resources())
        test.step("demo district", lambda: _demo(folder, state))
        test.step("main window + score", lambda: _window(state))
        test.step("Word report", lambda: _report(folder, state))
        test.step("sync bundle", lambda: _bundle(folder, state))
        test.step("SPSS reader process", lambda: _spss(folder))
        test.step("HQ summary workers", lambda: _summary_workers(folder))
    except Exception:  # a self-test reports every failure, whatever its kind
        test.say("FAILED")
        test.say(traceback.format_exc())
        test.write_log()
        return 1
    finally:
        if "ws" in state:
            state["ws"].close()
    test.say(f"self-test passed in {time.perf_counter() - test.started:.1f}s")
    test.write_log()
    return 0


def _resources() -> str:
    from onpoint_desktop.evidence.instruments import conditions_instrument, walkthrough_instrument
    from onpoint_desktop.framework import framework
    from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID, shipped_model

    areas = len(framework().areas)
    model = shipped_model(DEFAULT_MODEL_ID)
    elements = len(walkthrough_instrument().elements)
    conditions = len(conditions_instrument().conditions)
    return (
        f"{areas} focus areas, model {model.id}, {len(model.recommendations)} recommendation "
        f"texts, {elements} walkthrough elements, {conditions} conditions for scale"
    )


def _demo(folder: Path, state: dict) -> str:
    from onpoint_desktop.demo import build_demo

    state["path"] = folder / "demo.onpoint.db"
    state["ws"] = build_demo(state["path"])
    return f"{state['ws'].district.name}, {len(state['ws'].rounds())} rounds"


def _window(state: dict) -> str:
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.session import DistrictSession
    from ui.settings import AppSettings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    from onpoint_desktop.workspace import Workspace

    window = MainWindow(DistrictSession(Workspace.open(state["path"])), AppSettings())
    window.show()
    app.processEvents()
    shown = window.panel.total_label.text()
    core = state["ws"].score()
    if shown != f"{core.total:.1f}":
        raise AssertionError(f"window shows {shown!r}, core computes {core.total:.1f}")
    blank = [a.iconText() for a in window.toolbar.actions() if a.data() and a.icon().isNull()]
    if blank:
        raise AssertionError(f"toolbar icons missing: {', '.join(blank)}")
    from ui.help import guide_markdown, readme_path

    if "## The desktop app" not in guide_markdown(readme_path().read_text(encoding="utf-8")):
        raise AssertionError(f"the user guide ({readme_path()}) has no desktop-app section")
    window.close()
    window.shutdown()
    app.processEvents()
    return f"Onpoint score {core.total:.1f} ({core.total_band} the benchmark)"


def _report(folder: Path, state: dict) -> str:
    from docx import Document

    from onpoint_desktop.report import write_report

    out = write_report(state["ws"], None, folder / "report.docx")
    text = "\n".join(p.text for p in Document(out).paragraphs)
    total = f"{state['ws'].score().total:.1f}"
    if total not in text:
        raise AssertionError(f"the report does not state the score {total}")
    return f"{out.name}, {out.stat().st_size / 1e3:.0f} kB"


def _bundle(folder: Path, state: dict) -> str:
    from onpoint_desktop.sync import export_bundle, open_bundle

    out = folder / "demo.onpointbundle"
    export_bundle(state["path"], out, seal=False)
    bundle = open_bundle(out)
    if bundle.district_uuid != state["ws"].district.uuid:
        raise AssertionError("the bundle names another district")
    content = bundle.content
    return (
        f"{out.name}: {len(content.rating_events)} rating events, "
        f"{len(content.survey_responses)} responses, signature ok"
    )


def _spss(folder: Path) -> str:
    """An SPSS file read back by the reader's own process (spawned: in a frozen app this
    proves the executable starts its child and the child has ReadStat)."""
    import pandas as pd
    import pyreadstat

    from onpoint_desktop.surveys.readers.sav_process import read_sav

    path = folder / "self-test.sav"
    frame = pd.DataFrame({"Q1": [1.0, 4.0, 5.0], "Q2": [2.0, 3.0, 4.0]})
    pyreadstat.write_sav(frame, str(path), column_labels=["Plans are shared", "Time to plan"])
    read, meta = read_sav(str(path))
    if read.values.tolist() != frame.values.tolist() or meta.column_names != ["Q1", "Q2"]:
        raise AssertionError(f"{path.name} read back as {read.values.tolist()}")
    return f"{path.name}: {len(read)} rows, {meta.column_labels[0]!r}"


def _summary_workers(folder: Path) -> str:
    """The demo bundle merged at a scratch HQ, its rounds scored again by the spawned
    workers of a national merge (``summary_pool``: in a frozen app this proves the
    executable starts them and they read the store) exactly as here."""
    from onpoint_desktop.sync import HQStore, hq_summaries, merge_bundles, summary_pool

    hq, _ = HQStore.create(folder / "self-test.onpoint-hq.db")
    try:
        merge_bundles(hq, [folder / "demo.onpointbundle"], trust_new_signers=True)
        here = hq.conn.execute("SELECT * FROM round_summaries ORDER BY round_id").fetchall()
        with hq.transaction():
            hq.conn.execute("DELETE FROM round_summaries")
        least, summary_pool.MIN_DISTRICTS = summary_pool.MIN_DISTRICTS, 1
        try:
            hq_summaries.bring_up_to_date(hq)
        finally:
            summary_pool.MIN_DISTRICTS = least
        there = hq.conn.execute("SELECT * FROM round_summaries ORDER BY round_id").fetchall()
    finally:
        hq.close()
    if there != here or not here:
        raise AssertionError("the summary workers scored the demo rounds differently")
    return f"{len(there)} rounds scored by worker processes as here"

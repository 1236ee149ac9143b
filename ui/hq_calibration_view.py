"""Calibration cases in the HQ window (SPEC §13): publishing one, and the results.

HQ store ▸ Publish calibration case… is ``onpoint hq calibration-case`` (run on a worker:
``hq_jobs.publish_case_file``).

Each case HQ published, with every consultant who rated it blind against HQ's anchor:
areas, exact %, within one %, quadratic-weighted kappa, calibrated or not, and the areas
of widest disagreement — as ``calibration_ratings.case_agreement`` gives them (read off
the GUI thread with the rest of the store, ``hq_jobs.read_store``). Nothing is computed
here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QVBoxLayout, QWidget

from onpoint_desktop import framework, paths
from onpoint_desktop.english import counted
from onpoint_desktop.sync.calibration_ratings import CaseResult
from onpoint_desktop.sync.hq_calibration import CALIBRATED
from ui.dialogs import WORKSPACE_FILTER, show_failure, show_message
from ui.hq_dashboard import DASH, _fill, _table

if TYPE_CHECKING:
    from ui.hq_window import HQWindow
    from ui.workers import Worker

CASE_FILTER = "Calibration cases (*.onpointcase)"

CASE_COLUMNS = (
    "Calibration case",
    "Consultant",
    "Areas",
    "Exact",
    "Within one",
    "Kappa",
    "Calibrated",
    "Widest disagreement",
)
VERDICT = {True: "yes", False: "no", None: "too few areas"}


class CaseResults(QWidget):
    """One row per (case, consultant); a case nobody rated yet gets a row of its own."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.table = _table(CASE_COLUMNS, "Calibration cases: consultants against HQ's anchor")
        layout.addWidget(self.table)

    def show_cases(self, cases: tuple[CaseResult, ...]) -> None:
        fw = framework.framework()
        raters = sum(len(c.raters) for c in cases)
        self.label.setText(
            f"Calibration cases: {counted(len(cases), 'case')} published; "
            f"{counted(raters, 'set')} of ratings by consultants so far, each compared with "
            f"HQ's anchor (kappa {CALIBRATED:.2f} or more is calibrated)."
            if cases
            else "Calibration cases: none published yet (HQ store ▸ Publish calibration "
            "case…, or 'onpoint hq calibration-case')."
        )
        rows = []
        for case in cases:
            if not case.raters:
                rows.append([case.name, "nobody yet", *[DASH] * 6])
            for r in case.raters:
                rows.append(
                    [
                        case.name,
                        r.name,
                        str(r.areas),
                        f"{100 * r.exact:.0f}%",
                        f"{100 * r.within_one:.0f}%",
                        DASH if r.kappa is None else f"{r.kappa:.2f}",
                        VERDICT[r.calibrated],
                        ", ".join(fw.areas[a].label for a, _ in r.widest[:3]) or DASH,
                    ]
                )
        _fill(self.table, rows)


class CasePublishing:
    """HQ store ▸ Publish calibration case…: a fictional district from a rated workspace,
    signed by HQ; the anchor ratings stay in the store."""

    def __init__(self, window: HQWindow) -> None:
        self.window = window
        self.action = QAction("Publish &calibration case…", window)
        self.action.setStatusTip(
            "A fictional district from a rated workspace for consultants to rate blind; "
            "HQ's own ratings (the anchor) stay in this store"
        )
        self.action.triggered.connect(self.choose)

    def choose(self) -> None:
        window = self.window
        source, _ = QFileDialog.getOpenFileName(
            window, "Make a calibration case from", str(paths.documents_dir()), WORKSPACE_FILTER
        )
        if not source:
            return
        name, ok = QInputDialog.getText(
            window,
            "Calibration case",
            "The fictional district's name (leave blank and one is made up; never the real "
            "district's):",
        )
        if not ok:
            return
        suggested = paths.documents_dir() / f"{name.strip() or 'Calibration case'}.onpointcase"
        out, _ = QFileDialog.getSaveFileName(
            window, "Save the calibration case", str(suggested), CASE_FILTER
        )
        if out:
            self.publish(Path(source), Path(out), name.strip() or None)

    def publish(self, source: Path, out: Path, name: str | None, surveys: bool = True) -> Worker:
        from ui.hq_jobs import publish_case_file

        return self.window._run(
            "Publishing the calibration case",
            publish_case_file,
            self.window.path,
            source,
            out,
            name,
            surveys,
            on_result=self._published,
            on_error=lambda exc: show_failure(self.window, "No calibration case was written", exc),
        )

    def _published(self, case) -> None:
        show_message(
            self.window,
            "Calibration case published",
            f"Calibration case “{case.name}” saved as {case.path.name}, signed by HQ.",
            f"{counted(case.rounds, 'round')}, {counted(case.evidence_notes, 'evidence note')}, "
            f"{counted(case.survey_responses, 'survey response')}; no rating travels with it. "
            f"HQ's anchor ({counted(case.anchors, 'rated area')}) stays in this store. "
            "Consultants open the file with File ▸ Open calibration case… and rate it blind; "
            "their bundles bring the ratings back.",
            path=case.path,
        )
        self.window.refresh()

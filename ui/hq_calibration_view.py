"""The calibration cases in the HQ window's national picture (SPEC §13).

Each case HQ published, with every consultant who rated it blind against HQ's anchor:
areas, exact %, within one %, quadratic-weighted kappa, calibrated or not, and the areas
of widest disagreement — as ``calibration_ratings.case_agreement`` gives them (read off
the GUI thread with the rest of the store, ``hq_jobs.read_store``). Nothing is computed
here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from onpoint_desktop import framework
from onpoint_desktop.english import counted
from onpoint_desktop.sync.calibration_ratings import CaseResult
from onpoint_desktop.sync.hq_calibration import CALIBRATED
from ui.hq_dashboard import DASH, _fill, _table

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
            else "Calibration cases: none published yet ('onpoint hq calibration-case HQ_DB "
            "--from WORKSPACE -o CASE')."
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

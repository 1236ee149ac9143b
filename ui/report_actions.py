"""File ▸ Export Word report… and File ▸ Export PDF…: the report of the round on screen,
written on a worker.

The core writes the document (``onpoint_desktop.report.write_report``) atomically on a
connection of the worker's own: a failure or a cancel leaves no file. A PDF is the same
report converted by LibreOffice; without LibreOffice the action says what to install
before asking for a file name. The consultant named on the cover is the author set in
Preferences.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow

from onpoint_desktop.workspace import Workspace
from ui.dialogs import show_error, show_failure, show_message
from ui.workers import Worker, run_with_progress

REPORT_FILTER = "Word documents (*.docx)"
PDF_FILTER = "PDF documents (*.pdf)"


def write_round_report(
    workspace_path: Path,
    round_id: str,
    out: Path,
    consultant: str | None,
    progress=None,
    cancel=None,
) -> Path:
    """Write the report from a connection of the worker's own."""
    from onpoint_desktop.report import write_report

    with Workspace.open(workspace_path, backup=False) as ws:
        return write_report(
            ws, round_id, out, consultant=consultant, progress=progress, cancel=cancel
        )


def safe_file_name(text: str) -> str:
    """``text`` without the characters file systems refuse."""
    return re.sub(r'[\\/:*?"<>|]+', " ", text).strip() or "report"


class ReportActions:
    """The report action of the main window."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.worker: Worker | None = None
        self.export_action = QAction("Export Word &report…", window)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setStatusTip("Write the district's report for the round on screen")
        self.export_action.triggered.connect(self.export_report)
        self.pdf_action = QAction("Export &PDF…", window)
        self.pdf_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.pdf_action.setStatusTip(
            "Write the district's report for the round on screen as PDF (needs LibreOffice)"
        )
        self.pdf_action.triggered.connect(self.export_pdf)

    def suggested_path(self, suffix: str = ".docx") -> Path:
        session = self.window.session
        rnd = session.current_round
        name = f"{session.district_name} {rnd.label if rnd else ''}"
        return self.window.settings.default_folder() / f"{safe_file_name(name)}{suffix}"

    def export_report(self) -> None:
        """Ask where to save, then write the Word report."""
        self._export("Export Word report", ".docx", REPORT_FILTER)

    def export_pdf(self) -> None:
        """Say what to install when LibreOffice is missing; else ask where, then write."""
        from onpoint_desktop.report.pdf import INSTALL_HINT, find_office

        if self.window.session.round_id is not None and find_office() is None:
            show_error(self.window, "PDF export needs LibreOffice", INSTALL_HINT)
            return
        self._export("Export PDF", ".pdf", PDF_FILTER)

    def _export(self, title: str, suffix: str, file_filter: str) -> None:
        if self.window.session.round_id is None:
            show_error(self.window, "Add a round first", "A report describes one round; add one.")
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, title, str(self.suggested_path(suffix)), file_filter
        )
        if chosen:
            path = Path(chosen)
            self.write(path if path.suffix else path.with_suffix(suffix))

    def write(self, out: Path) -> Worker:
        """Write the report of the round on screen to ``out`` on a worker."""
        session = self.window.session
        self.worker = run_with_progress(
            self.window,
            "Writing the report",
            write_round_report,
            session.path,
            session.round_id,
            out,
            session.author,
            on_result=self._written,
            on_error=lambda exc: show_failure(self.window, "The report was not written", exc),
        )
        return self.worker

    def _written(self, path: Path) -> None:
        self.window.statusBar().showMessage(f"Report saved: {path}", 8000)
        show_message(
            self.window,
            "Report saved",
            f"The report was saved as {path.name}.",
            f"Folder: {path.parent}",
            path=path,
            open_text="&Open report",
        )

"""A calibration case in the main window (SPEC §13): open it, see it is one, rate it blind.

File ▸ Open calibration case… is ``onpoint calibration open``: the core checks HQ's
signature and writes the case as a workspace (``sync.calibration_open.open_case``), which
the window then opens. While a case is on screen a banner above the board says so
(``CaseInfo.banner``) and shows HQ's evidence note for the selected focus area (``onpoint
calibration evidence``); every action that would change the district — add, rename,
restage or delete a round, import or remove surveys, walkthroughs and conditions, the
district's own ratings — is disabled here and refused in the core anyway. Rating stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QFrame, QLabel, QVBoxLayout, QWidget

from onpoint_desktop.errors import OnpointError
from ui.dialogs import WORKSPACE_FILTER, show_error

if TYPE_CHECKING:
    from ui.main_window import MainWindow

CASE_FILTER = "Calibration cases (*.onpointcase *.json);;All files (*)"


class CaseBanner(QFrame):
    """The line above the board while a calibration case is open, with HQ's evidence."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("calibrationBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#calibrationBanner { background: #fff4d6; border: 1px solid #e0b84f; }"
            "#calibrationBanner QLabel { color: #3a2e00; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.title = QLabel()
        self.title.setObjectName("calibrationBannerTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.evidence = QLabel()
        self.evidence.setObjectName("calibrationEvidence")
        self.evidence.setWordWrap(True)
        self.evidence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        layout.addWidget(self.evidence)
        self.hide()


class CaseMode:
    """The main window's calibration-case action, banner and locks."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.open_action = QAction("Open &calibration case…", window)
        self.open_action.setStatusTip(
            "Open a calibration case HQ sent (signed by HQ) to rate it blind; your ratings "
            "go back to HQ in your next bundle"
        )
        self.open_action.triggered.connect(self.choose_case)
        self.banner = CaseBanner()
        window.board.selectionChanged.connect(self.show_evidence)

    def wrap(self, central: QWidget) -> QWidget:
        """``central`` with the banner above it (the window's central widget)."""
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(central, 1)
        return holder

    def _district_actions(self) -> tuple[list[QAction], list[QAction]]:
        """The actions that change the district: those the window enables by the round on
        screen, and those it leaves enabled (this class gives them back after a case)."""
        w = self.window
        by_round = [w.import_action, *w.round_actions.actions, w.evidence.walkthrough_action]
        always = [
            w.add_round_action,
            w.imports_action,
            w.evidence.evidence_action,
            w.evidence.view_actions["district"],
            w.evidence.view_actions["gap"],
        ]
        return by_round, always

    def update(self) -> None:
        """After the window enabled what applies to the round: lock the district of a case."""
        session = self.window.session
        case = session.calibration_case
        self.banner.setVisible(case is not None)
        by_round, always = self._district_actions()
        if case is None:
            for action in always:
                action.setEnabled(True)
            return
        if session.board_view != "expert":
            session.set_board_view("expert")  # the case is rated by the consultant alone
        for action in by_round + always:
            action.setEnabled(False)
        self.banner.title.setText(case.banner)
        self.show_evidence(self.window.board.selected_area)

    def show_evidence(self, area_id: str) -> None:
        session = self.window.session
        if session is None or session.calibration_case is None or session.round_id is None:
            return
        area = session.framework.areas[area_id]
        note = session.workspace.case_evidence(session.round_id).get(area_id)
        self.banner.evidence.setText(
            f"HQ's evidence for {area.label}: {note}"
            if note
            else f"HQ's evidence for {area.label}: no note; rate it from the rest of the "
            "evidence, or leave it unrated."
        )

    def choose_case(self) -> None:
        session = self.window.session
        start = str(session.path.parent if session else self.window.settings.default_folder())
        case, _ = QFileDialog.getOpenFileName(
            self.window, "Open calibration case", start, CASE_FILTER
        )
        if not case:
            return
        from onpoint_desktop.sync.calibration_open import default_workspace_path

        out, _ = QFileDialog.getSaveFileName(
            self.window,
            "Save the case's workspace as",
            str(default_workspace_path(case)),
            WORKSPACE_FILTER,
        )
        if out:
            self.open_case(Path(case), Path(out))

    def open_case(self, case: Path, out: Path) -> bool:
        """Check ``case`` and open it as the workspace ``out``; on a refusal say why."""
        from onpoint_desktop.sync.calibration_open import open_case

        try:
            path = open_case(case, out, author=self.window.settings.author())
        except OnpointError as exc:
            show_error(self.window, "Could not open the calibration case", exc)
            return False
        return self.window.open_workspace(path)

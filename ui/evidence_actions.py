"""The Visit menu and the board's Expert / District / Gap switch (SPEC §12).

Visit ▸ Record a walkthrough… (Ctrl+Shift+W) opens the keyboard-first walkthrough form;
Visit ▸ Visit evidence… (Ctrl+Shift+V) the profile, perspectives and conditions window.
The board's switch (also Ctrl+Alt+1, 2, 3) shows the expert's ratings (the scored ones),
the district team's own (the same keys rate them), or the gap between the two.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QMenu, QToolButton, QWidget

from ui.session import BOARD_VIEWS, DistrictSession

VIEW_TIPS = {
    "expert": "The consultant's ratings: the ones the Onpoint score reads",
    "district": "The district team's own ratings (not scored); the same keys rate them",
    "gap": "Both ratings on each tile, with the district's minus the expert's",
}


class EvidenceActions:
    """Visit evidence actions of the main window."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.session: DistrictSession | None = None
        self.evidence_window = None
        self.walkthrough_action = QAction("Record a &walkthrough…", window)
        self.walkthrough_action.setShortcut(QKeySequence("Ctrl+Shift+W"))
        self.walkthrough_action.setStatusTip(
            "Record one observed classroom on the Core Four (no teacher or student names)"
        )
        self.walkthrough_action.triggered.connect(self.record_walkthrough)
        self.evidence_action = QAction("Visit &evidence…", window)
        self.evidence_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.evidence_action.setStatusTip(
            "The walkthrough profile, the district's own view and the conditions for scale"
        )
        self.evidence_action.triggered.connect(self.show_evidence)
        self.view_group = QActionGroup(window)
        self.view_actions: dict[str, QAction] = {}
        for number, (view, label) in enumerate(BOARD_VIEWS.items(), start=1):
            action = QAction(f"&{label} ratings" if view != "gap" else "&Gap", window)
            action.setIconText(label)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{number}"))
            action.setStatusTip(VIEW_TIPS[view])
            action.setToolTip(f"{VIEW_TIPS[view]} (Ctrl+Alt+{number})")
            action.triggered.connect(lambda _=False, v=view: self.session.set_board_view(v))
            self.view_group.addAction(action)
            self.view_actions[view] = action
        self.view_actions["expert"].setChecked(True)
        window.addActions(list(self.view_actions.values()))

    def fill_menu(self, menu: QMenu) -> None:
        menu.addAction(self.walkthrough_action)
        menu.addAction(self.evidence_action)
        menu.addSeparator()
        board = menu.addMenu("&Board shows")
        board.addActions(list(self.view_actions.values()))

    def view_switch(self) -> QWidget:
        """The board's switch (for the toolbar): three toggle buttons, one per view."""
        bar = QWidget()
        bar.setObjectName("boardViewSwitch")
        row = QHBoxLayout(bar)
        row.setContentsMargins(6, 0, 6, 0)
        row.setSpacing(2)
        row.addWidget(QLabel("Board:"))
        for action in self.view_actions.values():
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            row.addWidget(button)
        return bar

    def set_session(self, session: DistrictSession) -> None:
        if self.session is not None:
            self.session.viewChanged.disconnect(self._view_changed)
            self.session.changed.disconnect(self._saved)
        self.session = session
        session.viewChanged.connect(self._view_changed)
        session.changed.connect(self._saved)
        self._view_changed(session.board_view)
        if self.evidence_window is not None:
            self.evidence_window.close()
            self.evidence_window = None

    def _view_changed(self, view: str) -> None:
        self.view_actions[view].setChecked(True)
        notes = {
            "expert": "The board shows the expert's ratings (the scored ones).",
            "district": "The board shows the district's own ratings: not scored; the same "
            "keys rate them.",
            "gap": "Each tile: expert → district level, and the gap; its colour is the "
            "expert's level.",
        }
        self.window.statusBar().showMessage(notes[view], 8000)

    def _saved(self, change) -> None:
        if change.evidence and not change.ratings:
            self.window.statusBar().showMessage(
                "Saved: visit evidence of this round (not part of the Onpoint score).", 5000
            )

    def set_enabled(self, has_round: bool) -> None:
        self.walkthrough_action.setEnabled(has_round)

    def record_walkthrough(self) -> None:
        from ui.dialogs import show_error
        from ui.walkthrough_dialog import WalkthroughDialog

        if self.session is None or self.session.round_id is None:
            show_error(self.window, "Add a round first", "Walkthroughs belong to a round.")
            return
        WalkthroughDialog(self.session, self.window).exec()

    def show_evidence(self) -> None:
        from ui.evidence_window import EvidenceWindow

        if self.evidence_window is None:
            self.evidence_window = EvidenceWindow(self.session, self.window)
        self.evidence_window.show()
        self.evidence_window.raise_()
        self.evidence_window.activateWindow()

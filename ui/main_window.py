"""The main window: menus, the round switcher, the board beside the live score panel.

Nothing here needs saving: every change goes through the core in its own transaction as
it happens. The window only turns menu choices into model calls and shows errors.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QIcon, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
)

from onpoint_desktop import APP_NAME
from onpoint_desktop.errors import DamagedWorkspaceError, OnpointError
from ui.board import Board
from ui.dialogs import AddRoundDialog, PreferencesDialog, show_error
from ui.hq_actions import HQActions
from ui.recovery import open_workspace_or_recover, recover
from ui.report_actions import ReportActions
from ui.score_panel import ScorePanel
from ui.session import DistrictSession
from ui.settings import AppSettings
from ui.sync_actions import SyncActions
from ui.workspace_actions import WorkspaceActions


class MainWindow(QMainWindow):
    firstShown = Signal()  # after the first paint; the charts are built right after

    def __init__(self, model: DistrictSession, settings: AppSettings):
        super().__init__()
        self.settings = settings
        self.model: DistrictSession | None = None
        self._painted = False
        self.undo_group = QUndoGroup(self)
        self.board = Board(model)
        self.panel = ScorePanel(model)
        scroll = QScrollArea()
        scroll.setWidget(self.board)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([770, 590])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.path_label = QLabel()
        self.statusBar().addPermanentWidget(self.path_label)
        self.set_model(model)
        self._restore_geometry()

    # --- actions and menus -----------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.files = WorkspaceActions(self, self.settings)
        self.reports = ReportActions(self)
        self.sync = SyncActions(self)
        self.hq = HQActions(self, self.settings)
        self.preferences_action = self._action("&Preferences…", self.edit_preferences, "Ctrl+,")
        self.quit_action = self._action("&Quit", self.close, key.Quit)
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence(key.Undo)])
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(key.Redo)])
        self.add_round_action = self._action(
            "&Add round…", self.add_round, "Ctrl+Shift+R", "Start a new assessment round"
        )
        self.previous_round_action = self._action(
            "&Previous round", lambda: self._step_round(-1), "Ctrl+PgUp"
        )
        self.next_round_action = self._action(
            "&Next round", lambda: self._step_round(1), "Ctrl+PgDown"
        )
        self.import_action = self._action(
            "&Import survey…",
            self.import_survey,
            "Ctrl+I",
            "Import a teacher or leader survey export into the round on screen",
        )
        self.about_action = self._action(f"&About {APP_NAME}", self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.files.new_action, self.files.open_action])
        file_menu.addMenu(self.files.recent_menu)
        file_menu.addAction(self.files.copy_action)
        file_menu.addSeparator()
        file_menu.addAction(self.reports.export_action)
        file_menu.addAction(self.reports.pdf_action)
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        self.round_menu = bar.addMenu("&Round")
        self.round_menu.aboutToShow.connect(self._fill_round_menu)
        self.round_group = QActionGroup(self)
        self._fill_round_menu()
        self.survey_menu = bar.addMenu("&Survey")
        self.survey_menu.addAction(self.import_action)
        sync_menu = bar.addMenu("S&ync")
        for action in self.sync.actions():
            if action is None:
                sync_menu.addSeparator()
            else:
                sync_menu.addAction(action)
        self.hq_menu = bar.addMenu("H&Q")
        self.hq_menu.aboutToShow.connect(lambda: self.hq.fill_menu(self.hq_menu))
        self.hq.fill_menu(self.hq_menu)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Round")
        toolbar.setObjectName("roundToolbar")
        toolbar.setMovable(False)
        label = QLabel(" &Round: ")
        self.round_box = QComboBox()
        self.round_box.setAccessibleName("Round")
        self.round_box.setMinimumContentsLength(16)
        self.round_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        label.setBuddy(self.round_box)
        self.round_box.activated.connect(self._round_chosen)
        toolbar.addWidget(label)
        toolbar.addWidget(self.round_box)
        toolbar.addAction(self.add_round_action)
        toolbar.addAction(self.import_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        self.toolbar = toolbar

    def _fill_round_menu(self) -> None:
        menu = self.round_menu
        menu.clear()
        for action in self.round_group.actions():
            self.round_group.removeAction(action)
        menu.addAction(self.add_round_action)
        menu.addSeparator()
        if self.model is None:
            return
        framework = self.model.workspace.framework
        for rnd in self.model.rounds():
            action = menu.addAction(f"{rnd.label} ({framework.stage_label(rnd.stage)})")
            action.setCheckable(True)
            action.setChecked(rnd.id == self.model.round_id)
            action.triggered.connect(lambda _=False, rid=rnd.id: self.show_round(rid))
            self.round_group.addAction(action)
        menu.addSeparator()
        menu.addActions([self.previous_round_action, self.next_round_action])

    # --- the district on screen ------------------------------------------------------------

    def set_model(self, model: DistrictSession) -> None:
        """Show another district (the previous workspace is closed)."""
        old = self.model
        if old is not None:
            self.undo_group.removeStack(old.undo_stack)
        model.author = self.settings.author()
        self.model = model
        self.undo_group.addStack(model.undo_stack)
        self.undo_group.setActiveStack(model.undo_stack)
        self.board.set_model(model)
        self.panel.set_model(model)
        model.roundChanged.connect(self._round_shown)
        model.roundsChanged.connect(self._fill_rounds)
        model.ratingChanged.connect(self._rating_saved)
        model.failed.connect(self._undo_failed)
        if old is not None:
            self._remember_round(old)
            old.close()
        self.settings.add_recent(model.path)
        self._show_file_state(model)
        self._fill_rounds()
        self._round_shown()

    def _show_file_state(self, model: DistrictSession) -> None:
        """Say how the file is kept: saved automatically, or read-only (and why); and warn
        when the rolling backup on open could not be taken."""
        workspace = model.workspace
        notice = workspace.read_only_notice
        if notice:
            self.path_label.setText(f"Read-only · {model.path.name}")
            self.path_label.setToolTip(notice)
            self.statusBar().showMessage(notice, 0)
        else:
            self.path_label.setText(f"Saved automatically · {model.path.name}")
            self.path_label.setToolTip(str(model.path))
        if workspace.backup_problem:
            self.statusBar().showMessage(workspace.backup_problem, 0)
        behind = workspace.clock_behind()
        if behind is not None:  # the computer's clock reads earlier than the workspace
            from onpoint_desktop.clock import clock_behind_warning

            warning = clock_behind_warning(behind)
            self.statusBar().showMessage(warning[0].upper() + warning[1:], 0)

    def _undo_failed(self, message: str) -> None:
        show_error(self, "Could not undo or redo", message)

    def _fill_rounds(self) -> None:
        framework = self.model.workspace.framework
        self.round_box.clear()
        for rnd in self.model.rounds():
            self.round_box.addItem(f"{rnd.label} · {framework.stage_label(rnd.stage)}", rnd.id)
        self._round_shown()

    def _round_shown(self, *_args) -> None:
        rnd = self.model.current_round
        index = self.round_box.findData(rnd.id) if rnd else -1
        self.round_box.setCurrentIndex(index)
        self.import_action.setEnabled(rnd is not None)
        self.reports.export_action.setEnabled(rnd is not None)
        self.reports.pdf_action.setEnabled(rnd is not None)
        self._update_title()

    def _update_title(self) -> None:
        rnd = self.model.current_round
        district = self.model.district_name
        if rnd is None:
            self.setWindowTitle(f"{district} — no rounds yet — {APP_NAME}")
            return
        stage = self.model.workspace.framework.stage_label(rnd.stage)
        read_only = " [read-only]" if self.model.workspace.read_only else ""
        self.setWindowTitle(f"{district} — {rnd.label} ({stage}){read_only} — {APP_NAME}")

    def _rating_saved(self, area_id: str) -> None:
        area = self.model.workspace.framework.areas[area_id]
        word = self.model.workspace.framework.level_label(self.model.rating(area_id).level)
        self.statusBar().showMessage(f"Saved: {area.label} — {word}", 5000)

    def _round_chosen(self, index: int) -> None:
        self.show_round(self.round_box.itemData(index))

    def show_round(self, round_id: str) -> None:
        try:
            self.model.set_round(round_id)
        except OnpointError as exc:
            show_error(self, "Could not show that round", exc)

    def _step_round(self, step: int) -> None:
        ids = [r.id for r in self.model.rounds()]
        if self.model.round_id in ids:
            index = ids.index(self.model.round_id) + step
            if 0 <= index < len(ids):
                self.show_round(ids[index])

    def _remember_round(self, model: DistrictSession) -> None:
        if model.round_id:
            self.settings.set_last_round(model.workspace.workspace_uuid, model.round_id)

    # --- file actions ----------------------------------------------------------------------

    def open_workspace(self, path: Path) -> bool:
        """Open a workspace file (offering a backup if it is damaged); on error say why and
        keep the current one."""
        workspace = open_workspace_or_recover(self, path)
        if workspace is None:
            return False
        self.show_workspace(workspace)
        return True

    def show_workspace(self, workspace) -> None:
        last = self.settings.last_round(workspace.workspace_uuid)
        self.set_model(DistrictSession(workspace, last))

    def offer_recovery(self, damage: DamagedWorkspaceError) -> bool:
        """At start-up the last workspace was damaged: offer its backup, then show it."""
        workspace = recover(self, Path(damage.path), damage)
        if workspace is not None:
            self.show_workspace(workspace)
        return workspace is not None

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.settings.author(), self)
        if dialog.exec():
            self.settings.set_author(dialog.value())
            self.model.author = self.settings.author()

    # --- rounds ----------------------------------------------------------------------------

    def add_round(self) -> None:
        dialog = AddRoundDialog(self.model.workspace.framework, self.model.rounds(), self)
        if dialog.exec():
            try:
                self.model.add_round(*dialog.values())
            except OnpointError as exc:
                show_error(self, "Could not add the round", exc)

    def import_survey(self):
        from ui.import_wizard import open_import_wizard

        if self.model.round_id is None:
            show_error(self, "Add a round first", "Surveys are imported into a round; add one.")
            return None
        return open_import_wizard(self.model, self)

    # --- help ------------------------------------------------------------------------------

    def show_about(self) -> None:
        from ui.about import AboutDialog

        AboutDialog(self.model.workspace, self).exec()

    # --- window ----------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1340, screen.width()), min(720, screen.height() - 30))
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)
        return handled

    def _after_first_paint(self) -> None:
        self.firstShown.emit()
        QTimer.singleShot(0, self.panel.build_charts)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.hq.close_all()
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState())
        if self.model is not None:
            self._remember_round(self.model)
        self.settings.sync()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Close the workspace (called by the application on quit)."""
        if self.model is not None:
            self.model.close()


def app_icon() -> QIcon:
    from onpoint_desktop.resources import resource_path

    icon = QIcon()
    for name in ("onpoint.svg", "onpoint-256.png", "onpoint-64.png"):
        path = resource_path(f"icons/{name}")
        if path.exists():
            icon.addFile(str(path))
    return icon

"""The main window: menus, the round switcher, the board beside the live score panel.

Nothing here needs saving: every change goes through the core in its own transaction as
it happens. The window only turns menu choices into session calls and shows errors.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QLabel, QMainWindow, QScrollArea, QSplitter

from onpoint_desktop import APP_NAME
from onpoint_desktop.changes import Changes
from onpoint_desktop.errors import DamagedWorkspaceError, OnpointError
from ui.board import Board
from ui.calibration_view import CaseMode
from ui.dialogs import AddRoundDialog, Preferences, PreferencesDialog, show_error
from ui.evidence_actions import EvidenceActions
from ui.help import HelpActions, shown_text
from ui.hq_actions import HQActions
from ui.recovery import open_workspace_or_recover, recover
from ui.report_actions import ReportActions
from ui.round_actions import RoundActions
from ui.score_panel import ScorePanel
from ui.session import DistrictSession
from ui.settings import AppSettings
from ui.sync_actions import SyncActions
from ui.theme import ThemeSwitcher
from ui.window_menus import build_menus, build_toolbar, fill_round_menu
from ui.workspace_actions import WorkspaceActions


class MainWindow(QMainWindow):
    firstShown = Signal()  # after the first paint

    def __init__(self, session: DistrictSession, settings: AppSettings):
        super().__init__()
        self.settings = settings
        self.session: DistrictSession | None = None
        self._painted = False
        self.theme = ThemeSwitcher(self)
        self.theme.apply(settings.theme())
        self.undo_group = QUndoGroup(self)
        self.board = Board(session)
        self.panel = ScorePanel(session)
        scroll = QScrollArea()
        scroll.setWidget(self.board)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the board's tiles take the focus
        self.evidence = EvidenceActions(self)  # the Visit menu and the board's view switch
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([770, 590])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self.case_mode = CaseMode(self)  # a calibration case: banner, locks (SPEC §13)
        self.setCentralWidget(self.case_mode.wrap(splitter))
        self._build_actions()
        build_menus(self)
        build_toolbar(self)
        self.path_label = QLabel()
        self.statusBar().addPermanentWidget(self.path_label)
        self.set_session(session)
        self._restore_geometry()
        self.board.focus_selected()
        self.installEventFilter(self)  # for firstShown

    # --- actions and menus -----------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "", icon: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if icon:
            action.setData(icon)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.files = WorkspaceActions(self, self.settings)
        self.reports = ReportActions(self)
        self.reports.export_action.setData("export-report")
        self.reports.export_action.setIconText("Report")
        self.sync = SyncActions(self)
        self.hq = HQActions(self, self.settings)
        self.preferences_action = self._action("&Preferences…", self.edit_preferences, "Ctrl+,")
        self.quit_action = self._action("&Quit", self.close, key.Quit)
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        # One action, two keys, each bound once: Ctrl+Shift+Z (Linux, macOS) and Ctrl+Y
        # (Windows). The platform's StandardKey.Redo is one of them; adding it again made
        # the key ambiguous, so neither fired.
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action, word, icon, does in (
            (self.undo_action, "Undo", "undo", "Undo the last change"),
            (self.redo_action, "Redo", "redo", "Redo the change last undone"),
        ):
            action.setIconText(word)  # the toolbar keeps its width whatever the text
            action.setData(icon)
            action.setProperty("helpText", does)
        self.undo_group.undoTextChanged.connect(
            lambda text: self.undo_action.setToolTip(f"Undo {shown_text(text)}".strip())
        )
        self.undo_group.redoTextChanged.connect(
            lambda text: self.redo_action.setToolTip(f"Redo {shown_text(text)}".strip())
        )
        self.add_round_action = self._action(
            "&Add round…",
            self.add_round,
            "Ctrl+Shift+R",
            "Start a new assessment round",
            "add-round",
        )
        self.add_round_action.setIconText("Add round")
        self.previous_round_action = self._action(
            "&Previous round",
            lambda: self.step_round(-1),
            "Ctrl+PgUp",
            "Show the round before this one",
            "previous-round",
        )
        self.previous_round_action.setIconText("Previous")
        self.next_round_action = self._action(
            "&Next round",
            lambda: self.step_round(1),
            "Ctrl+PgDown",
            "Show the round after this one",
            "next-round",
        )
        self.next_round_action.setIconText("Next")
        self.import_action = self._action(
            "&Import survey…",
            self.import_survey,
            "Ctrl+I",
            "Import a teacher or leader survey export into the round on screen",
            "import-survey",
        )
        self.import_action.setIconText("Import survey")
        self.imports_action = self._action(
            "Survey imp&orts…",
            self.show_survey_imports,
            None,
            "The survey files imported into the round on screen; remove one",
        )
        self.notes_action = self._action(
            "&Evidence notes…",
            self.show_evidence_notes,
            "Ctrl+Shift+F",
            "Every evidence note of the round on screen, searchable; Enter selects the tile",
        )
        self.evidence_list = None
        self.help = HelpActions(self)
        self.round_actions = RoundActions(self)
        # Window-wide keys work whether or not their menu has ever been opened.
        self.addActions([self.previous_round_action, self.next_round_action])

    # --- the district on screen ------------------------------------------------------------

    def set_session(self, session: DistrictSession) -> None:
        """Show another district (the previous workspace is closed)."""
        old = self.session
        if old is not None:
            self.undo_group.removeStack(old.undo_stack)
        session.author = self.settings.author()
        self.session = session
        self.undo_group.addStack(session.undo_stack)
        self.undo_group.setActiveStack(session.undo_stack)
        self.board.set_session(session)
        self.panel.set_session(session)
        if self.evidence_list is not None:
            self.evidence_list.set_session(session)
        self.evidence.set_session(session)
        session.roundShown.connect(self._round_shown)
        session.changed.connect(self._changed)
        session.failed.connect(self._undo_failed)
        if old is not None:
            self._remember_round(old)
            old.close()
        self.settings.add_recent(session.path)
        self._show_file_state(session)
        self._fill_rounds()

    def _show_file_state(self, session: DistrictSession) -> None:
        """Say how the file is kept: saved automatically, or read-only (and why); and warn
        when the rolling backup on open could not be taken."""
        notice = session.read_only_notice
        if notice:
            self.path_label.setText(f"Read-only · {session.path.name}")
            self.path_label.setToolTip(notice)
            self.statusBar().showMessage(notice, 0)
        else:
            self.path_label.setText(f"Saved automatically · {session.path.name}")
            self.path_label.setToolTip(str(session.path))
        if session.backup_problem:
            self.statusBar().showMessage(session.backup_problem, 0)
        behind = session.clock_behind()
        if behind is not None:  # the computer's clock reads earlier than the workspace
            from onpoint_desktop.clock import clock_behind_warning

            warning = clock_behind_warning(behind)
            self.statusBar().showMessage(warning[0].upper() + warning[1:], 0)

    def _undo_failed(self, message: str) -> None:
        show_error(self, "Could not undo or redo", message)

    def _changed(self, change: Changes) -> None:
        if change.rounds:
            self._fill_rounds()
        elif change.ratings:
            self.round_actions.update()
        areas = change.rated_areas(self.session.round_id)
        if len(areas) == 1:
            self._rating_saved(next(iter(areas)))

    def _fill_rounds(self) -> None:
        self.round_box.clear()
        for rnd in self.session.rounds():
            self.round_box.addItem(self.session.round_label(rnd), rnd.id)
        self._round_shown()

    def _round_shown(self, *_args) -> None:
        rnd = self.session.current_round
        index = self.round_box.findData(rnd.id) if rnd else -1
        self.round_box.setCurrentIndex(index)
        has_round = rnd is not None
        self.import_action.setEnabled(has_round)
        self.evidence.set_enabled(has_round)
        self.reports.export_action.setEnabled(has_round)
        self.reports.pdf_action.setEnabled(has_round)
        ids = [r.id for r in self.session.rounds()]
        at = ids.index(rnd.id) if has_round else -1
        self.previous_round_action.setEnabled(at > 0)
        self.next_round_action.setEnabled(0 <= at < len(ids) - 1)
        fill_round_menu(self)
        self.round_actions.update()
        self.case_mode.update()
        self._update_title()

    def _update_title(self) -> None:
        rnd = self.session.current_round
        district = self.session.district_name
        if rnd is None:
            self.setWindowTitle(f"{district} — no rounds yet — {APP_NAME}")
            return
        stage = self.session.framework.stage_label(rnd.stage)
        read_only = " [read-only]" if self.session.read_only else ""
        self.setWindowTitle(f"{district} — {rnd.label} ({stage}){read_only} — {APP_NAME}")

    def _rating_saved(self, area_id: str) -> None:
        framework = self.session.framework
        word = framework.level_label(self.session.rating(area_id).level)
        rated, areas = self.session.rated_count()
        self.statusBar().showMessage(
            f"Saved: {framework.areas[area_id].label} — {word} · rated {rated} of {areas}", 5000
        )

    def _round_chosen(self, index: int) -> None:
        self.show_round(self.round_box.itemData(index))

    def show_round(self, round_id: str) -> None:
        try:
            self.session.set_round(round_id)
        except OnpointError as exc:
            show_error(self, "Could not show that round", exc)

    def step_round(self, step: int) -> None:
        """Previous (-1) or next (+1) round, if there is one."""
        self.session.step_round(step)

    def _remember_round(self, session: DistrictSession) -> None:
        if session.round_id:
            self.settings.set_last_round(session.workspace_uuid, session.round_id)

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
        self.set_session(DistrictSession(workspace, last))

    def offer_recovery(self, damage: DamagedWorkspaceError) -> bool:
        """At start-up the last workspace was damaged: offer its backup, then show it."""
        workspace = recover(self, Path(damage.path), damage)
        if workspace is not None:
            self.show_workspace(workspace)
        return workspace is not None

    def edit_preferences(self) -> None:
        current = Preferences(
            self.settings.author(), self.settings.theme(), self.settings.default_folder()
        )
        dialog = PreferencesDialog(current, self)
        if dialog.exec():
            self.apply_preferences(dialog.value())

    def apply_preferences(self, chosen: Preferences) -> None:
        self.settings.set_author(chosen.author)
        self.settings.set_theme(chosen.theme)
        self.settings.set_default_folder(chosen.default_folder)
        self.session.author = self.settings.author()
        self.theme.apply(chosen.theme)

    # --- rounds ----------------------------------------------------------------------------

    def add_round(self) -> None:
        dialog = AddRoundDialog(self.session.framework, self.session.rounds(), self)
        if dialog.exec():
            try:
                round_id, stage, from_round = dialog.values()
                self.session.add_round(round_id, stage, from_round=from_round)
            except OnpointError as exc:
                show_error(self, "Could not add the round", exc)

    def import_survey(self):
        from ui.import_wizard import open_import_wizard

        if self.session.round_id is None:
            show_error(self, "Add a round first", "Surveys are imported into a round; add one.")
            return None
        return open_import_wizard(self.session, self)

    def show_evidence_notes(self):
        """The evidence overview beside the board (one window, kept while the app runs)."""
        from ui.evidence_list import EvidenceList

        if self.evidence_list is None:
            self.evidence_list = EvidenceList(self.session, self)
            self.evidence_list.areaActivated.connect(self._select_area)
        self.evidence_list.show()
        self.evidence_list.raise_()
        self.evidence_list.activateWindow()
        return self.evidence_list

    def _select_area(self, area_id: str) -> None:
        self.board.select(area_id)
        self.activateWindow()
        self.board.focus_selected()

    def show_survey_imports(self):
        from ui.survey_imports import SurveyImports

        dialog = SurveyImports(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- window ----------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1340, screen.width()), min(720, screen.height() - 30))
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def eventFilter(self, watched, event: QEvent) -> bool:
        """Watches for the first paint only, then stops watching (an ``event`` override
        would put every event of the window through Python)."""
        if watched is self and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.removeEventFilter(self)
            QTimer.singleShot(0, self.firstShown.emit)
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.hq.close_all()
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState())
        if self.session is not None:
            self._remember_round(self.session)
        self.settings.sync()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Close the workspace (called by the application on quit)."""
        if self.session is not None:
            self.session.close()

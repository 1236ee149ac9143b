"""The main window's menu bar and toolbar, built from its actions (``main_window``), and
the rounds listed in its Round menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup

from ui.toolbar import RoundToolbar

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    """The menu bar: File, Edit, Round, Survey, Visit, Sync, HQ and Help."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([window.files.new_action, window.files.open_action])
    file_menu.addMenu(window.files.recent_menu)
    file_menu.addAction(window.case_mode.open_action)
    file_menu.addAction(window.files.copy_action)
    file_menu.addSeparator()
    file_menu.addAction(window.reports.export_action)
    file_menu.addAction(window.reports.pdf_action)
    file_menu.addSeparator()
    file_menu.addAction(window.preferences_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([window.undo_action, window.redo_action])
    window.round_menu = bar.addMenu("&Round")
    window.round_menu.addAction(window.add_round_action)
    window.round_menu.addActions(window.round_actions.actions)
    window.round_menu.addSeparator()
    window.round_menu.addAction(window.round_actions.confirm_action)
    window.round_menu.addMenu(window.round_actions.compare_menu)
    window.round_menu.addAction(window.round_actions.planner_action)
    window.round_list_start = window.round_menu.addSeparator()
    window.round_list_end = window.round_menu.addSeparator()
    window.round_menu.addActions([window.previous_round_action, window.next_round_action])
    window.round_menu.addSeparator()
    window.round_menu.addAction(window.notes_action)
    window.round_group = QActionGroup(window)
    window.survey_menu = bar.addMenu("&Survey")
    window.survey_menu.addAction(window.import_action)
    window.survey_menu.addAction(window.imports_action)
    window.visit_menu = bar.addMenu("&Visit")
    window.evidence.fill_menu(window.visit_menu)
    sync_menu = bar.addMenu("S&ync")
    for action in window.sync.actions():
        if action is None:
            sync_menu.addSeparator()
        else:
            sync_menu.addAction(action)
    window.hq_menu = bar.addMenu("H&Q")
    window.hq_menu.aboutToShow.connect(lambda: window.hq.fill_menu(window.hq_menu))
    window.hq.fill_menu(window.hq_menu)
    window.help_menu = bar.addMenu("&Help")
    window.help_menu.addActions([window.help.guide_action, window.help.shortcuts_action])
    window.help_menu.addSeparator()
    window.help_menu.addAction(window.help.about_action)


def build_toolbar(window: MainWindow) -> None:
    """The toolbar: rounds, adding, undo, the report and the board's view switch."""
    window.toolbar = RoundToolbar(
        [
            [window.previous_round_action, window.next_round_action],
            [window.add_round_action, window.import_action],
            [window.undo_action, window.redo_action],
            [window.reports.export_action],
        ],
        window,
    )
    window.toolbar.addSeparator()
    window.toolbar.addWidget(window.evidence.view_switch())
    window.addToolBar(window.toolbar)
    window.toolbar.fit_to(window.screen().availableGeometry().width())
    window.round_box = window.toolbar.round_box
    window.round_box.activated.connect(window._round_chosen)


def fill_round_menu(window: MainWindow) -> None:
    """The rounds between the two separators of the Round menu, the one on screen
    checked."""
    for action in window.round_group.actions():
        window.round_group.removeAction(action)
        window.round_menu.removeAction(action)
        action.deleteLater()
    for rnd in window.session.rounds():
        action = QAction(window.session.round_label(rnd).replace("&", "&&"), window.round_menu)
        action.setCheckable(True)
        action.setChecked(rnd.id == window.session.round_id)
        action.triggered.connect(lambda _=False, rid=rnd.id: window.show_round(rid))
        window.round_group.addAction(action)
        window.round_menu.insertAction(window.round_list_end, action)

"""The Round menu's history and comparison actions (SPEC §11): rename, change stage and
delete the round on screen (each undoable), confirm carried ratings, compare with another
round, and the target planner. Every action turns into one session call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu

from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from ui.dialogs import show_error

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class RoundActions:
    """Rename / Change stage / Delete round, Confirm carried ratings, Compare with,
    Target planner — for the main window's Round menu."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.rename_action = self._action("Re&name round…", self.rename)
        self.stage_action = self._action("Change &stage…", self.change_stage)
        self.delete_action = self._action("&Delete round", self.delete)
        self.confirm_action = self._action(
            "Con&firm all carried ratings", self.confirm_all, "Ctrl+Shift+K"
        )
        self.confirm_action.setStatusTip(
            "Keep every rating carried from the previous round as it is (C confirms one)"
        )
        self.planner_action = self._action("&Target planner…", self.open_planner, "Ctrl+Shift+T")
        self.planner_action.setStatusTip(
            "The fewest rating changes that reach the stage median or p75"
        )
        self.compare_menu = QMenu("Co&mpare with")
        self.compare_group = QActionGroup(window)
        self.compare_menu.aboutToShow.connect(self.fill_compare_menu)

    def _action(self, text: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    @property
    def actions(self) -> list[QAction]:
        return [self.rename_action, self.stage_action, self.delete_action]

    def update(self) -> None:
        """Enable what applies to the round on screen."""
        session = self.window.session
        has_round = session.round_id is not None
        for action in (*self.actions, self.planner_action):
            action.setEnabled(has_round)
        self.confirm_action.setEnabled(bool(session.carried_areas()))
        self.compare_menu.setEnabled(len(session.rounds()) > 1)

    def fill_compare_menu(self) -> None:
        session = self.window.session
        self.compare_menu.clear()
        for action in self.compare_group.actions():
            self.compare_group.removeAction(action)
        choices = [(None, "&Nothing")] + [
            (r.id, session.round_label(r).replace("&", "&&"))
            for r in session.rounds()
            if r.id != session.round_id
        ]
        for round_id, text in choices:
            action = QAction(text, self.compare_menu)
            action.setCheckable(True)
            action.setChecked(round_id == session.compare_round_id)
            action.triggered.connect(lambda _=False, rid=round_id: self.compare_with(rid))
            self.compare_group.addAction(action)
            self.compare_menu.addAction(action)

    # --- the actions -------------------------------------------------------------------

    def _try(self, title: str, call, *args) -> None:
        try:
            call(*args)
        except OnpointError as exc:
            show_error(self.window, title, exc)

    def rename(self) -> None:
        session = self.window.session
        rnd = session.current_round
        label, ok = QInputDialog.getText(
            self.window, "Rename round", f"New name for round {rnd.id}:", text=rnd.label
        )
        if ok and label.strip() and label.strip() != rnd.label:
            self._try("Could not rename the round", session.rename_round, rnd.id, label.strip())

    def change_stage(self) -> None:
        session = self.window.session
        rnd = session.current_round
        stages = session.framework.stages
        labels = [s.label for s in stages]
        current = [s.id for s in stages].index(rnd.stage)
        chosen, ok = QInputDialog.getItem(
            self.window, "Change stage", f"Stage of round {rnd.label}:", labels, current, False
        )
        if ok and chosen != labels[current]:
            stage = stages[labels.index(chosen)].id
            self._try("Could not change the stage", session.set_round_stage, rnd.id, stage)

    def delete(self) -> None:
        session = self.window.session
        rnd = session.current_round
        self._try("Could not delete the round", session.delete_round, rnd.id)
        self.window.statusBar().showMessage(
            f"Deleted round {rnd.label}; Edit ▸ Undo brings it back.", 8000
        )

    def confirm_all(self) -> None:
        confirmed = self.window.board.confirm(None)
        self.window.statusBar().showMessage(
            f"Confirmed {counted(confirmed, 'carried rating')}.", 5000
        )

    def compare_with(self, round_id: str | None) -> None:
        self._try("Could not compare", self.window.session.set_compare_round, round_id)

    def open_planner(self) -> None:
        """Show the score panel's Plan tab."""
        panel = self.window.panel
        panel.tabs.setCurrentWidget(panel.planner)
        panel.planner.target.setFocus()

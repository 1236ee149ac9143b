"""The File menu's workspace actions: New district, Open, Open Recent, Save a Copy.

A copy is the core's ``workspace.copies.save_copy``: a consistent snapshot that becomes a
workspace of its own (a new workspace UUID, the same district), written on a worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu

from onpoint_desktop.errors import OnpointError
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.connection import remove_database
from onpoint_desktop.workspace.copies import WorkspaceCopy, save_copy
from ui.dialogs import (
    WORKSPACE_FILTER,
    WORKSPACE_SUFFIX,
    NewDistrictDialog,
    show_error,
    show_failure,
    show_message,
)
from ui.session import DistrictSession
from ui.settings import AppSettings
from ui.workers import Worker, run_with_progress


class WorkspaceActions:
    """New, Open, Open Recent and Save a Copy for the main window."""

    def __init__(self, window: QMainWindow, settings: AppSettings) -> None:
        self.window = window
        self.settings = settings
        self.worker: Worker | None = None
        key = QKeySequence.StandardKey
        self.new_action = self._action(
            "&New district…", self.new_district, key.New, "Create a workspace for a district"
        )
        self.open_action = self._action(
            "&Open…", self.choose_workspace, key.Open, "Open a district workspace"
        )
        self.copy_action = self._action(
            "Save a &Copy…",
            self.save_copy,
            "Ctrl+Shift+S",
            "Write a copy of this workspace as a workspace of its own (this one is saved "
            "automatically as you work)",
        )
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self.fill_recent)

    def _action(self, text: str, slot, shortcut, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for number, path in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{number} {path.name}")
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.window.open_workspace(p))
        if not files:
            self.recent_menu.addAction("No recent workspaces").setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear list", self.settings.clear_recent)
        clear.setEnabled(bool(files))

    def choose_workspace(self) -> None:
        session = self.window.session
        start = str(session.path.parent if session else self.settings.default_folder())
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Open district", start, WORKSPACE_FILTER
        )
        if chosen:
            self.window.open_workspace(Path(chosen))

    def new_district(self) -> None:
        dialog = NewDistrictDialog(
            self.window.session.framework, self.settings.default_folder(), self.window
        )
        if dialog.exec():
            self.create_district(*dialog.values())

    def create_district(self, name: str, path: Path, round_id: str, stage: str) -> bool:
        """Create the workspace and its first round, then show it."""
        title = "Could not create the district"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            workspace = Workspace.create(path, name)
        except OSError as exc:
            show_error(self.window, title, f"{path.parent}: {exc}")
            return False
        except OnpointError as exc:
            show_error(self.window, title, exc)
            return False
        try:
            workspace.add_round(round_id, stage)
        except OnpointError as exc:
            workspace.close()
            remove_database(path)
            show_error(self.window, title, exc)
            return False
        self.window.set_session(DistrictSession(workspace))
        return True

    def save_copy(self) -> None:
        path = self.window.session.path
        suggested = path.with_name(path.name.replace(WORKSPACE_SUFFIX, f" copy{WORKSPACE_SUFFIX}"))
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, "Save a copy", str(suggested), WORKSPACE_FILTER
        )
        if chosen:
            self.write_copy(Path(chosen))

    def write_copy(self, dest: Path) -> Worker | None:
        """Write the copy on a worker; the core refuses the workspace's own path."""
        if dest.resolve() == self.window.session.path.resolve():
            show_error(
                self.window,
                "Choose another file",
                "That is the workspace you are working in; choose another file name.",
            )
            return None
        self.worker = run_with_progress(
            self.window,
            "Saving a copy",
            save_copy,
            self.window.session.path,
            dest,
            on_result=self._copied,
            on_error=lambda exc: show_failure(self.window, "Could not save a copy", exc),
        )
        return self.worker

    def _copied(self, copy: WorkspaceCopy) -> None:
        self.window.statusBar().showMessage(f"Copy saved: {copy.path}", 8000)
        show_message(
            self.window,
            "Copy saved",
            f"A copy of this workspace was saved as {copy.path.name}.",
            "The copy is a workspace of its own: work done in it is sent to HQ as another "
            "consultant's workspace for the same district. You are still working in "
            f"{self.window.session.path.name}.",
            path=copy.path,
        )

"""Small dialogs: errors, new district, add round, preferences (name, theme, folder).

Each dialog only collects what the user typed; the caller makes the core call and shows
any ``OnpointError`` with :func:`show_error` (the core has then changed nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from onpoint_desktop import paths
from onpoint_desktop.errors import Cancelled, OnpointError
from onpoint_desktop.framework import Framework
from onpoint_desktop.workspace import Round

WORKSPACE_FILTER = "Onpoint district workspaces (*.onpoint.db);;All files (*)"
WORKSPACE_SUFFIX = ".onpoint.db"
BUNDLE_FILTER = "Onpoint sync bundles (*.onpointbundle);;All files (*)"


def show_error(parent: QWidget | None, title: str, error: OnpointError | str) -> QMessageBox:
    """Tell the user what went wrong and what to do (window-modal, does not block).

    ``error`` is an ``OnpointError`` (its message already says what to do) or such a
    sentence. Programming errors are never shown here: they stay tracebacks.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, title, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(str(error))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("errorBox")
    box.open()
    return box


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    informative: str = "",
    *,
    path: Path | None = None,
    open_text: str | None = None,
) -> QMessageBox:
    """Tell the user what a finished job did (window-modal, does not block).

    With ``path``, the box offers "Show folder" (and ``open_text``, e.g. "Open report",
    to open the file itself).
    """
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, parent
    )
    box.setInformativeText(informative)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("messageBox")
    if len(informative) > 120:  # room to read a paragraph, not a tall narrow column
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 480px; }")
    if path is not None:
        if open_text:
            opener = box.addButton(open_text, QMessageBox.ButtonRole.AcceptRole)
            opener.clicked.connect(lambda: open_path(path))
            box.setDefaultButton(opener)
        folder = box.addButton("Show &folder", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(lambda: open_path(Path(path).parent))
    box.open()
    return box


def show_failure(parent: QWidget | None, title: str, error: BaseException) -> None:
    """What a worker's ``on_error`` does: a cancel is confirmed (the core changed nothing),
    a user error is shown with what to do, a programming error stays a traceback."""
    if isinstance(error, Cancelled):
        show_message(parent, "Cancelled", str(error))
    elif isinstance(error, OnpointError):
        show_error(parent, title, error)
    else:
        raise error


def open_path(path: Path) -> bool:
    """Open a file or folder in the program the system uses for it."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def school_year(today: date | None = None) -> str:
    """The school year a date falls in, as districts write it: ``2025-26`` from July on."""
    today = today or date.today()
    start = today.year if today.month >= 7 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def next_round_id(rounds: list[Round]) -> str:
    """The round after the latest one when it reads like a school year, else this year's."""
    if rounds:
        match = re.fullmatch(r"(\d{4})-(\d{2})", rounds[-1].id)
        if match:
            start = int(match.group(1)) + 1
            candidate = f"{start}-{(start + 1) % 100:02d}"
            if candidate not in {r.id for r in rounds}:
                return candidate
    return school_year()


def _stage_box(framework: Framework, current: str | None = None) -> QComboBox:
    box = QComboBox()
    for stage in framework.stages:
        box.addItem(stage.label, stage.id)
    if current in framework.stage_ids:
        box.setCurrentIndex(framework.stage_ids.index(current))
    return box


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class NewDistrictDialog(QDialog):
    """District name, where to keep its workspace file, and its first round and stage."""

    def __init__(
        self, framework: Framework, folder: Path | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("New district")
        self._folder = folder or paths.documents_dir()
        self._path_edited = False
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Lakeside Unified School District")
        self.path = QLineEdit()
        self.path.textEdited.connect(self._path_typed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.round_id = QLineEdit(school_year())
        self.stage = _stage_box(framework)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(link);")
        form.addRow("&District name:", self.name)
        path_label = QLabel("Workspace &file:")
        path_label.setBuddy(self.path)
        form.addRow(path_label, where)
        form.addRow("First &round:", self.round_id)
        form.addRow("&Stage:", self.stage)
        form.addRow(self.problem)
        form.addRow(_buttons(self, "Create"))
        self.name.textChanged.connect(self._name_changed)
        self.setMinimumWidth(520)

    def _name_changed(self, text: str) -> None:
        if not self._path_edited:
            stem = re.sub(r'[\\/:*?"<>|]+', " ", text).strip() or "district"
            self.path.setText(str(self._folder / f"{stem}{WORKSPACE_SUFFIX}"))

    def _path_typed(self) -> None:
        self._path_edited = True

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Workspace file", self.path.text() or str(self._folder), WORKSPACE_FILTER
        )
        if chosen:
            if not chosen.endswith(WORKSPACE_SUFFIX):
                chosen += WORKSPACE_SUFFIX
            self.path.setText(chosen)
            self._path_edited = True

    def values(self) -> tuple[str, Path, str, str]:
        """District name, workspace path, first round id, stage id."""
        return (
            self.name.text().strip(),
            Path(self.path.text().strip()),
            self.round_id.text().strip(),
            self.stage.currentData(),
        )

    def accept(self) -> None:
        name, path, round_id, _ = self.values()
        problem = ""
        if not name:
            problem = "Type the district's name."
        elif not self.path.text().strip():
            problem = "Choose where to keep the workspace file."
        elif path.exists():
            problem = f"{path} already exists; choose another file name."
        elif not round_id:
            problem = "Name the first round, e.g. 2025-26."
        if problem:
            self.problem.setText(problem)
            return
        super().accept()


class AddRoundDialog(QDialog):
    """A new assessment round: its id (e.g. 2025-26) and implementation stage."""

    def __init__(self, framework: Framework, rounds: list[Round], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add round")
        stages = framework.stage_ids
        latest = rounds[-1].stage if rounds else stages[0]
        following = stages[min(stages.index(latest) + 1, len(stages) - 1)] if rounds else latest
        form = QFormLayout(self)
        self.round_id = QLineEdit(next_round_id(rounds))
        self.stage = _stage_box(framework, following)
        form.addRow("&Round:", self.round_id)
        form.addRow("&Stage:", self.stage)
        self.start_from = QComboBox()  # a round started from another carries its ratings
        self.start_from.addItem("An empty board", None)
        for rnd in reversed(rounds):
            self.start_from.addItem(f"Ratings of {rnd.label} (carried until confirmed)", rnd.id)
        form.addRow("Start &from:", self.start_from)
        hint = QLabel("Ratings and surveys are recorded per round, so progress can be compared.")
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow(_buttons(self, "Add round"))

    def values(self) -> tuple[str, str, str | None]:
        """The round id, its stage, and the round it starts from (None: empty)."""
        return self.round_id.text().strip(), self.stage.currentData(), self.start_from.currentData()


@dataclass(frozen=True)
class Preferences:
    """What the Preferences dialog edits."""

    author: str
    theme: str
    default_folder: Path


class PreferencesDialog(QDialog):
    """Your name (recorded with each rating), the theme, and the default folder."""

    def __init__(self, current: Preferences, parent: QWidget | None = None):
        from ui.theme import THEMES

        super().__init__(parent)
        self.setWindowTitle("Preferences")
        form = QFormLayout(self)
        self.author = QLineEdit(current.author)
        self.author.setToolTip("Recorded with each rating and survey import, printed on reports")
        form.addRow("&Your name:", self.author)
        self.theme = QComboBox()
        for key, label in THEMES.items():
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(self.theme.findData(current.theme), 0))
        form.addRow("&Theme:", self.theme)
        self._folder_was = str(current.default_folder)
        self.folder = QLineEdit(self._folder_was)
        self.folder.setToolTip("Where new districts, reports and copies are suggested")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(browse)
        folder_label = QLabel("Default &folder:")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, where)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        form.addRow(_buttons(self, "Save"))
        self.setMinimumWidth(520)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Default folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def value(self) -> Preferences:
        return Preferences(
            self.author.text().strip(),
            self.theme.currentData(),
            Path(self.folder.text().strip()).expanduser(),
        )

    def accept(self) -> None:
        folder = self.folder.text().strip()
        if folder != self._folder_was and not Path(folder).expanduser().is_dir():
            self.problem.setText(f"{folder or 'That'} is not a folder; choose one that exists.")
            self.folder.setFocus()
            return
        super().accept()

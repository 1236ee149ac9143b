"""Help ▸ Keyboard shortcuts and Help ▸ User guide.

The shortcut list is generated from the window itself: every menu action with its keys,
the Alt key of every menu, and the board's tile keys (``ui.board.tile_keys``, the same
table the tiles obey), so it never drifts from what the keys do. The user guide is the
consultant sections of the README, read from the copy shipped with the app: offline.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop import APP_NAME
from ui.tile import MOUSE_GESTURES

GUIDE_SECTIONS = (
    "The desktop app",
    "Importing surveys",
    "Word report",
    "Safety of your work",
    "Sync bundles and HQ",
    "How the score is built",
)
NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True)
class Shortcut:
    group: str
    keys: str
    does: str


def shown_text(text: str) -> str:
    """Menu text as the user sees it: mnemonic markers gone, "&&" shown as "&", no "…"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def mnemonic(text: str) -> str | None:
    """The letter after a single "&" (the Alt key of a menu, label or tab), if any."""
    match = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return match.group(1).upper() if match else None


def _menu_actions(menu: QMenu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        elif not action.isSeparator():
            yield action


def action_name(action: QAction) -> str:
    """What an action does, as the help lists it (undo/redo: without the changing text)."""
    fixed = action.property("helpText")
    return str(fixed) if fixed else shown_text(action.text())


def shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every key of the window: menu actions, menus' Alt keys, then the board's keys."""
    rows: list[Shortcut] = []
    seen: set[int] = set()
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    for menu in menus:
        group = shown_text(menu.title())
        for action in _menu_actions(menu):
            keys = [k.toString(NATIVE) for k in action.shortcuts() if not k.isEmpty()]
            if keys and id(action) not in seen:
                seen.add(id(action))
                rows.append(Shortcut(group, " or ".join(keys), action_name(action)))
    for menu in menus:
        letter = mnemonic(menu.title())
        if letter:
            rows.append(
                Shortcut("Menus", f"Alt+{letter}", f"Open the {shown_text(menu.title())} menu")
            )
    board = getattr(window, "board", None)
    if board is not None:
        for key in board.keys:
            rows.append(Shortcut("Board", key.shown, key.does))
        for gesture, does in MOUSE_GESTURES:
            rows.append(Shortcut("Board (mouse)", gesture, does))
    return rows


class HelpActions:
    """The Help menu's actions: User guide (F1), Keyboard shortcuts (Ctrl+/), About."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window

        def action(text: str, slot, keys=None, tip: str = "") -> QAction:
            made = QAction(text, window)
            if keys is not None:
                made.setShortcut(QKeySequence(keys))
            made.setStatusTip(tip)
            made.triggered.connect(slot)
            return made

        self.guide_action = action(
            "User &guide",
            self.show_guide,
            QKeySequence.StandardKey.HelpContents,
            "How to use the app, offline",
        )
        self.shortcuts_action = action(
            "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/", "Every key the app knows"
        )
        self.about_action = action(f"&About {APP_NAME}", self.show_about)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.window)
        dialog.show()
        return dialog

    def show_guide(self) -> UserGuideDialog:
        dialog = UserGuideDialog(self.window)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        from ui.about import AboutDialog

        AboutDialog(self.window.session, self.window).exec()


class ShortcutsDialog(QDialog):
    """Every key the window knows, grouped, with a filter."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle(f"Keyboard shortcuts — {APP_NAME}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter, e.g. round or undo")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter shortcuts")
        layout.addWidget(self.filter)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "What it does"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName("Keyboard shortcuts")
        groups: dict[str, QTreeWidgetItem] = {}
        for row in shortcuts(window):
            parent = groups.get(row.group)
            if parent is None:
                parent = groups[row.group] = QTreeWidgetItem(self.tree, [row.group])
                font = parent.font(0)
                font.setBold(True)
                parent.setFont(0, font)
                parent.setFirstColumnSpanned(True)
            QTreeWidgetItem(parent, [row.keys, row.does])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)
        self.resize(620, min(640, window.height() - 40))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                item = group.child(j)
                hit = (
                    not needle or needle in f"{item.text(0)} {item.text(1)} {group.text(0)}".lower()
                )
                item.setHidden(not hit)
                visible += hit
            group.setHidden(visible == 0)


# --- the user guide ---------------------------------------------------------------------


def readme_path() -> Path:
    """The README shipped with the app (beside ``resources/`` when frozen)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "README.md"
    return Path(__file__).resolve().parent.parent / "README.md"


def guide_markdown(readme: str) -> str:
    """The consultant sections of the README (``GUIDE_SECTIONS``), in README order."""
    parts = re.split(r"(?m)^(?=## )", readme)
    chosen = [
        p for p in parts if p.startswith("## ") and p[3:].splitlines()[0].strip() in GUIDE_SECTIONS
    ]
    return f"# {APP_NAME}: user guide\n\n" + "\n".join(p.rstrip() + "\n" for p in chosen)


class UserGuideDialog(QDialog):
    """The README's consultant sections, rendered (no network)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"User guide — {APP_NAME}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        path = readme_path()
        try:
            self.text.setMarkdown(guide_markdown(path.read_text(encoding="utf-8")))
        except OSError as exc:
            self.text.setPlainText(f"The user guide ({path}) could not be read: {exc}.")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if parent is not None:
            self.resize(min(820, parent.width() - 40), min(640, parent.height() - 40))

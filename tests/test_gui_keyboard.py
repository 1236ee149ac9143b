"""The keyboard: every key does one thing, from the first moment, and the focus shows."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from tests.gui_support import answer_modal, demo_copy, open_window, window
from ui.palette import contrast, level_colours

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def _level(window, area):
    event = window.session.workspace.board(window.session.round_id).get(area)
    return event.level if event else None


def _all_actions(window) -> set[QAction]:
    """Every action the window can trigger by a key: its own, its menus', its widgets'."""
    found = set(window.actions())
    for widget in window.findChildren(QWidget):
        found.update(widget.actions())
    menus = [a.menu() for a in window.menuBar().actions() if a.menu()]
    while menus:
        menu = menus.pop()
        for action in menu.actions():
            if action.menu():
                menus.append(action.menu())
            found.add(action)
    return found


def _x11_key_sequence(*args):
    """QKeySequence as Qt resolves the standard keys on X11, where Redo is Ctrl+Shift+Z
    (offscreen, the tests' platform, resolves it to Ctrl+Y)."""
    if args and args[0] == QKeySequence.StandardKey.Redo:
        return QKeySequence("Ctrl+Shift+Z")
    return QKeySequence(*args)


_x11_key_sequence.StandardKey = QKeySequence.StandardKey
_x11_key_sequence.SequenceFormat = QKeySequence.SequenceFormat


@pytest.fixture
def x11_window(qtbot, demo_copy, monkeypatch):
    """The main window built with the key bindings of a Linux desktop."""
    monkeypatch.setattr("ui.main_window.QKeySequence", _x11_key_sequence)
    return open_window(qtbot, demo_copy)


def test_every_key_is_bound_once(x11_window):
    keys = Counter()
    for action in _all_actions(x11_window):
        for sequence in action.shortcuts():  # twice in one action is ambiguous too
            keys[sequence.toString()] += 1
    ambiguous = [key for key, n in keys.items() if n > 1]
    assert not ambiguous, f"bound twice: {ambiguous}"


def test_redo_answers_both_ctrl_shift_z_and_ctrl_y(qtbot, x11_window):
    window = x11_window
    area = "workforce_plan"
    before = _level(window, area)
    tile = window.board.tiles[area]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_4)
    qtbot.keyClick(tile, Qt.Key.Key_Z, CTRL)
    assert _level(window, area) == before
    qtbot.keyClick(tile, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _level(window, area) == 4
    qtbot.keyClick(tile, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(tile, Qt.Key.Key_Y, CTRL)
    assert _level(window, area) == 4


def test_round_keys_work_before_the_round_menu_was_ever_opened(qtbot, window):
    rounds = [r.id for r in window.session.rounds()]
    assert window.session.round_id == rounds[-1]
    tile = window.focusWidget()
    qtbot.keyClick(tile, Qt.Key.Key_PageUp, CTRL)
    assert window.session.round_id == rounds[-2]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_PageDown, CTRL)
    assert window.session.round_id == rounds[-1]


def _mnemonics(window) -> Counter:
    """The Alt letter of every menu, labelled control and tab the window shows."""
    texts = [a.text() for a in window.menuBar().actions()]
    for label in window.findChildren(QLabel):
        if label.buddy() is not None:
            texts.append(label.text())
    for bar in window.findChildren(QTabBar):
        texts += [bar.tabText(i) for i in range(bar.count())]
    for button in window.findChildren(QAbstractButton):
        if button.focusPolicy() != Qt.FocusPolicy.NoFocus:
            texts.append(button.text())
    letters = Counter()
    for text in texts:
        match = re.search(r"&([^&\s])", text.replace("&&", ""))
        if match:
            letters[match.group(1).upper()] += 1
    return letters


def test_alt_letters_are_unique_and_open_the_menus(qtbot, window):
    letters = _mnemonics(window)
    assert {"F", "E", "R", "S", "H"} <= set(letters)
    assert [k for k, n in letters.items() if n > 1] == []
    for key, menu in (
        (Qt.Key.Key_R, window.round_menu),
        (Qt.Key.Key_S, window.survey_menu),
        (Qt.Key.Key_H, window.help_menu),
    ):
        qtbot.keyClick(window.focusWidget(), key, ALT)
        qtbot.waitUntil(menu.isVisible, timeout=2000)
        menu.close()
        qtbot.waitUntil(lambda m=menu: not m.isVisible(), timeout=2000)


def test_focus_starts_on_the_board_and_arrows_move(qtbot, window):
    first = window.board.tiles["pl_vision_alignment"]
    assert window.focusWidget() is first
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert window.board.tiles["culture_of_innovation"].hasFocus()
    assert window.board.selected_area == "culture_of_innovation"


def test_tab_crosses_the_board_and_the_table_in_one_step_each(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.board.tiles["pl_vision_alignment"].setFocus()
    stops = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
        if stops[-1] is window.board.tiles["pl_vision_alignment"]:
            break
    tiles = [w for w in stops if w in window.board.tiles.values()]
    assert len(tiles) == 1, "the board is one Tab stop (arrows move within it)"
    assert stops.count(window.panel.table) == 1
    assert len(stops) < 15


def _ring_pixel(tile):
    """A pixel on the inner focus ring, halfway down the tile's left edge."""
    image = tile.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(round((4 + 2.5) * ratio), image.height() // 2)


def test_focus_ring_shows_on_every_level_colour(qtbot, window):
    session = window.session
    tile = window.board.tiles["it_support_plan"]
    for level, fill in enumerate(level_colours(4), start=1):
        if session.rating("it_support_plan").level != level:
            session.set_level("it_support_plan", level)
        tile.setFocus()
        qtbot.waitUntil(tile.hasFocus, timeout=1000)
        ring = _ring_pixel(tile)
        assert contrast(ring, fill) >= 3, f"level {level}: ring {ring.name()} on {fill.name()}"


def test_ctrl_enter_saves_the_evidence_note(qtbot, window):
    tile = window.board.tiles["workforce_plan"]
    level = tile.rating.level

    def write(dialog):
        editor = dialog.findChild(QPlainTextEdit)
        editor.setPlainText("Staffing model shared by HR.")
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
        if dialog.isVisible():  # the key did not save: leave, so the test fails, not hangs
            dialog.reject()

    seen = answer_modal(qtbot, write)
    window.board.edit_note("workforce_plan")
    assert seen
    event = window.session.workspace.board(window.session.round_id)["workforce_plan"]
    assert (event.level, event.note) == (level, "Staffing model shared by HR.")


def test_keyboard_help_lists_every_key_the_window_knows(qtbot, window):
    dialog = window.help.show_shortcuts()
    qtbot.addWidget(dialog)
    listed = set()
    tree = dialog.tree
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            listed.add(group.child(j).text(0))
    native = QKeySequence.SequenceFormat.NativeText
    for action in _all_actions(window):
        for key in action.shortcuts():
            assert any(key.toString(native) in row for row in listed), key.toString()
    for key in window.board.keys:
        assert key.shown in listed
    assert {"Alt+R", "Alt+S", "Alt+H"} <= listed
    dialog.filter.setText("redo")
    shown = [
        tree.topLevelItem(i).child(j).text(1)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
        if not tree.topLevelItem(i).child(j).isHidden()
    ]
    assert shown == ["Redo the change last undone"]


def test_the_user_guide_is_the_readme_offline(qtbot, window):
    dialog = window.help.show_guide()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert "The desktop app" in text and "Importing surveys" in text
    assert "For developers" not in text
    assert "a click only selects a tile" in text.lower()


def test_ctrl_enter_does_not_save_a_note_over_its_limit(qtbot, window):
    from onpoint_desktop.limits import MAX_NOTE
    from ui.note_dialog import NoteDialog

    dialog = NoteDialog(window.session, "workforce_plan", window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.note_edit.setPlainText("x" * (MAX_NOTE + 1))
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible() and dialog.result() == 0  # as Save, which is disabled
    dialog.reject()

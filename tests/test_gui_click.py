"""The mouse never rates by accident: a click selects, a level is set on purpose."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from tests.gui_support import answer_modal, demo_copy, window


def _level(window, area):
    event = window.session.workspace.board(window.session.round_id).get(area)
    return event.level if event else None


def _open_menus():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]


def _close_popups(qtbot) -> list[str]:
    """Close any popup menu a click opens (recording its first item), so a click that
    opens a blocking menu fails the test instead of hanging it."""
    seen: list[str] = []
    timer = QTimer()
    timer.setInterval(50)

    def close() -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            seen.append(popup.actions()[0].text() if popup.actions() else "a popup")
            popup.close()

    timer.timeout.connect(close)
    timer.start()
    _TIMERS.append(timer)
    return seen


_TIMERS: list[QTimer] = []


@pytest.fixture(autouse=True)
def _stop_popup_timers():
    yield
    while _TIMERS:
        _TIMERS.pop().stop()


def test_a_click_selects_a_tile_and_rates_nothing(qtbot, window):
    area = "pl_resource_bank"
    before = _level(window, area)
    tile = window.board.tiles[area]
    popups = _close_popups(qtbot)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert not popups, f"a click opened a menu: {popups}"
    assert _level(window, area) == before
    assert window.session.undo_stack.count() == 0
    assert not _open_menus()
    assert tile.hasFocus() and window.board.selected_area == area
    assert window.board.strip.target.text() == "PL Resource Bank:"


def test_a_drifting_double_click_changes_nothing(qtbot, window):
    area = "pl_resource_bank"
    before = window.session.rating(area)
    tile = window.board.tiles[area]
    seen = answer_modal(qtbot, lambda dialog: dialog.reject())
    popups = _close_popups(qtbot)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(30, 30))
    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(36, 44))
    assert not popups, f"a click opened a menu: {popups}"
    assert seen and "Evidence note" in seen[0].windowTitle()  # a double-click opens the note
    assert window.session.rating(area) == before
    assert window.session.undo_stack.count() == 0
    assert not _open_menus()


def test_the_level_strip_rates_the_selected_tile(qtbot, window):
    area = "it_support_plan"
    tile = window.board.tiles[area]
    popups = _close_popups(qtbot)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert not popups
    strip = window.board.strip
    assert strip.level_buttons[tile.rating.level].isChecked()
    qtbot.mouseClick(strip.level_buttons[1], Qt.MouseButton.LeftButton)
    assert _level(window, area) == 1
    assert strip.level_buttons[1].isChecked() and not strip.level_buttons[2].isChecked()
    assert tile.hasFocus(), "the strip leaves the keyboard focus on the tile"
    qtbot.mouseClick(strip.clear_button, Qt.MouseButton.LeftButton)
    assert _level(window, area) is None
    assert not strip.clear_button.isEnabled()
    window.session.undo_stack.undo()
    assert _level(window, area) == 1


def test_the_strip_and_keys_act_on_the_same_selection(qtbot, window):
    board = window.board
    board.tiles["pl_vision_alignment"].setFocus()
    qtbot.keyClick(board.focusWidget(), Qt.Key.Key_Down)
    assert board.selected_area == "pl_rollout_plan"
    assert board.strip.target.text() == "PL Rollout Plan:"
    qtbot.mouseClick(board.strip.level_buttons[4], Qt.MouseButton.LeftButton)
    assert _level(window, "pl_rollout_plan") == 4

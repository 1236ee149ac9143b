"""Every rating change is an undoable command that appends rating events through the core."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui_support import demo_copy, window


def _current(window, area):
    event = window.session.workspace.board(window.session.round_id).get(area)
    return (event.level, event.note) if event else (None, None)


def test_undo_and_redo_restore_level_and_note(window):
    session = window.session
    area = "pl_vision_alignment"
    original = _current(window, area)
    assert original[1], "the demo has a note on this area"
    events_before = len(session.workspace.history(session.round_id, area))

    session.set_rating(area, 2, "Revised after the board meeting.")
    assert _current(window, area) == (2, "Revised after the board meeting.")
    session.set_level(area, None)
    assert _current(window, area) == (None, None)

    session.undo_stack.undo()
    assert _current(window, area) == (2, "Revised after the board meeting.")
    session.undo_stack.undo()
    assert _current(window, area) == original
    assert window.board.tiles[area].rating.level == original[0]
    assert window.panel.total_label.text() == f"{session.workspace.score().total:.1f}"

    session.undo_stack.redo()
    assert _current(window, area) == (2, "Revised after the board meeting.")
    # do, do, undo, undo, redo: five appended events, none rewritten
    assert len(session.workspace.history(session.round_id, area)) == events_before + 5


def test_ctrl_z_and_ctrl_shift_z(qtbot, window):
    area = "workforce_plan"
    original = _current(window, area)
    tile = window.board.tiles[area]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_4)
    assert _current(window, area)[0] == 4
    assert window.undo_action.isEnabled()
    qtbot.keyClick(tile, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _current(window, area) == original
    qtbot.keyClick(
        tile, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert _current(window, area)[0] == 4


def test_setting_the_same_level_adds_no_command(window):
    session = window.session
    level, _ = _current(window, "it_support_plan")
    assert session.set_level("it_support_plan", level) is False
    assert session.undo_stack.count() == 0


def test_undo_returns_to_the_round_it_changed(window):
    session = window.session
    rounds = [r.id for r in session.rounds()]
    session.set_level("pl_rollout_plan", 4)
    session.set_round(rounds[0])
    assert window.round_box.currentData() == rounds[0]
    session.undo_stack.undo()
    assert session.round_id == rounds[-1]
    assert window.round_box.currentData() == rounds[-1]
    assert rounds[-1] in window.windowTitle() or session.current_round.label in window.windowTitle()

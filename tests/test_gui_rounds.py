"""The consultant's day in the window (SPEC §11, issue 14 items 1–3): carried tiles and
confirming them, undoable round changes, comparing rounds, what-if previews from the
rating menu and the target planner."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import os

from PySide6.QtCore import Qt

from tests.gui_support import demo_copy, window

SHOTS = os.environ.get("ONPOINT_SHOTS")  # a folder: save screenshots there to look at


def _shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, f"{name}.png"))


def _started_from_previous(window):
    session = window.session
    session.add_round("2025-26", "year3", from_round="2024-25")
    return session


def test_carried_tiles_are_marked_until_confirmed_and_c_confirms_one(qtbot, window):
    session = _started_from_previous(window)
    tile = window.board.tiles["it_support_plan"]
    assert tile.rating.carried and "carried from the previous round" in tile.accessibleName()
    assert window.round_actions.confirm_action.isEnabled()
    _shot(window, "carried")
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_C)
    assert not tile.rating.carried
    event = session.workspace.board("2025-26")["it_support_plan"]
    assert event.kind == "confirmed"
    session.undo_stack.undo()  # undo puts it back as carried (one more event, nothing lost)
    assert window.board.tiles["it_support_plan"].rating.carried
    assert session.workspace.board("2025-26")["it_support_plan"].carried


def test_confirm_all_is_one_undoable_step_and_one_change(qtbot, window):
    session = _started_from_previous(window)
    seen = []
    session.changed.connect(seen.append)
    window.round_actions.confirm_action.trigger()
    assert len(seen) == 1 and len(seen[0].ratings) == 26
    assert session.carried_areas() == []
    assert not any(t.rating.carried for t in window.board.tiles.values())
    session.undo_stack.undo()
    assert len(session.carried_areas()) == 26


def test_rename_set_stage_and_delete_round_are_undoable(window):
    session = window.session
    session.rename_round("2024-25", "Spring 2025")
    assert "Spring 2025" in window.windowTitle()
    session.set_round_stage("2024-25", "year3")
    assert window.round_box.currentText() == "Spring 2025 · Year 3+"
    session.delete_round("2024-25")
    assert [r.id for r in session.rounds()] == ["2022-23", "2023-24"]
    assert session.round_id == "2023-24"
    session.undo_stack.undo()  # restore
    assert session.round_id == "2024-25"
    session.undo_stack.undo()
    session.undo_stack.undo()
    rnd = session.get_round("2024-25")
    assert (rnd.label, rnd.stage) == ("2024-25", "year2")
    kinds = [e.kind for e in session.workspace.round_events("2024-25")][1:]  # after "added"
    assert kinds == ["renamed", "stage", "deleted", "restored", "stage", "renamed"]


def test_compare_marks_tiles_and_shows_both_rounds_bars(window):
    session = window.session
    session.set_compare_round("2023-24")
    then = session.workspace.levels("2023-24")
    now = session.workspace.levels("2024-25")
    moved = [a for a in now if now[a] != then.get(a)]
    assert moved
    for area in moved:
        mark, level = window.board.tiles[area].compared
        assert level == then[area] and mark == ("▲" if now[area] > then[area] else "▼")
    still = next(a for a in now if now[a] == then.get(a))
    assert window.board.tiles[still].compared is None
    assert all(r.other is not None for r in window.panel.bars.rows)
    assert "Compared with 2023-24" in window.panel.compare_label.text()
    _shot(window, "compare")
    session.set_compare_round(None)
    assert window.board.tiles[moved[0]].compared is None
    assert window.panel.compare_label.isHidden()


def test_what_if_preview_shows_ghost_bars_and_writes_nothing(window):
    session = window.session
    events = len(session.workspace.history("2024-25"))
    menu = window.board.rating_menu("culture_of_innovation")
    level_four = next(a for a in menu.actions() if a.text().startswith("&4"))
    level_four.hover()
    basis = session.score_basis()
    expected = basis.what_if({"culture_of_innovation": 4})
    assert f"{expected.total:.1f}" in window.panel.what_if_label.text()
    ghosts = [r.ghost for r in window.panel.bars.rows if r.ghost is not None]
    assert ghosts == [expected.components["culture_of_innovation"]]
    _shot(window, "what-if")
    menu.aboutToHide.connect(session.clear_preview)
    session.clear_preview()  # what closing the menu (Escape) does
    assert window.panel.what_if_label.text() == ""
    assert all(r.ghost is None for r in window.panel.bars.rows)
    assert len(session.workspace.history("2024-25")) == events


def test_planner_panel_lists_the_plan_and_applies_it_as_one_undoable_step(qtbot, window):
    session = window.session
    window.round_actions.planner_action.trigger()
    planner = window.panel.planner
    assert window.panel.tabs.currentWidget() is planner
    planner.target.setCurrentIndex(1)  # p75
    plan = planner.plan
    assert plan.reachable and plan.changes
    assert planner.changes.count() == len(plan.changes)
    assert "The fewest changes" in planner.summary.text()
    _shot(window, "planner")
    planner.apply_button.click()
    assert session.score().total >= plan.target - 1e-6
    assert "Already reached" in planner.summary.text()  # recomputed after the change
    session.undo_stack.undo()
    assert session.score().total == plan.score_before
    assert planner.plan.changes == plan.changes


def test_moving_through_the_menu_with_the_keyboard_previews_and_escape_leaves_nothing(
    qtbot, window
):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMenu

    session = window.session
    events = len(session.workspace.history("2024-25"))
    tile = window.board.tiles["culture_of_innovation"]
    tile.setFocus()
    seen = []

    def in_menu():
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        qtbot.keyClick(menu, Qt.Key.Key_Down)  # onto "1 Not started"
        seen.append(window.panel.what_if_label.text())
        qtbot.keyClick(menu, Qt.Key.Key_Escape)

    QTimer.singleShot(200, in_menu)
    qtbot.keyClick(tile, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert seen and seen[0].startswith("→ ") and "if " in seen[0]
    assert window.panel.what_if_label.text() == ""
    assert all(r.ghost is None for r in window.panel.bars.rows)
    assert len(session.workspace.history("2024-25")) == events


def test_pointing_at_a_level_of_the_strip_previews_it_and_leaving_clears(qtbot, window):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QEnterEvent
    from PySide6.QtWidgets import QApplication

    board = window.board
    board.select("culture_of_innovation")
    swatch = board.strip.level_buttons[4]
    local = QPointF(5, 5)
    QApplication.sendEvent(swatch, QEnterEvent(local, local, swatch.mapToGlobal(local)))
    expected = window.session.score_basis().what_if({"culture_of_innovation": 4}).total
    assert f"{expected:.1f}" in window.panel.what_if_label.text()
    QApplication.sendEvent(swatch, QEvent(QEvent.Type.Leave))
    assert window.panel.what_if_label.text() == ""

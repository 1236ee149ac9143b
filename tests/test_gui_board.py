"""The bingo board: layout, rating by keyboard and menu, evidence notes, accessible names."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from tests.gui_support import answer_modal, demo_copy, window
from ui.palette import contrast, level_colours, luminance, text_on


def _ws(window):
    return window.session.workspace


def test_demo_opens_with_the_latest_round_and_its_board(window):
    ws = _ws(window)
    latest = ws.latest_round()
    assert window.session.round_id == latest.id
    assert ws.district.name in window.windowTitle()
    assert latest.label in window.windowTitle()
    board = ws.board(latest.id)
    assert len(window.board.tiles) == len(ws.framework.areas) == 26
    for area_id, tile in window.board.tiles.items():
        expected = board[area_id].level if area_id in board else None
        assert tile.rating.level == expected


def test_tiles_are_laid_out_like_the_framework_poster(window):
    board = window.board
    framework = _ws(window).framework
    columns = [c for c in framework.categories if not c.cross_cutting]
    for category in columns:
        xs = {board.tiles[a.id].geometry().x() for a in category.areas}
        assert len(xs) == 1, f"{category.label} tiles should share one column"
        ys = [board.tiles[a.id].geometry().y() for a in category.areas]
        assert ys == sorted(ys)
    data = board.tiles["data_analysis_monitoring"]
    first = board.tiles[columns[0].areas[0].id]
    last = board.tiles[columns[-1].areas[0].id]
    assert data.geometry().left() <= first.geometry().left() + 1
    assert data.geometry().right() >= last.geometry().right() - 1
    assert data.geometry().top() > board.tiles[columns[0].areas[-1].id].geometry().bottom()


def test_rating_by_keyboard_updates_store_tile_and_total(qtbot, window):
    ws = _ws(window)
    area = "pl_rollout_plan"
    before_total = window.panel.total_label.text()
    tile = window.board.tiles[area]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_1)
    assert ws.board(window.session.round_id)[area].level == 1
    assert tile.rating.level == 1
    assert window.panel.total_label.text() == f"{ws.score().total:.1f}"
    assert window.panel.total_label.text() != before_total
    assert tile.accessibleName().startswith("PL Rollout Plan: Not started")


def test_clearing_by_keyboard_removes_level_and_note(qtbot, window):
    ws = _ws(window)
    tile = window.board.tiles["pl_vision_alignment"]
    assert tile.rating.note  # the demo has a note here
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Delete)
    assert "pl_vision_alignment" not in ws.board(window.session.round_id)
    assert tile.accessibleName() == "PL Vision Alignment: Unrated"
    qtbot.keyClick(tile, Qt.Key.Key_3)
    qtbot.keyClick(tile, Qt.Key.Key_0)
    assert "pl_vision_alignment" not in ws.board(window.session.round_id)


def test_arrow_keys_move_between_tiles_and_the_data_row(qtbot, window):
    board = window.board
    start = board.tiles["pl_vision_alignment"]
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_Right)
    assert board.tiles["culture_of_innovation"].hasFocus()
    for _ in range(5):
        qtbot.keyClick(board.focusWidget(), Qt.Key.Key_Down)
    assert board.tiles["data_analysis_monitoring"].hasFocus()
    qtbot.keyClick(board.focusWidget(), Qt.Key.Key_Up)
    assert board.tiles["teacher_role_in_pl_model"].hasFocus()  # back to the Design column
    qtbot.keyClick(board.focusWidget(), Qt.Key.Key_Left)
    assert board.tiles["pl_expectations_success_indicators"].hasFocus()


def test_enter_opens_the_evidence_note_dialog(qtbot, window):
    ws = _ws(window)
    tile = window.board.tiles["workforce_plan"]
    level = tile.rating.level

    def write(dialog):
        dialog.findChild(QPlainTextEdit).setPlainText("HR shared a 3-year staffing model.")
        dialog.accept()

    seen = answer_modal(qtbot, write)
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    assert seen and "Workforce Plan" in seen[0].windowTitle()
    event = ws.board(window.session.round_id)["workforce_plan"]
    assert (event.level, event.note) == (level, "HR shared a 3-year staffing model.")
    assert event.author == "Test Consultant"
    assert tile.accessibleName().endswith(", has note")


def test_a_note_needs_a_level(qtbot, ws):
    from ui.note_dialog import NoteDialog
    from ui.session import DistrictSession

    session = DistrictSession(ws)
    dialog = NoteDialog(session, "it_support_plan")
    qtbot.addWidget(dialog)
    dialog.note_edit.setPlainText("Ticket backlog of 3 weeks.")
    dialog.accept()
    assert dialog.result() == 0 and "Choose a level" in dialog.problem.text()
    dialog.level_box.setCurrentIndex(dialog.level_box.findData(2))
    dialog.accept()
    assert dialog.result() == 1 and (dialog.level(), dialog.note()) == (
        2,
        "Ticket backlog of 3 weeks.",
    )


def test_the_tile_menu_rates_and_marks_the_current_level(window):
    ws = _ws(window)
    menu = window.board.rating_menu("it_support_plan")
    checked = [a.text() for a in menu.actions() if a.isChecked()]
    current = ws.board(window.session.round_id)["it_support_plan"].level
    assert checked and checked[0].startswith(f"&{current}")
    next(a for a in menu.actions() if a.text().startswith("&4")).trigger()
    assert ws.board(window.session.round_id)["it_support_plan"].level == 4


def test_level_palette_is_sequential_and_readable():
    colours = level_colours(4)
    lum = [luminance(c) for c in colours]
    assert lum == sorted(lum, reverse=True), "levels must run light to dark"
    for colour in colours:
        assert contrast(colour, text_on(colour)) >= 4.5


def test_unrated_tiles_never_wear_a_level_colour(qtbot, window):
    tile = window.board.tiles["budget_3_5_year"]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_0)
    image = tile.grab().toImage()
    centre = image.pixelColor(image.width() // 2, image.height() // 2)
    assert centre.name() not in {c.name() for c in level_colours(4)}
    qtbot.keyClick(tile, Qt.Key.Key_2)
    image = tile.grab().toImage()
    assert (
        image.pixelColor(image.width() // 2, image.height() // 2).name()
        == level_colours(4)[1].name()
    )

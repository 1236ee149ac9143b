"""Visit evidence in the desktop app (issue 16 item 6): a walkthrough recorded from the
keyboard, the board's Expert / District / Gap views, and the conditions for scale."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui_support import answer_modal, demo_copy, error_boxes, open_window, window
from ui.evidence_window import EvidenceWindow
from ui.walkthrough_dialog import WalkthroughDialog

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _type(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_a_walkthrough_is_recorded_from_the_keyboard_and_the_next_one_keeps_the_school(
    qtbot, window
):
    session = window.session
    before = len(session.walkthroughs())
    dialog = WalkthroughDialog(session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    _type(qtbot, dialog.school.lineEdit(), "Lincoln Elementary")
    _type(qtbot, dialog.grade_band.lineEdit(), "3-5")
    _type(qtbot, dialog.subject.lineEdit(), "Science")
    _type(qtbot, dialog.quick, "2132")
    _type(qtbot, dialog.notes["data_driven"], "Groups from exit tickets")
    qtbot.keyClick(dialog.quick, Qt.Key.Key_Return, CTRL)  # save and next classroom
    saved = session.walkthroughs()[-1]
    assert len(session.walkthroughs()) == before + 1
    assert (saved.school, saved.grade_band, saved.subject) == (
        "Lincoln Elementary",
        "3-5",
        "Science",
    )
    assert saved.levels == {
        "student_ownership": 2,
        "data_driven": 1,
        "targeted": 3,
        "flexible_content": 2,
    }
    assert saved.notes == {"data_driven": "Groups from exit tickets"}
    assert dialog.school.currentText() == "Lincoln Elementary"  # kept for the next classroom
    assert all(row.level() is None for row in dialog.rows.values())
    assert "observed in this round" in dialog.status.text()


def test_digit_keys_choose_a_level_within_a_row_and_tab_passes_the_date_at_once(qtbot, window):
    dialog = WalkthroughDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    row = dialog.rows["targeted"]
    radio = row.group.buttons()[0]  # where Tab lands in the row
    radio.setFocus()
    qtbot.keyClick(radio, Qt.Key.Key_3)
    assert row.level() == 3
    dialog.date.setFocus()
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.observer  # not the date's month, then its year


def test_an_incomplete_walkthrough_is_refused_and_nothing_is_saved(qtbot, window):
    session = window.session
    before = len(session.walkthroughs())
    dialog = WalkthroughDialog(session, window)
    qtbot.addWidget(dialog)
    _type(qtbot, dialog.school.lineEdit(), "Lincoln Elementary")
    _type(qtbot, dialog.grade_band.lineEdit(), "3-5")
    _type(qtbot, dialog.subject.lineEdit(), "Math")
    _type(qtbot, dialog.quick, "21")  # two of four elements
    assert not dialog.save()
    assert len(session.walkthroughs()) == before
    (box,) = error_boxes(dialog)
    assert "Targeted instruction" in box.informativeText()
    box.close()


def test_the_district_view_rates_the_districts_own_board_and_never_the_score(qtbot, window):
    session = window.session
    area = "workforce_plan"
    score = session.score().total
    expert = session.expert_rating(area).level
    qtbot.keyClick(window.board.tiles[area], Qt.Key.Key_2, CTRL | ALT)  # District view
    assert session.board_view == "district"
    tile = window.board.tiles[area]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_4)
    ws = session.workspace
    assert ws.levels(session.round_id, "district")[area] == 4
    assert ws.levels(session.round_id)[area] == expert
    assert session.score().total == score
    assert tile.rating.level == 4
    qtbot.keyClick(tile, Qt.Key.Key_Z, CTRL)  # undo writes the district's previous level
    assert ws.levels(session.round_id, "district")[area] == session.district_rating(area).level
    assert session.district_rating(area).level != 4


def test_the_gap_view_shows_both_levels_and_the_difference(qtbot, window):
    session = window.session
    window.evidence.view_actions["gap"].trigger()
    tile = window.board.tiles["culture_of_innovation"]
    assert tile.caption == "2 → 4   +2"
    assert tile.rating.level == session.expert_rating("culture_of_innovation").level
    assert "expert → district" in tile.accessibleName()
    window.evidence.view_actions["expert"].trigger()
    assert tile.caption is None


def test_conditions_are_rated_in_the_evidence_window(qtbot, window):
    session = window.session
    evidence = EvidenceWindow(session, window)
    qtbot.addWidget(evidence)
    box = evidence.state_boxes["leadership_development"]
    box.setCurrentIndex(box.findData("partially"))
    box.activated.emit(box.currentIndex())
    assert session.conditions()["leadership_development"].state == "partially"
    assert "Future focus</b>: 50% in place" in evidence.readiness_text.text()
    assert "24 classrooms observed in 4 schools" in evidence.walk_summary.text()
    assert evidence.chart.profile.n == 24

"""The consultant's day in the window: action plan tab, per-school tab, evidence notes,
survey imports (issue 14 items 4–7)."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from onpoint_desktop.evidence_notes import evidence_notes
from tests.gui_support import demo_copy, window


def test_an_action_is_added_edited_and_undone_through_the_panel(qtbot, window):
    panel = window.panel
    plan = panel.action_plan
    panel.tabs.setCurrentWidget(plan)
    dialog = plan.add_action()
    dialog.title.setText("Vision workshop")
    dialog.about.setCurrentIndex(dialog.about.findText("Strategy Communication"))
    dialog.owner.setText("Ana")
    dialog.due.setText("2025-03-01")
    dialog.accept()
    (added,) = window.session.workspace.actions(window.session.round_id)
    assert (added.title, added.component_id, added.owner, added.due) == (
        "Vision workshop", "strategy_communication", "Ana", "2025-03-01",
    )  # fmt: skip
    assert plan.table.item(0, 1).text() == "Strategy Communication"
    plan.table.selectRow(0)
    plan.status.setCurrentText("in progress")
    plan.status.activated.emit(plan.status.currentIndex())
    assert window.session.workspace.action(added.action_id).status == "in progress"
    assert plan.table.item(0, 4).text() == "in progress"
    window.undo_action.trigger()
    assert plan.table.item(0, 4).text() == "planned"
    window.undo_action.trigger()
    assert plan.table.rowCount() == 0
    window.redo_action.trigger()
    assert plan.table.item(0, 0).text() == "Vision workshop"


def test_a_bad_due_date_keeps_the_dialog_open_and_writes_nothing(qtbot, window):
    plan = window.panel.action_plan
    dialog = plan.add_action()
    dialog.title.setText("Audit")
    dialog.due.setText("soon")
    dialog.accept()
    assert dialog.isVisible()
    assert window.session.workspace.actions(window.session.round_id) == []
    errors = [w for w in window.findChildren(QMessageBox) if w.objectName() == "errorBox"]
    assert errors and "not a date" in errors[-1].informativeText()


def test_the_school_tab_hides_what_the_cli_hides(qtbot, window):
    panel = window.panel
    panel.tabs.setCurrentWidget(panel.schools)
    breakdown = window.session.workspace.school_breakdown(window.session.round_id)
    table = panel.schools.table
    assert breakdown.schools  # the demo's responses name their schools
    assert [table.horizontalHeaderItem(c).toolTip() for c in range(table.columnCount())] == list(
        breakdown.schools
    )
    model = window.session.scoring_model()
    for col, school in enumerate(breakdown.schools):
        for row, comp in enumerate(model.components):
            value = breakdown.of(school, comp.id)
            shown = table.item(row, col).text()
            if value.score is None:
                assert shown in ("hidden", "—")
            else:
                assert shown == f"{value.score:.0f}"
        for offset, role in enumerate(model.roles):
            n = breakdown.respondents[school][role]
            shown = table.item(len(model.components) + offset, col).text()
            assert shown == ("hidden" if n is None else str(n))
    assert "hidden" in panel.schools.note.text()  # the demo's leaders per school are few


def test_activating_a_note_selects_its_tile(qtbot, window):
    notes = window.show_evidence_notes()
    expected = evidence_notes(window.session.workspace, window.session.round_id, search="device")
    notes.search.setText("device")
    assert [notes.table.item(r, 0).text() for r in range(notes.table.rowCount())] == [
        n.area for n in expected
    ]
    target = expected[-1].area_id
    notes.table.itemActivated.emit(notes.table.item(len(expected) - 1, 0))
    assert window.board.selected_area == target


def test_removing_a_survey_import_asks_then_moves_the_score(qtbot, window):
    session = window.session
    before = session.score().total
    dialog = window.show_survey_imports()
    assert dialog.table.rowCount() == len(session.workspace.survey_imports(session.round_id))
    dialog.table.selectRow(0)
    box = dialog.ask_remove()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.table.rowCount() == 2 and session.score().total == before
    box = dialog.ask_remove()
    box.property("removeButton").click()
    assert dialog.table.rowCount() == 1
    assert session.score().total != before
    assert window.panel.total_label.text() == f"{session.score().total:.1f}"
    dialog.close()
    window.undo_action.trigger()  # the import and its responses come back
    assert session.score().total == before
    assert len(session.workspace.survey_imports(session.round_id)) == 2
    window.redo_action.trigger()
    assert len(session.workspace.survey_imports(session.round_id)) == 1


def test_the_school_tab_shows_response_rates_as_the_cli_does(qtbot, window, capsys):
    from onpoint_desktop.cli import main

    session = window.session
    ws = session.workspace
    schools = ws.schools(session.round_id)
    ws.set_invited(session.round_id, "teacher", 40, school=schools[0])
    ws.set_invited(session.round_id, "leader", 6, school=schools[0])
    session.notify_surveys_changed(session.round_id)
    panel = window.panel
    panel.tabs.setCurrentWidget(panel.schools)
    table = panel.schools.table
    labels = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    teacher_row = labels.index("Response rate (teachers)")
    leader_row = labels.index("Response rate (leaders)")
    col = [table.horizontalHeaderItem(c).toolTip() for c in range(table.columnCount())].index(
        schools[0]
    )
    main(["score", str(ws.path), "--by-school"])
    printed = capsys.readouterr().out
    teacher_line = next(
        line for line in printed.splitlines() if "(teachers)" in line and "rate" in line
    )
    assert table.item(teacher_row, col).text() in teacher_line
    assert table.item(leader_row, col).text() == "hidden"  # too few leaders: no rate either


def test_keys_enter_selects_a_notes_tile_and_delete_removes_an_action(qtbot, window):
    notes = window.show_evidence_notes()
    notes.search.setText("budget")
    notes.table.setFocus()
    notes.table.setCurrentCell(0, 0)
    qtbot.keyClick(notes.table, Qt.Key.Key_Return)
    assert window.board.selected_area == notes.shown[0].area_id
    notes.close()
    window.session.change_plan(None, {"title": "Audit"}, "Add action: Audit")
    plan = window.panel.action_plan
    window.panel.tabs.setCurrentWidget(plan)
    plan.table.setFocus()
    plan.table.selectRow(0)
    qtbot.keyClick(plan.table, Qt.Key.Key_Delete)
    assert window.session.actions() == []


def test_the_plan_tab_follows_the_round_on_screen(qtbot, window):
    session = window.session
    ws = session.workspace
    ws.add_action("2023-24", "Last year's action")
    plan = window.panel.action_plan
    window.panel.tabs.setCurrentWidget(plan)
    assert plan.table.rowCount() == 0  # 2024-25 is on screen
    window.show_round("2023-24")
    assert [plan.table.item(r, 0).text() for r in range(plan.table.rowCount())] == [
        "Last year's action"
    ]
    assert plan.table.item(0, 5).text() == "new this round"

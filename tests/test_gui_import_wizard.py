"""The survey import wizard: file → mapping → import on a worker → summary; errors change
nothing."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QComboBox, QWizard

from tests.conftest import SAMPLES
from tests.gui_support import answer_modal, demo_copy, error_boxes, window

TRUTH = json.loads((SAMPLES / "truth.json").read_text())


@pytest.fixture
def fresh_round(window):
    """The demo window with a new, empty round on screen."""
    window.session.add_round("2025-26", "year3")
    return window


def _start(qtbot, window, sample, role):
    wizard = window.import_survey()
    qtbot.addWidget(wizard)
    wizard.file_page.path.setText(str(sample))
    wizard.file_page.role.setCurrentIndex(wizard.file_page.role.findData(role))
    return wizard


def _to_mapping(qtbot, wizard):
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=10000)
    return wizard.mapping_page


def _counts(window):
    ws = window.session.workspace
    return ws.respondent_counts(window.session.round_id), len(ws.survey_imports())


def test_import_a_sample_through_the_wizard(qtbot, fresh_round):
    window = fresh_round
    ws = window.session.workspace
    assert window.panel.total_label.text() == "—"
    wizard = _start(qtbot, window, SAMPLES / "teacher_qualtrics_text.csv", "teacher")
    page = _to_mapping(qtbot, wizard)
    assert "Qualtrics" in page.detected.text()
    assert "23 of 23 items" in page.detected.text()
    boxes = [page.table.cellWidget(r, 2) for r in range(page.table.rowCount())]
    items = [b.currentData() for b in boxes if isinstance(b, QComboBox)]
    assert sum(1 for d in items if d.startswith("item:")) == 23
    assert page.isComplete()

    # The user changes a column, the file is inspected again, and changes it back.
    t23 = next(u.column.letter for u in page.mapping.item_columns if u.item == "T23")
    page.set_choice(t23, "ignored")
    assert not page.isComplete()  # until the new inspection arrives
    qtbot.waitUntil(lambda: "22 of 23 items" in page.detected.text(), timeout=10000)
    page.set_choice(t23, "item", "T23")
    qtbot.waitUntil(lambda: "23 of 23 items" in page.detected.text(), timeout=10000)
    qtbot.waitUntil(page.isComplete, timeout=10000)

    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=20000)
    respondents = len(TRUTH["teacher"])
    assert ws.respondent_counts("2025-26") == {"teacher": respondents}
    summary = wizard.summary_page.text.toPlainText()
    assert f"{respondents}" in summary and "teacher_qualtrics_text.csv" in summary
    # The panel redrew from the core: survey parts are in and match the score.
    score = ws.score("2025-26")
    assert window.panel.total_label.text() == f"{score.total:.1f}"
    assert window.panel.table.item(0, 4).text() == str(score.components[0].n_teacher)


def test_unknown_answers_are_listed_and_can_be_read_as_missing(qtbot, fresh_round, tmp_path):
    window = fresh_round
    lines = (SAMPLES / "teacher_template.csv").read_text().splitlines()
    cells = lines[2].split(",")
    cells[1] = "Sometimes"
    lines[2] = ",".join(cells)
    sample = tmp_path / "teacher_with_unknown.csv"
    sample.write_text("\n".join(lines) + "\n")

    wizard = _start(qtbot, window, sample, "teacher")
    page = _to_mapping(qtbot, wizard)
    listed = [page.unknown_list.item(i).text() for i in range(page.unknown_list.count())]
    assert any("Sometimes" in text and "Row 3" in text for text in listed)
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.unknown_as_missing.setChecked(True)
    assert page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=20000)
    assert "Unknown answers read as missing" in wizard.summary_page.text.toPlainText()
    assert window.session.workspace.respondent_counts("2025-26")["teacher"] == len(lines) - 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name,amount\nAda,12\nGrace,7\n", "does not look like a survey"),
        ("", ""),
    ],
)
def test_a_bad_file_shows_an_error_and_changes_nothing(qtbot, window, tmp_path, content, expected):
    bad = tmp_path / "budget.csv"
    bad.write_text(content)
    before = _counts(window)
    wizard = _start(qtbot, window, bad, "teacher")
    wizard.next()
    qtbot.waitUntil(lambda: bool(error_boxes(wizard)), timeout=10000)
    message = error_boxes(wizard)[0].informativeText()
    assert "budget.csv" in message and expected in message
    assert wizard.currentPage() is wizard.file_page
    assert _counts(window) == before


def test_the_wrong_role_is_caught_before_anything_is_stored(qtbot, window):
    before = _counts(window)
    wizard = _start(qtbot, window, SAMPLES / "leader_google_forms.csv", "teacher")
    wizard.next()
    qtbot.waitUntil(lambda: bool(error_boxes(wizard)), timeout=10000)
    assert "leader" in error_boxes(wizard)[0].informativeText()
    assert _counts(window) == before


def test_cancel_during_the_import_changes_nothing(qtbot, fresh_round, monkeypatch):
    import threading

    import ui.import_wizard as wizard_module

    real = wizard_module.import_into
    started = threading.Event()

    def slow_import(*args, progress=None, cancel=None, **kwargs):
        started.set()
        while not cancel():  # hold until the user presses Cancel
            threading.Event().wait(0.01)
        return real(*args, progress=progress, cancel=cancel, **kwargs)

    monkeypatch.setattr(wizard_module, "import_into", slow_import)
    window = fresh_round
    before = _counts(window)
    wizard = _start(qtbot, window, SAMPLES / "teacher_template.csv", "teacher")
    _to_mapping(qtbot, wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.import_page
    qtbot.waitUntil(started.is_set, timeout=5000)
    wizard.reject()
    assert wizard.isVisible()  # Cancel stops the import; it does not close the wizard
    qtbot.waitUntil(lambda: bool(error_boxes(wizard)), timeout=10000)
    assert "nothing was changed" in error_boxes(wizard)[0].informativeText().lower()
    assert wizard.currentPage() is wizard.mapping_page
    assert _counts(window) == before


def test_the_import_is_recorded_under_the_name_set_in_preferences(qtbot, fresh_round):
    window = fresh_round

    def name(dialog):
        dialog.author.setText("Dana Ortiz")
        dialog.accept()

    answer_modal(qtbot, name)
    window.edit_preferences()
    wizard = _start(qtbot, window, SAMPLES / "leader_template.csv", "leader")
    page = _to_mapping(qtbot, wizard)
    qtbot.waitUntil(page.isComplete, timeout=10000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=20000)
    (record,) = window.session.workspace.survey_imports("2025-26")
    assert record["author"] == "Dana Ortiz"

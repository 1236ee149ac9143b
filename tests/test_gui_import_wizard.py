"""The survey import wizard: file → columns → answers → import on a worker → summary;
errors change nothing; the pages are laid out and worded as a finished app's are."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QWizard

from tests.conftest import SAMPLES
from tests.gui_support import answer_modal, demo_copy, error_boxes, window
from tests.survey_helpers import read_rows, write_rows

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


def _to_answers(qtbot, wizard):
    page = _to_mapping(qtbot, wizard)
    qtbot.waitUntil(page.isComplete, timeout=10000)
    wizard.next()
    assert wizard.currentPage() is wizard.answer_page
    return wizard.answer_page


def _import(qtbot, wizard):
    qtbot.waitUntil(wizard.answer_page.isComplete, timeout=10000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=20000)
    return wizard.summary_page.text.toPlainText()


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
    answers = wizard.answer_page
    assert answers.isComplete()
    agree = answers.rows[answers.row_of("Somewhat agree")]
    assert (agree.value, len(agree.columns)) == (4, 23)
    summary = _import(qtbot, wizard)
    respondents = len(TRUTH["teacher"])
    assert ws.respondent_counts("2025-26") == {"teacher": respondents}
    assert f"{respondents}" in summary and "teacher_qualtrics_text.csv" in summary
    # The panel redrew from the core: survey parts are in and match the score.
    score = ws.score("2025-26")
    assert window.panel.total_label.text() == f"{score.total:.1f}"
    assert window.panel.table.item(0, 4).text() == str(score.components[0].n_teacher)


def _with_unknown(tmp_path, value="Sometimes", rows_changed=(2,)):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    for r in rows_changed:
        rows[r][1] = value
    return write_rows(tmp_path / "teacher_with_unknown.csv", rows), rows


def test_an_unknown_answer_is_given_a_value_on_the_answer_page(qtbot, fresh_round, tmp_path):
    window = fresh_round
    sample, _rows = _with_unknown(tmp_path, "Disgree", rows_changed=(2, 5))
    wizard = _start(qtbot, window, sample, "teacher")
    page = _to_answers(qtbot, wizard)
    row = page.rows[page.row_of("Disgree")]
    assert row.unknown and row.count == 2 and row.labels == ["T01"]
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.set_value("Disgree", 2)
    qtbot.waitUntil(page.isComplete, timeout=10000)
    assert page.rows[page.row_of("Disgree")].how == "set by hand"
    _import(qtbot, wizard)
    t01 = window.session.workspace.survey_aggregates("2025-26").role("teacher").items["T01"]
    truth_t01 = [r["T01"] for n, r in enumerate(TRUTH["teacher"]) if n not in (1, 4)]
    assert t01.n == sum(1 for v in truth_t01 if v is not None) + 2
    assert t01.total == sum(v for v in truth_t01 if v is not None) + 4
    # Confirmed by importing: the next file with this layout needs no value by hand.
    again = _start(qtbot, window, sample, "teacher")
    assert _to_answers(qtbot, again).isComplete()


def test_unknown_answers_can_be_read_as_missing(qtbot, fresh_round, tmp_path):
    window = fresh_round
    sample, rows = _with_unknown(tmp_path)
    wizard = _start(qtbot, window, sample, "teacher")
    page = _to_answers(qtbot, wizard)
    assert "Sometimes" in page.rows[0].text and page.rows[0].unknown
    assert "1 answer in the file has no value" in page.problems.text()
    page.unknown_as_missing.setChecked(True)
    assert page.isComplete()
    summary = _import(qtbot, wizard)
    assert "Answers without a value read as missing" in summary
    assert window.session.workspace.respondent_counts("2025-26")["teacher"] == len(rows) - 1


def test_a_seven_point_column_is_mapped_column_by_column(qtbot, fresh_round, tmp_path):
    window = fresh_round
    rows = read_rows(SAMPLES / "teacher_template.csv")
    for n, row in enumerate(rows[1:]):
        if row[5]:
            row[5] = str(min(7, int(row[5]) + n % 3))  # T05 asked on 1–7
    sample = write_rows(tmp_path / "seven.csv", rows)
    wizard = _start(qtbot, window, sample, "teacher")
    page = _to_answers(qtbot, wizard)
    assert "is answered on a 7-point scale (answers 1–7)" in page.problems.text()
    assert not page.isComplete()
    seven = {"1": 1, "2": 1, "3": 2, "4": 3, "5": 4, "6": 4, "7": 5}
    used = sorted({r[5] for r in rows[1:] if r[5]})
    for answer in used:
        page.set_value(answer, seven[answer], item="T05")
        qtbot.waitUntil(lambda: not page.inspecting, timeout=10000)
    qtbot.waitUntil(page.isComplete, timeout=10000)
    _import(qtbot, wizard)
    t05 = window.session.workspace.survey_aggregates("2025-26").role("teacher").items["T05"]
    assert t05.total == sum(seven[r[5]] for r in rows[1:] if r[5])


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
    _to_answers(qtbot, wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.import_page
    qtbot.waitUntil(started.is_set, timeout=5000)
    wizard.reject()
    assert wizard.isVisible()  # Cancel stops the import; it does not close the wizard
    qtbot.waitUntil(lambda: bool(error_boxes(wizard)), timeout=10000)
    assert "nothing was changed" in error_boxes(wizard)[0].informativeText().lower()
    assert wizard.currentPage() is wizard.answer_page
    assert _counts(window) == before


def test_the_import_is_recorded_under_the_name_set_in_preferences(qtbot, fresh_round):
    window = fresh_round

    def name(dialog):
        dialog.author.setText("Dana Ortiz")
        dialog.accept()

    answer_modal(qtbot, name)
    window.edit_preferences()
    wizard = _start(qtbot, window, SAMPLES / "leader_template.csv", "leader")
    _to_answers(qtbot, wizard)
    _import(qtbot, wizard)
    (record,) = window.session.workspace.survey_imports("2025-26")
    assert record["author"] == "Dana Ortiz"


def test_the_number_invited_gives_the_response_rate(qtbot, fresh_round):
    window = fresh_round
    wizard = _start(qtbot, window, SAMPLES / "teacher_template.csv", "teacher")
    wizard.file_page.invited.setValue(64)
    _to_answers(qtbot, wizard)
    summary = _import(qtbot, wizard)
    assert "teachers 62% (40 of 64)" in summary
    assert window.session.workspace.invitations("2025-26") == {("teacher", ""): 64}


# --- layout and wording (issue 13) -----------------------------------------------------------


def test_the_first_page_is_small_and_the_table_pages_have_room(qtbot, fresh_round):
    wizard = _start(qtbot, fresh_round, SAMPLES / "teacher_qualtrics_text.csv", "teacher")
    first = wizard.size()
    assert first.width() <= 640 and first.height() <= 360  # three fields, not 980×640
    _to_mapping(qtbot, wizard)
    screen = wizard.screen().availableGeometry()
    assert wizard.width() >= min(1000, screen.width() - 40)
    assert wizard.height() >= min(640, screen.height() - 60) > first.height()
    wizard.back()
    assert wizard.size() == first


def test_used_as_labels_are_never_cut_inside_a_word(qtbot, fresh_round):
    wizard = _start(qtbot, fresh_round, SAMPLES / "teacher_qualtrics_text.csv", "teacher")
    page = _to_mapping(qtbot, wizard)
    boxes = [page.table.cellWidget(r, 2) for r in range(page.table.rowCount())]
    boxes = [b for b in boxes if isinstance(b, QComboBox)]
    assert boxes
    for box in boxes:
        option = QStyleOptionComboBox()
        box.initStyleOption(option)
        field = box.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
        )
        for i in range(box.count()):
            shown, full = box.itemText(i), box.itemData(i, 3)  # 3: Qt.ToolTipRole
            assert box.fontMetrics().horizontalAdvance(shown) <= field.width(), shown
            whole = shown.removesuffix("…")
            assert full.startswith(whole)
            assert shown == full or full[len(whole)] in " ,;:", f"cut inside a word: {shown!r}"


def test_the_encoding_is_named_in_words(qtbot, fresh_round, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    sample = write_rows(tmp_path / "bom.csv", rows, encoding="utf-8-sig")  # as Qualtrics writes
    wizard = _start(qtbot, fresh_round, sample, "teacher")
    text = _to_mapping(qtbot, wizard).detected.text()
    assert "UTF-8 with byte-order mark" in text and "utf-8-sig" not in text


def test_cancel_is_not_offered_once_the_import_is_done(qtbot, fresh_round):
    wizard = _start(qtbot, fresh_round, SAMPLES / "leader_template.csv", "leader")
    _to_answers(qtbot, wizard)
    _import(qtbot, wizard)
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()


def test_counts_are_worded_with_plurals(qtbot, fresh_round):
    wizard = _start(qtbot, fresh_round, SAMPLES / "leader_qualtrics_text.csv", "leader")
    page = _to_mapping(qtbot, wizard)
    assert "1 test response" in page.detected.text() and "1 preview" in page.detected.text()
    assert "1 test responses" not in page.detected.text()
    summary = _import(qtbot, wizard) if _to_answers_from(qtbot, wizard) else ""
    assert "1 test response," in summary or "1 test response)" in summary
    assert "1 test responses" not in summary
    assert "8 leaders" in summary


def _to_answers_from(qtbot, wizard) -> bool:
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=10000)
    wizard.next()
    return wizard.currentPage() is wizard.answer_page

"""Bad input is refused with a message naming file, row and column, and changes nothing."""

from __future__ import annotations

import re

import pytest

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys import import_survey, inspect_survey
from tests.conftest import SAMPLES
from tests.survey_helpers import INSTRUMENTS, dump, read_rows, write_rows, write_workbook


@pytest.fixture
def loaded(ws):
    """A workspace that already holds one import, so 'no change' is a real check."""
    import_survey(ws, SAMPLES / "leader_template.csv", "r1", "leader")
    return ws


def refused(ws, path, role="teacher", **options) -> str:
    before = dump(ws)
    with pytest.raises(SurveyImportError) as caught:
        import_survey(ws, path, "r1", role, **options)
    assert dump(ws) == before
    return str(caught.value)


def test_empty_file(loaded, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty.csv is empty" in refused(loaded, path)
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    assert "is empty" in refused(loaded, path)


def test_headers_without_responses(loaded, tmp_path):
    path = write_rows(tmp_path / "head.csv", read_rows(SAMPLES / "teacher_qualtrics_text.csv")[:3])
    assert "has header rows but no responses" in refused(loaded, path)


def test_not_a_survey(loaded, tmp_path):
    path = write_rows(
        tmp_path / "budget.csv", [["Line", "Amount", "Owner"], ["Devices", "12000", "IT"]]
    )
    message = refused(loaded, path)
    assert "budget.csv does not look like a survey export" in message
    pdf = tmp_path / "report.csv"
    pdf.write_bytes(b"%PDF-1.7\n...")
    assert "PDF" in refused(loaded, pdf)


def test_a_survey_without_item_columns(loaded, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    keep = [*range(17), 40, 41]  # metadata, the comment and the school: no items
    path = write_rows(tmp_path / "other.csv", [[r[i] for i in keep] for r in rows])
    message = refused(loaded, path)
    assert "is a Qualtrics export, but none of its columns is a question" in message


def test_wrong_role_is_detected_by_items(loaded):
    message = refused(loaded, SAMPLES / "leader_qualtrics_text.csv", role="teacher")
    assert "looks like a leader survey" in message and "role 'leader'" in message
    message = refused(loaded, SAMPLES / "teacher_template.csv", role="leader")
    assert "looks like a teacher survey" in message


def test_unreadable_encoding(loaded, tmp_path):
    path = tmp_path / "sjis.csv"
    text = "School,T01\r\n東京小学校,4\r\n"
    path.write_bytes(text.encode("shift_jis"))
    message = refused(loaded, path)
    assert "sjis.csv is not in a text encoding" in message and "CSV UTF-8" in message
    binary = tmp_path / "noise.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    assert "noise.csv" in refused(loaded, binary)


def test_old_excel_and_damaged_workbooks(loaded, tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert ".xls" in refused(loaded, xls)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes((SAMPLES / "teacher_msforms.xlsx").read_bytes()[:3000])
    assert "broken.xlsx" in refused(loaded, broken)


def test_duplicated_item_columns(loaded, tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    path = write_rows(tmp_path / "dup.csv", [[*r, r[1]] for r in rows])
    message = refused(loaded, path)
    assert "Item T01 is in more than one column" in message
    assert 'column B "T01"' in message and 'column Y "T01"' in message


def test_unknown_answers_are_listed_with_row_and_column(loaded, tmp_path):
    rows = read_rows(SAMPLES / "teacher_surveymonkey.csv")
    rows[4][12] = "Kinda"  # spreadsheet row 5, column M (T03)
    rows[9][20] = "7"  # row 10, column U (T11)
    path = write_rows(tmp_path / "odd.csv", rows)
    message = refused(loaded, path)
    assert "odd.csv has 2 answer(s) that are not on the agreement scale" in message
    assert 'row 5, column M "' in message and '"Kinda"' in message
    assert 'row 10, column U "' in message and '"7"' in message
    preview = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    assert [(u.row, u.value) for u in preview.unknown_answers] == [(5, "Kinda"), (10, "7")]
    assert not preview.ready


def test_unknown_answers_can_be_read_as_missing(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_surveymonkey.csv")
    rows[4][12] = "Kinda"
    path = write_rows(tmp_path / "odd.csv", rows)
    summary = import_survey(ws, path, "r1", "teacher", unknown_as_missing=True)
    assert summary.rows_imported == 40
    assert summary.unknown_as_missing == {"T03": 1}
    assert ws.survey_imports()[0]["summary"]["unknown_as_missing"] == {"T03": 1}


def test_a_longer_agreement_scale_is_refused(loaded, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    rows[3][17] = "Agree"  # beside "Somewhat agree" elsewhere in the column: seven points
    path = write_rows(tmp_path / "seven.csv", rows)
    message = refused(loaded, path)
    assert "'agree' and 'somewhat agree'" in message and "column R" in message


def test_a_row_wider_than_the_header(loaded, tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    rows[5].append("extra")
    path = write_rows(tmp_path / "ragged.csv", rows)
    message = refused(loaded, path)
    assert 'ragged.csv, row 6 has more cells than the header ("extra"' in message


@pytest.mark.parametrize("sample", ["teacher_qualtrics_text.csv", "teacher_surveymonkey.csv"])
def test_a_row_shifted_by_a_stray_cell_is_refused_by_row(loaded, tmp_path, sample):
    """A value with an unquoted comma shifts the rest of its row: answers land in the
    wrong columns, which the answer check catches, naming the row."""
    rows = read_rows(SAMPLES / sample)
    target = len(rows) - 5  # spreadsheet row number of a late answer row
    row = rows[target - 1]
    rows[target - 1] = [*row[:3], "stray", *row[3:]]
    path = write_rows(tmp_path / sample, rows)
    message = refused(loaded, path)
    assert re.search(rf"\brow {target}\b", message)


def test_blank_cells_beyond_the_header_are_harmless(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    rows = [*rows[:3], *([*r, "", ""] for r in rows[3:])]  # trailing delimiters
    path = write_rows(tmp_path / "trailing.csv", rows)
    assert import_survey(ws, path, "r1", "teacher").rows_imported == 40


def test_missing_file_and_unknown_round(loaded, tmp_path):
    assert "No file at" in refused(loaded, tmp_path / "nope.csv")
    before = dump(loaded)
    with pytest.raises(Exception, match="No round 'r9'"):
        import_survey(loaded, SAMPLES / "teacher_template.csv", "r9", "teacher")
    assert dump(loaded) == before


def test_an_empty_workbook(loaded, tmp_path):
    path = write_workbook(tmp_path / "blank.xlsx", [])
    assert "blank.xlsx is empty" in refused(loaded, path)

"""Exports as they also come: other encodings, header wordings, answer spellings, layouts.

Each fixture is a sample file changed the way a real tool, version or spreadsheet program
changes it; the import must still give exactly the true answers.
"""

from __future__ import annotations

import pytest

from onpoint_desktop.surveys import import_survey, inspect_survey
from tests.conftest import SAMPLES
from tests.survey_helpers import (
    INSTRUMENTS,
    dump,
    expected_answers,
    read_rows,
    stored_answers,
    write_rows,
    write_workbook,
)


def imports_truth(ws, path, role="teacher", **options):
    summary = import_survey(ws, path, "r1", role, **options)
    assert stored_answers(ws, role) == expected_answers(ws, role)
    return summary


# --- encodings and delimiters ------------------------------------------------------------


def test_qualtrics_tsv_in_utf16(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    path = write_rows(tmp_path / "export.tsv", rows, encoding="utf-16", delimiter="\t")
    assert path.read_bytes()[:2] == b"\xff\xfe"
    summary = imports_truth(ws, path)
    assert summary.format_label == "Qualtrics TSV (choice text)"
    assert summary.skipped == {"preview": 1, "test": 1}


def test_utf8_with_byte_order_mark(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    path = write_rows(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    imports_truth(ws, path)


def test_windows_1252_text_with_curly_apostrophes(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_google_forms.csv")
    rows[0] = [h.replace("'", "\u2019") for h in rows[0]]
    path = write_rows(tmp_path / "win.csv", rows, encoding="cp1252")
    assert b"\x92" in path.read_bytes()
    imports_truth(ws, path)
    assert inspect_survey(path, "teacher", instruments=INSTRUMENTS).encoding == "cp1252"


# --- header wordings ---------------------------------------------------------------------


def test_curly_quotes_trailing_spaces_reverse_marks_and_numbering(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_google_forms.csv")
    header = []
    for n, h in enumerate(rows[0]):
        h = h.replace("'", "\u2019")
        if "Trying something new" in h:
            h = h.replace("[Trying", "[(R) Trying")
        if n % 3 == 0:
            h = h.replace(".]", "]") + "   "
        header.append(h)
    rows[0] = header
    path = write_rows(tmp_path / "forms.csv", rows)
    preview = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    assert all(u.confidence == 1.0 for u in preview.mapping.item_columns)
    imports_truth(ws, path)


def test_small_wording_differences_map_with_lower_confidence(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    rows[0][1] = "I understand our district's vision for personalised learning"
    rows[0][9] = "I group students for small group instruction based on learning goals."
    path = write_rows(tmp_path / "wording.csv", rows)
    preview = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    by_item = {u.item: u for u in preview.mapping.item_columns}
    assert 0.88 <= by_item["T01"].confidence < 1.0
    assert 0.88 <= by_item["T09"].confidence < 1.0
    assert "similar" in by_item["T09"].reason
    imports_truth(ws, path)


def test_an_unrelated_question_is_not_forced_onto_an_item(tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    rows[0].append("How many years have you taught?")
    for row in rows[1:]:
        row.append("12")
    preview = inspect_survey(
        write_rows(tmp_path / "extra.csv", rows), "teacher", instruments=INSTRUMENTS
    )
    last = preview.mapping.uses[-1]
    assert last.use == "ignored" and last.item is None
    assert preview.ready


def test_google_forms_grid_stem_with_brackets(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_google_forms.csv")
    rows[0] = [h.replace("statement? [", "statement? [required] [", 1) for h in rows[0]]
    imports_truth(ws, write_rows(tmp_path / "grid.csv", rows))


# --- answer spellings and codes ------------------------------------------------------------


def test_answer_variants_and_labelled_numbers(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_surveymonkey.csv")
    spellings = {
        "Strongly agree": ["Agree strongly", "5 - Strongly agree", "STRONGLY AGREE"],
        "Agree": ["  agree ", "Agree (4)"],
        "Neither agree nor disagree": ["Neutral", "3 = Neither agree nor disagree"],
        "Disagree": ["disagree.", "2. Disagree"],
        "Strongly disagree": ["Disagree strongly", "(1) Strongly disagree"],
        "Not applicable": ["N/A", "Don't know", "Prefer not to answer"],
    }
    for r, row in enumerate(rows[2:]):
        for c in range(10, 33):
            options = spellings.get(row[c])
            if options:
                row[c] = options[(r + c) % len(options)]
    imports_truth(ws, write_rows(tmp_path / "spellings.csv", rows))


def test_numeric_missing_codes_are_missing_and_counted(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    codes = iter(["98", "999", "-99", "-1"] * 20)
    for row in rows[3:]:
        for c in range(17, 40):
            if row[c] == "-99":
                row[c] = next(codes)
    summary = imports_truth(ws, write_rows(tmp_path / "codes.csv", rows))
    assert set(summary.missing_recodes) == {"98", "999", "-99", "-1"}
    assert sum(summary.missing_recodes.values()) == 21


def test_workbook_numbers_and_a_title_row(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    body = [[r[0]] + [float(v) if v else "" for v in r[1:]] for r in rows[1:]]
    path = write_workbook(tmp_path / "typed.xlsx", [[], rows[0], *body])
    imports_truth(ws, path)


# --- tool layouts ------------------------------------------------------------------------


def test_qualtrics_legacy_layout(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    meta = [
        "ResponseID",
        "ResponseSet",
        "Name",
        "ExternalDataReference",
        "EmailAddress",
        "IPAddress",
        "Status",
        "StartDate",
        "EndDate",
        "Finished",
    ]
    head = [f"V{i}" for i in range(1, 11)] + rows[0][17:40] + ["School"]
    texts = meta + rows[1][17:40] + ["School"]
    body = [
        [
            r[8],
            "Default Response Set",
            f"{r[9]}, {r[10]}",
            "",
            r[11],
            r[3],
            r[2],
            r[0],
            r[1],
            r[6],
            *r[17:40],
            r[41],
        ]
        for r in rows[3:]
    ]
    summary = imports_truth(ws, write_rows(tmp_path / "legacy.csv", [head, texts, *body]))
    assert summary.format == "qualtrics" and summary.skipped == {"preview": 1, "test": 1}
    uses = {u.column.name: u.use for u in summary.column_mapping.uses}
    assert uses["Name"] == uses["EmailAddress"] == uses["IPAddress"] == "identifying"


def test_qualtrics_spam_codes_duplicates_and_missing_ids(ws, tmp_path):
    rows = read_rows(SAMPLES / "leader_qualtrics_numeric.csv")
    extra = []
    for code in ("8", "9", "12", "17"):
        spam = list(rows[4])
        spam[2], spam[8] = code, f"R_spam{code}"
        extra.append(spam)
    extra.append(list(rows[4]))  # the same response id again
    rows[5][8] = ""  # an imported row without a response id
    path = write_rows(tmp_path / "spam.csv", rows + extra)
    summary = imports_truth(ws, path, role="leader")
    assert summary.skipped == {"test": 1, "preview": 2, "spam": 3, "duplicate": 1}
    before = dump(ws)
    assert import_survey(ws, path, "r1", "leader").rows_imported == 0
    assert dump(ws) == before


def test_qualtrics_text_statuses(ws, tmp_path):
    rows = read_rows(SAMPLES / "leader_qualtrics_text.csv")
    spam = list(rows[3])
    spam[2], spam[8] = "Spam", "R_textspam"
    summary = imports_truth(ws, write_rows(tmp_path / "s.csv", [*rows, spam]), role="leader")
    assert summary.skipped == {"preview": 1, "test": 1, "spam": 1}


def test_surveymonkey_workbook_with_merged_header_cells(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_surveymonkey.csv")
    merges = (*tuple(f"{c}1:{c}2" for c in "ABCDEFGHI"), "K1:AG1")
    path = write_workbook(tmp_path / "merged.xlsx", rows, merges)
    summary = imports_truth(ws, path)
    assert summary.format_label == "SurveyMonkey Excel workbook"


def test_microsoft_forms_quiz_columns(ws, tmp_path):
    from openpyxl import load_workbook

    sheet = load_workbook(SAMPLES / "teacher_msforms.xlsx").active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    quiz_header, quiz_rows = [*list(header[:6]), "Total points", "Quiz feedback"], []
    for q in header[6:]:
        quiz_header += [q, f"Points - {q}", f"Feedback - {q}"]
    for row in rows[1:]:
        out = [*list(row[:6]), 0, ""]
        for value in row[6:]:
            out += [value, 0, ""]
        quiz_rows.append(out)
    path = write_workbook(tmp_path / "quiz.xlsx", [quiz_header, *quiz_rows])
    summary = imports_truth(ws, path)
    assert summary.items_mapped == 23 and summary.unmapped_columns == []


def test_identical_rows_are_two_respondents(ws, tmp_path):
    rows = read_rows(SAMPLES / "leader_google_forms.csv")
    path = write_rows(tmp_path / "twins.csv", [*rows, rows[1]])
    summary = import_survey(ws, path, "r1", "leader")
    assert summary.rows_imported == 9
    before = dump(ws)
    assert import_survey(ws, path, "r1", "leader").rows_imported == 0
    assert dump(ws) == before


def test_blank_school_and_blank_lines(ws, tmp_path):
    rows = read_rows(SAMPLES / "leader_template.csv")
    rows[1][0] = ""
    path = write_rows(tmp_path / "gaps.csv", [*rows[:3], [], *rows[3:], []])
    summary = imports_truth(ws, path, role="leader")
    assert summary.rows_read == 8
    assert summary.schools["(no school given)"] == 1


@pytest.mark.parametrize("header", ["School", "Which school are you in?", "Campus"])
def test_school_columns_are_recognised(tmp_path, header):
    rows = read_rows(SAMPLES / "leader_template.csv")
    rows[0][0] = header
    preview = inspect_survey(
        write_rows(tmp_path / "s.csv", rows), "leader", instruments=INSTRUMENTS
    )
    assert preview.mapping.school_column.column.index == 0


def test_likert_headers_joined_with_a_full_stop(ws, tmp_path):
    from openpyxl import load_workbook

    sheet = load_workbook(SAMPLES / "leader_msforms.xlsx").active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    rows[0] = rows[0][:7] + [f"How far do you agree?.{h}" for h in rows[0][7:]]
    summary = imports_truth(ws, write_workbook(tmp_path / "likert.xlsx", rows), role="leader")
    assert summary.items_mapped == 14

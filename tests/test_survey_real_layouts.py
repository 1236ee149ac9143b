"""Survey files as real tools write them (SPEC §8): each reads right, or is refused clearly.

Every fixture here is a sample re-written the way a real tool, version or program writes
it (a Microsoft Forms download declaring its sheet as ``A1``, a 2016–17 Qualtrics export
with single-quoted ImportIds, a UTF-16 TSV, SurveyMonkey without its metadata columns, an
.xls, SPSS files with value labels...); each import must give exactly the true
respondents and per-item means.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys import import_survey, inspect_survey
from tests.conftest import SAMPLES
from tests.survey_helpers import (
    INSTRUMENTS,
    dump,
    expected_answers,
    read_rows,
    stored_answers,
    stored_means,
    truth,
    truth_means,
    write_rows,
    write_workbook,
)

FIXTURES = SAMPLES.parent / "fixtures" / "surveys"


def imports_truth(ws, path, role="teacher", **options):
    """Import ``path``; the stored answers, respondents and item means are the truth."""
    summary = import_survey(ws, path, "r1", role, **options)
    assert stored_answers(ws, role) == expected_answers(ws, role)
    assert ws.respondent_counts("r1") == {role: len(truth()[role])}
    assert stored_means(ws, role) == pytest.approx(truth_means(role))
    return summary


def rewrite_member(path, member: str, change) -> None:
    """Rewrite one member of a zip (a workbook's sheet XML) with ``change(text)``."""
    with zipfile.ZipFile(path) as archive:
        members = [(i, archive.read(i)) for i in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            archive.writestr(info.filename, data)


# --- workbooks -------------------------------------------------------------------------------


def test_a_microsoft_forms_download_declaring_its_sheet_as_a1(ws, tmp_path):
    """Real Forms downloads declare ``<dimension ref="A1"/>`` whatever they hold."""
    path = tmp_path / "Forms download.xlsx"
    path.write_bytes((SAMPLES / "teacher_msforms.xlsx").read_bytes())
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1"/>', xml),
    )
    assert b'<dimension ref="A1"/>' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    summary = imports_truth(ws, path)
    assert summary.format == "msforms" and summary.rows_imported == 40


def test_a_qualtrics_workbook(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    summary = imports_truth(ws, write_workbook(tmp_path / "qualtrics.xlsx", rows))
    assert summary.format_label == "Qualtrics Excel workbook (choice text)"
    assert summary.skipped == {"preview": 1, "test": 1}


def test_a_legacy_xls_export(ws):
    """Written in the Excel 97–2003 format (BIFF8), dates as Excel dates."""
    summary = imports_truth(ws, FIXTURES / "teacher_surveymonkey.xls")
    assert summary.format_label == "SurveyMonkey Excel 97-2003 workbook"


def test_a_damaged_xls_is_refused_clearly(ws, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes((FIXTURES / "teacher_surveymonkey.xls").read_bytes()[:3000])
    before = dump(ws)
    with pytest.raises(SurveyImportError, match=r"old\.xls is damaged or not an Excel 97-2003"):
        import_survey(ws, path, "r1", "teacher")
    assert dump(ws) == before


# --- Qualtrics text exports ------------------------------------------------------------------


def test_a_2016_qualtrics_export_with_single_quoted_import_ids(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    rows[2] = [
        re.sub(r'"([^"]*)"', r"'\1'", cell).replace(":'", ": '").replace(",'", ", '")
        for cell in rows[2]
    ]
    assert rows[2][17] == "{'ImportId': 'QID2_1'}"
    summary = imports_truth(ws, write_rows(tmp_path / "2016.csv", rows))
    assert summary.skipped == {"preview": 1, "test": 1}


def test_a_qualtrics_tsv_in_utf16_with_byte_order_mark(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    path = write_rows(tmp_path / "export.tsv", rows, encoding="utf-16", delimiter="\t")
    assert path.read_bytes()[:2] == b"\xff\xfe"
    summary = imports_truth(ws, path)
    assert summary.format_label == "Qualtrics TSV (numeric values)"
    preview = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    assert preview.encoding_label == "UTF-16"


def test_partial_responses_are_imported_and_counted(ws):
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    partial = sum(1 for r in rows[3:] if r[2] not in ("1", "2") and r[6] == "0")
    assert partial > 0
    summary = imports_truth(ws, SAMPLES / "teacher_qualtrics_numeric.csv")
    assert summary.partial == partial
    assert summary.to_json()["partial"] == partial


# --- SurveyMonkey without its metadata -------------------------------------------------------


def test_surveymonkey_without_respondent_metadata(ws, tmp_path):
    rows = [r[9:] for r in read_rows(SAMPLES / "teacher_surveymonkey.csv")]  # from the school
    assert rows[0][0] == "Which school do you work in?" and rows[1][0] == "Response"
    summary = imports_truth(ws, write_rows(tmp_path / "no-metadata.csv", rows))
    assert summary.format == "surveymonkey"
    assert summary.schools == {
        school: n for school, n in summary.schools.items() if not school.startswith("(")
    }


def test_surveymonkey_matrix_only_is_recognised_by_its_header_shape(ws, tmp_path):
    rows = [r[10:33] for r in read_rows(SAMPLES / "teacher_surveymonkey.csv")]  # the matrix
    assert "Response" not in rows[1]
    path = write_workbook(tmp_path / "matrix.xlsx", rows, merges=("A1:W1",))
    summary = imports_truth(ws, path)
    assert summary.format == "surveymonkey"


# --- rows that answer nothing ----------------------------------------------------------------


def test_rows_answering_nothing_are_never_respondents(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    empty = []
    for n, school in enumerate(["Jefferson Elementary", "Lincoln Elementary", "Zeta School"]):
        row = list(rows[5])
        row[8] = f"R_empty{n}"
        row[17:40] = ["-99"] * 23 if n else [""] * 23
        row[41] = school
        empty.append(row)
    path = write_rows(tmp_path / "empty.csv", rows + empty)
    summary = imports_truth(ws, path)
    assert summary.skipped == {"preview": 1, "test": 1, "answered_nothing": 3}
    assert "Zeta School" not in summary.schools and sum(summary.schools.values()) == 40
    assert "Zeta School" not in ws.schools("r1")
    breakdown = ws.school_breakdown("r1")
    assert sum(n["teacher"] or 0 for n in breakdown.respondents.values()) <= 40


def test_a_google_forms_row_with_only_a_timestamp_answered_nothing(ws, tmp_path):
    rows = read_rows(SAMPLES / "leader_google_forms.csv")
    rows.append([rows[1][0], "someone@district.example"] + [""] * (len(rows[0]) - 2))
    summary = imports_truth(ws, write_rows(tmp_path / "forms.csv", rows), role="leader")
    assert summary.skipped == {"answered_nothing": 1}
    assert summary.rows_read == 9


# --- comments by content ---------------------------------------------------------------------


def test_comment_columns_are_recognised_by_their_answers_not_their_header(tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    rows[0][19] = "I get coaching and feedback on my personalized learning regularly"  # T19
    rows[0].append("Any feedback or suggestions for the district?")  # answered on a scale
    rows[0].append("Is there anything else?")  # answered in words
    for n, row in enumerate(rows[1:]):
        row.append(["Agree", "Disagree", "Strongly agree"][n % 3])
        row.append(f"Our team would like more time for planning, week {n}." if n % 4 else "")
    preview = inspect_survey(
        write_rows(tmp_path / "c.csv", rows), "teacher", instruments=INSTRUMENTS
    )
    uses = preview.mapping.uses
    assert uses[19].use == "ignored" and uses[19].suggestion == "T19"  # never a comment
    assert (uses[-2].use, uses[-1].use) == ("ignored", "comment")
    assert "free text" in uses[-1].reason


# --- SPSS ------------------------------------------------------------------------------------


def write_spss(path, role="teacher", *, reverse_codes=False, declared_points=5, edit=None):
    """The truth of a role as a Qualtrics-style SPSS file: numeric answers with value labels
    (``reverse_codes``: 1 = Strongly agree, as some exports code them), -99 declared missing."""
    import pandas as pd
    import pyreadstat

    instrument = INSTRUMENTS[role]
    labels = [label for _, label in instrument.scale]
    codes = {v: (6 - v if reverse_codes else v) for v in range(1, 6)}
    value_labels = {codes[v]: labels[v - 1] for v in range(1, 6)}
    for extra in range(6, declared_points + 1):
        value_labels[extra] = f"Point {extra}"
    value_labels[-99] = "Seen but unanswered"
    data: dict[str, list] = {"ResponseId": [], "School": []}
    names = [f"Q2_{n}" for n in range(1, len(instrument.items) + 1)]
    for name in names:
        data[name] = []
    schools = ["Jefferson Elementary", "Lincoln Elementary", "Roosevelt High", "Washington Middle"]
    for n, row in enumerate(truth()[role]):
        data["ResponseId"].append(f"R_{n:06d}")
        data["School"].append(schools[n % 4])
        for name, item in zip(names, instrument.item_ids, strict=True):
            data[name].append(-99.0 if row[item] is None else float(codes[row[item]]))
    if edit:
        edit(data)
    frame = pd.DataFrame(data)
    stem = "To what extent do you agree with each statement?"
    column_labels = ["Response ID", "Which school do you work in?"] + [
        f"{stem} - {item.text}" for item in instrument.items
    ]
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=column_labels,
        variable_value_labels={name: value_labels for name in names},
        missing_ranges={name: [-99] for name in names},
    )
    return path


def test_an_spss_file_uses_its_value_labels(ws, tmp_path):
    summary = imports_truth(ws, write_spss(tmp_path / "export.sav", reverse_codes=True))
    assert summary.format_label == "Qualtrics SPSS data file (choice text)"
    assert sum(summary.schools.values()) == 40


def test_an_spss_file_declaring_seven_points_is_refused_naming_the_scale(ws, tmp_path):
    path = write_spss(tmp_path / "seven.sav", declared_points=7)
    before = dump(ws)
    with pytest.raises(SurveyImportError) as refused:
        import_survey(ws, path, "r1", "teacher")
    assert "seven.sav, column C" in str(refused.value)
    assert "a 7-point scale (as the file's value labels declare)" in str(refused.value)
    assert dump(ws) == before


def test_a_damaged_spss_file_is_refused_clearly(ws, tmp_path):
    path = write_spss(tmp_path / "cut.sav")
    path.write_bytes(path.read_bytes()[:700])
    with pytest.raises(SurveyImportError, match=r"cut\.sav is damaged or not an SPSS"):
        import_survey(ws, path, "r1", "teacher")


# --- another scale ---------------------------------------------------------------------------


def seven_point_export(tmp_path):
    """Qualtrics numeric export whose Q2_5 was asked on 1–7 (answers 6 and 7 occur); Q2_6,
    a statement of the same question, happens to hold no answer over 5."""
    rows = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")
    for n, row in enumerate(rows[3:]):
        if row[21] in ("4", "5") and n % 2:
            row[21] = str(int(row[21]) + 2)
    return write_rows(tmp_path / "seven.csv", rows)


def test_a_seven_point_column_is_refused_naming_the_scale(ws, tmp_path):
    path = seven_point_export(tmp_path)
    preview = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    by_letter = {c.use.column.letter: c for c in preview.answers.columns}
    assert by_letter["V"].other_scale == "a 7-point scale (answers 1–7)"
    assert by_letter["W"].other_scale.startswith("a 7-point scale (answers 1–7), like the other")
    before = dump(ws)
    with pytest.raises(SurveyImportError) as refused:
        import_survey(ws, path, "r1", "teacher")
    message = str(refused.value)
    assert message.startswith('seven.csv, column V "Q2_5: ...I am confident taking risks')
    assert "and 22 other columns: the answers (" in message and '"7"' in message
    assert "form a 7-point scale (answers 1–7), not the five-point agreement scale" in message
    assert dump(ws) == before


def test_a_seven_point_column_mapped_by_hand_imports_as_mapped(ws, tmp_path):
    path = seven_point_export(tmp_path)
    saved = inspect_survey(path, "teacher", instruments=INSTRUMENTS).save_mapping(
        tmp_path / "m.json"
    )
    import json

    doc = json.loads(saved.read_text(encoding="utf-8"))
    seven = {"1": 1, "2": 1, "3": 2, "4": 3, "5": 4, "6": 4, "7": 5}
    for entry in doc["columns"]:
        if entry.get("use") == "item":
            assert entry["scale"].startswith("a 7-point scale")
            for answer in entry["answers"]:
                if answer["value"] is None:
                    answer["value"] = seven[answer["answer"]]
    saved.write_text(json.dumps(doc), encoding="utf-8")
    summary = import_survey(ws, path, "r1", "teacher", saved)
    assert summary.rows_imported == 40
    rows = read_rows(path)
    q25 = [seven[r[21]] for r in rows[3:] if r[2] not in ("1", "2") and r[21] in seven]
    assert stored_means(ws, "teacher")["T05"] == pytest.approx(sum(q25) / len(q25))


def test_slightly_agree_is_a_seven_point_agreement_scale(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    rows[8][17] = "Slightly agree"  # a response (row 8 of the file is a survey test)
    path = write_rows(tmp_path / "slightly.csv", rows)
    with pytest.raises(SurveyImportError, match="form a seven-point agreement scale"):
        import_survey(ws, path, "r1", "teacher")


def test_a_frequency_column_is_refused_naming_the_scale(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    words = ["Never", "Rarely", "Sometimes", "Often", "Always"]
    for row in rows[1:]:
        row[4] = words[int(row[4]) - 1] if row[4] else ""
    with pytest.raises(SurveyImportError, match=r'column E "T04": the answers .* form a freq'):
        import_survey(ws, write_rows(tmp_path / "freq.csv", rows), "r1", "teacher")


def test_a_yes_no_column_coded_0_and_1_is_refused(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    for n, row in enumerate(rows[1:]):
        row[4] = str(n % 2)
    with pytest.raises(SurveyImportError, match=r"form a yes/no scale \(answers 0 and 1\)"):
        import_survey(ws, write_rows(tmp_path / "yesno.csv", rows), "r1", "teacher")


# --- answers mapped by hand ------------------------------------------------------------------


def test_a_typo_is_mapped_by_hand_and_remembered_with_the_layout(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_qualtrics_text.csv")
    typos = [n for n, row in enumerate(rows[3:], start=3) if row[18] == "Somewhat disagree"]
    for n in typos[:3]:
        rows[n][18] = "Somewhat disgree"
    path = write_rows(tmp_path / "typo.csv", rows)
    preview = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    column = preview.answers.of(18)
    (typo,) = column.unknown
    assert (typo.text, typo.count) == ("Somewhat disgree", 3)
    assert not preview.ready
    mapping = preview.mapping
    mapping.set_answer(18, "Somewhat disgree", 2)
    mapping.confirm()
    summary = import_survey(ws, path, "r1", "teacher", mapping)
    assert summary.rows_imported == 40
    assert stored_answers(ws, "teacher") == expected_answers(ws, "teacher")
    # Confirmed: the next file with this layout reads "Disgree" as 2 without asking.
    again = inspect_survey(
        write_rows(tmp_path / "next.csv", rows), "teacher", instruments=INSTRUMENTS
    )
    assert again.mapping.origin == "remembered" and again.ready
    (typo,) = [c for c in again.answers.of(18).choices if c.text == "Somewhat disgree"]
    assert (typo.value, typo.how) == (2, "set by hand")


def test_an_automatic_mapping_is_not_remembered(ws, tmp_path):
    path = write_rows(tmp_path / "plain.csv", read_rows(SAMPLES / "teacher_template.csv"))
    import_survey(ws, path, "r1", "teacher")
    assert inspect_survey(path, "teacher", instruments=INSTRUMENTS).mapping.origin == "automatic"


# --- semicolons ------------------------------------------------------------------------------


def test_semicolons_and_excel_sep_line(ws, tmp_path):
    """Excel's "sep=;" line names the delimiter; the header's own commas do not matter."""
    rows = read_rows(SAMPLES / "teacher_template.csv")
    rows[0][0] = "School, campus or site"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "europe.csv"
    path.write_text("sep=;\r\n" + out.getvalue(), encoding="utf-8")
    summary = imports_truth(ws, path)
    assert summary.format_label == "Onpoint template CSV (semicolons)"
    assert summary.rows_read == 40 and sum(summary.schools.values()) == 40

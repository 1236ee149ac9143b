"""The survey commands: import-survey, inspect-survey, survey template."""

from __future__ import annotations

import csv
import json

from onpoint_desktop.cli import main
from onpoint_desktop.workspace import Workspace
from tests.conftest import SAMPLES
from tests.survey_helpers import expected_answers, stored_answers


def new_db(tmp_path):
    db = tmp_path / "d.onpoint.db"
    assert main(["init", str(db), "--district", "D"]) == 0
    assert main(["round", "add", str(db), "r1", "--stage", "year1"]) == 0
    return db


def test_import_survey_prints_the_summary(tmp_path, capsys):
    db = new_db(tmp_path)
    capsys.readouterr()
    code = main(
        [
            "import-survey",
            str(db),
            str(SAMPLES / "teacher_qualtrics_numeric.csv"),
            "--round",
            "r1",
            "--role",
            "teacher",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Imported 40 of 42 responses" in out
    assert "Skipped 2: 1 survey preview, 1 survey test." in out
    assert "Jefferson Elementary 10" in out and "-99 ×" in out
    with Workspace.open(db) as ws:
        assert stored_answers(ws, "teacher") == expected_answers(ws, "teacher")


def test_import_survey_refusal_exits_non_zero(tmp_path, capsys):
    db = new_db(tmp_path)
    code = main(
        [
            "import-survey",
            str(db),
            str(SAMPLES / "leader_msforms.xlsx"),
            "--round",
            "r1",
            "--role",
            "teacher",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("onpoint: error: leader_msforms.xlsx looks like a leader survey")


def test_inspect_then_edit_then_import_with_the_mapping(tmp_path, capsys):
    rows = list(
        csv.reader((SAMPLES / "leader_template.csv").read_text(encoding="utf-8").splitlines())
    )
    rows[0][3] = "Q-risk"
    export = tmp_path / "leaders.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    mapping = tmp_path / "mapping.json"
    code = main(["inspect-survey", str(export), "--role", "leader", "--save-mapping", str(mapping)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Column mapping for the leader survey (automatic)" in out
    assert "L01" in out and "100%" in out and "Q-risk" in out
    doc = json.loads(mapping.read_text(encoding="utf-8"))
    doc["columns"][3].update(use="item", item="L03")
    mapping.write_text(json.dumps(doc), encoding="utf-8")
    db = new_db(tmp_path)
    code = main(
        [
            "import-survey",
            str(db),
            str(export),
            "--round",
            "r1",
            "--role",
            "leader",
            "--mapping",
            str(mapping),
        ]
    )
    assert code == 0
    assert "Items mapped: 14; column mapping: mapping.json." in capsys.readouterr().out
    # Confirmed with --mapping: the next inspect of this layout reuses it by itself.
    assert main(["inspect-survey", str(export), "--role", "leader"]) == 0
    assert "(remembered)" in capsys.readouterr().out


def test_inspect_reports_problems_on_stderr(capsys):
    code = main(["inspect-survey", str(SAMPLES / "teacher_google_forms.csv"), "--role", "leader"])
    captured = capsys.readouterr()
    assert code == 1
    assert "cannot import: teacher_google_forms.csv looks like a teacher survey" in captured.err


def test_templates_are_written_and_read_back(tmp_path, capsys):
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"teacher.{suffix}"
        assert main(["survey", "template", "--role", "teacher", "-o", str(path)]) == 0
    header = next(
        csv.reader((tmp_path / "teacher.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert header[0] == "School" and header[1] == "T01" and header[-1] == "Comments"
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "teacher.xlsx")
    sheet = book["Responses"]
    assert [c.value for c in sheet[1]] == header
    assert sheet["B1"].comment.text.startswith("I understand our district")
    assert book["Items"]["A2"].value == "T01"
    sheet.append(["Lincoln Elementary", *([4] * 23), "More time please"])
    for _ in range(4):
        sheet.append(["Lincoln Elementary", *([2] * 23), None])
    book.save(tmp_path / "filled.xlsx")
    db = new_db(tmp_path)
    code = main(
        [
            "import-survey",
            str(db),
            str(tmp_path / "filled.xlsx"),
            "--round",
            "r1",
            "--role",
            "teacher",
        ]
    )
    assert code == 0
    assert "Imported 5 of 5 responses" in capsys.readouterr().out
    with Workspace.open(db) as ws:
        assert ws.score("r1").component("operations").n_teacher == 5
        comments = ws.conn.execute("SELECT count(comment) FROM survey_responses").fetchone()[0]
        assert comments == 0


JSON_FIELDS = [
    "format",
    "rows_read",
    "imported",
    "skipped",
    "partial",
    "respondents_by_school",
    "columns",
    "unknown_answers",
]


def test_inspect_and_import_print_the_json_of_spec_8(tmp_path, capsys):
    export = SAMPLES / "teacher_qualtrics_numeric.csv"
    assert main(["inspect-survey", str(export), "--role", "teacher", "--json"]) == 0
    inspected = json.loads(capsys.readouterr().out)
    assert list(inspected) == JSON_FIELDS
    db = new_db(tmp_path)
    capsys.readouterr()
    args = ["import-survey", str(db), str(export), "--round", "r1", "--role", "teacher"]
    assert main([*args, "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert list(imported) == JSON_FIELDS
    for doc in (inspected, imported):
        assert doc["format"] == "qualtrics"
        assert (doc["rows_read"], doc["imported"]) == (42, 40)
        assert doc["skipped"] == {"preview": 1, "test": 1}
        assert doc["partial"] == 29  # Finished 0 (previews and tests are finished ones)
        assert sum(doc["respondents_by_school"].values()) == 40
        assert doc["unknown_answers"] == []
        r = next(c for c in doc["columns"] if c["column"] == "R")
        assert r == {
            "column": "R",
            "header": "To what extent do you agree with each statement? - I understand our "
            "district's vision for personalized learning.",
            "use": "item",
            "item": "T01",
            "confidence": 1.0,
        }
    assert main([*args, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] == 0 and again["skipped"]["already_imported"] == 40


def test_unknown_answers_are_listed_in_the_json(tmp_path, capsys):
    rows = list(csv.reader((SAMPLES / "leader_template.csv").read_text().splitlines()))
    rows[3][2] = "Kinda"
    export = tmp_path / "leaders.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert main(["inspect-survey", str(export), "--role", "leader", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["unknown_answers"] == [{"row": 4, "column": 'column C "L02"', "value": "Kinda"}]


def test_skipped_rows_are_worded_with_plurals(tmp_path, capsys):
    db = new_db(tmp_path)
    capsys.readouterr()
    export = SAMPLES / "teacher_qualtrics_text.csv"
    main(["import-survey", str(db), str(export), "--round", "r1", "--role", "teacher"])
    out = capsys.readouterr().out
    assert "Skipped 2: 1 survey test, 1 survey preview." in out or (
        "Skipped 2: 1 survey preview, 1 survey test." in out
    )
    assert "1 test responses" not in out


def test_response_rates_are_recorded_and_scored(tmp_path, capsys):
    db = new_db(tmp_path)
    export = SAMPLES / "teacher_qualtrics_numeric.csv"
    main(["import-survey", str(db), str(export), "--round", "r1", "--role", "teacher"])
    capsys.readouterr()
    assert main(["score", str(db), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["response_rate_teacher"] is None and doc["response_rate_leader"] is None
    assert main(["round", "invited", str(db), "r1", "--role", "teacher", "64"]) == 0
    assert "Response rate: teachers 62% (40 of 64)" in capsys.readouterr().out
    assert main(["round", "invited", str(db), "r1", "--role", "leader", "20"]) == 0
    capsys.readouterr()
    assert main(["score", str(db), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["response_rate_teacher"] == 0.625 and doc["response_rate_leader"] == 0.0
    assert main(["score", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Response rate  teachers 62% (40 of 64); leaders 0% (0 of 20), low response." in out
    # Per school: where the breakdown shows the school's respondents.
    assert main(["round", "invited", str(db), "r1", "--role", "teacher", "30"]) == 0
    assert (
        main(
            [
                "round",
                "invited",
                str(db),
                "r1",
                "--role",
                "teacher",
                "20",
                "--school",
                "Jefferson Elementary",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["score", str(db), "--by-school"]) == 0
    out = capsys.readouterr().out
    assert "Response rate (teachers)" in out and "50%" in out


def test_round_invited_refuses_what_is_not_a_count(tmp_path, capsys):
    db = new_db(tmp_path)
    assert main(["round", "invited", str(db), "r1", "--role", "teacher", "many"]) == 1
    assert "N must be a whole number" in capsys.readouterr().err
    assert main(["round", "invited", str(db), "r9", "--role", "teacher", "5"]) == 1
    assert "No round 'r9'" in capsys.readouterr().err

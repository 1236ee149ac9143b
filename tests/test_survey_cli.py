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

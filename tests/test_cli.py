"""The ``onpoint`` command line: results, and errors that change nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from onpoint_desktop.cli import main
from onpoint_desktop.workspace import Workspace
from tests.cli_support import run


def test_demo_then_score_json_matches_the_core(capsys, tmp_path):
    db = tmp_path / "d.onpoint.db"
    assert run(capsys, "demo", db)[0] == 0
    code, out, err = run(capsys, "score", db, "--round", "2023-24", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    with Workspace.open(db) as ws:
        expected = ws.score("2023-24")
        assert len(ws.rounds()) == 3
        assert [r.stage for r in ws.rounds()] == ["planning", "year1", "year2"]
        assert ws.respondent_counts("2023-24")["teacher"] >= 5
    assert doc["district"] == "Riverbend Unified School District (demo)"
    assert doc["round"] == "2023-24" and doc["stage"] == "year1"
    assert doc["model"] == "onpoint-1"
    assert doc["total"] == pytest.approx(expected.total, abs=0.01)
    assert doc["complete"] is True
    for comp, got in zip(expected.components, doc["components"], strict=True):
        assert got["score"] == pytest.approx(comp.score, abs=0.01)
        assert got["expert"] == pytest.approx(comp.expert, abs=1e-5)
        assert got["survey"] == pytest.approx(comp.survey, abs=1e-5)
        assert got["band"] in ("below", "within", "above")
    assert doc["strengths"] == list(expected.strengths)
    assert doc["focus_areas"] == list(expected.focus_areas)


def test_score_defaults_to_the_latest_round(capsys, demo_copy):
    doc = json.loads(run(capsys, "score", demo_copy, "--json")[1])
    assert doc["round"] == "2024-25"


def test_score_table_is_readable(capsys, demo_copy):
    code, out, _ = run(capsys, "score", demo_copy)
    assert code == 0
    with Workspace.open(demo_copy) as ws:
        score = ws.score()
    assert f"Onpoint score  {score.total:.1f}" in out
    assert "illustrative" in out
    for comp in score.components:
        assert comp.name in out
    assert "Strengths:" in out and "Focus areas:" in out


def test_init_round_rate_score(capsys, tmp_path):
    db = tmp_path / "n.onpoint.db"
    assert run(capsys, "init", db, "--district", "Cedar Falls")[0] == 0
    assert run(capsys, "round", "add", db, "2024-25", "--stage", "planning")[0] == 0
    for area in (
        "devices_digital_tools",
        "it_support_plan",
        "infrastructure_upgrade_plan",
        "budget_3_5_year",
        "workforce_plan",
    ):
        code, out, _ = run(capsys, "rate", db, "--round", "2024-25", area, "3", "--note", "seen")
        assert code == 0
    assert "733.3" in out
    doc = json.loads(run(capsys, "score", db, "--json")[1])
    assert doc["total"] == pytest.approx(733.33, abs=0.01)
    assert doc["complete"] is False
    code, out, _ = run(capsys, "rate", db, "--round", "2024-25", "workforce_plan", "0")
    assert code == 0 and "Unrated" in out
    with Workspace.open(db) as ws:
        assert "workforce_plan" not in ws.levels("2024-25")


def _events(db):
    with Workspace.open(db) as ws:
        return ws.conn.execute("SELECT count(*) FROM rating_events").fetchone()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rate", "{db}", "--round", "2024-25", "pl_vison_alignment", "3"), "Unknown focus area"),
        (("rate", "{db}", "--round", "2024-25", "pl_vision_alignment", "5"), "LEVEL must be"),
        (("rate", "{db}", "--round", "2024-25", "pl_vision_alignment", "-1"), "LEVEL must be"),
        (("rate", "{db}", "--round", "2024-25", "pl_vision_alignment", "two"), "LEVEL must be"),
        (("rate", "{db}", "--round", "1999-00", "pl_vision_alignment", "2"), "No round '1999-00'"),
        (("round", "add", "{db}", "2025-26", "--stage", "year9"), "Unknown stage 'year9'"),
        (("round", "add", "{db}", "2024-25", "--stage", "year2"), "already exists"),
        (("score", "{db}", "--round", "1999-00"), "No round"),
        (("init", "{db}", "--district", "Again"), "already exists"),
    ],
)
def test_errors_are_one_line_and_change_nothing(capsys, demo_copy, args, message):
    before = demo_copy.read_bytes()
    events = _events(demo_copy)
    code, out, err = run(capsys, *(a.format(db=demo_copy) for a in args))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("onpoint: error: ")
    assert message in err
    assert _events(demo_copy) == events
    if args[0] == "init":
        assert demo_copy.read_bytes() == before


def test_missing_workspace_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "score", tmp_path / "nope.onpoint.db")
    assert code == 1 and "No workspace at" in err
    assert not (tmp_path / "nope.onpoint.db").exists()


def test_usage_errors_are_one_line_with_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["rate", str(tmp_path / "x.db"), "it_support_plan", "3"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--round" in err


def test_module_entry_point_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "onpoint_desktop", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith("onpoint ")


def test_board_and_areas_list_the_framework(capsys, demo_copy):
    code, out, _ = run(capsys, "board", demo_copy, "--round", "2024-25")
    assert code == 0
    assert "Strategy" in out and "Data Analysis to Monitor Success" in out
    assert "Board adopted the PL vision" in out
    code, out, _ = run(capsys, "areas")
    assert out.count("\n") == 26 + 6

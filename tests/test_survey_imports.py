"""A round's survey imports: listed, and one removed in one transaction (SPEC §11)."""

from __future__ import annotations

import json

import pytest
from cli_support import run
from sync_support import responses

from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.responses import rebuild_aggregates


@pytest.fixture
def ws(tmp_path):
    with Workspace.create(tmp_path / "d.onpoint.db", "Riverbend") as ws:
        ws.add_round("2023-24", "year1")
        ws.rate("2023-24", "pl_vision_alignment", 3)
        for seed in ("first", "second"):
            ws.add_survey_responses(
                "2023-24", "teacher", responses(ws, "teacher", 8, seed),
                source_name=f"{seed}.csv", source_format="qualtrics",
            )  # fmt: skip
        ws.add_survey_responses("2023-24", "leader", responses(ws, "leader", 6, "lead"))
        yield ws


def test_removing_an_import_takes_its_responses_and_the_score_follows_at_once(ws):
    before = ws.score("2023-24")
    second = ws.survey_imports("2023-24")[1]
    assert (second["source_name"], second["rows_imported"]) == ("second.csv", 8)
    removed = ws.remove_survey_import(second["id"])
    assert removed["removed"] == 8
    assert [i["source_name"] for i in ws.survey_imports("2023-24")] == ["first.csv", "generated"]
    assert ws.respondent_counts("2023-24") == {"teacher": 8, "leader": 6}
    after = ws.score("2023-24")
    assert after.total != before.total
    # the aggregates after the removal are exactly those rebuilt from what is left
    cached = ws.survey_aggregates("2023-24")
    with ws.transaction():
        rebuild_aggregates(ws.conn, "2023-24", ws.round_model("2023-24"))
    ws._bump_survey_generation()
    assert ws.survey_aggregates("2023-24") == cached


def test_the_removal_is_recorded_for_hq(ws):
    first = ws.survey_imports("2023-24")[0]
    ws.remove_survey_import(first["id"])
    (keys,) = ws.conn.execute("SELECT response_keys FROM survey_removals").fetchone()
    assert len(json.loads(keys)) == 8


def test_an_unknown_import_is_refused(ws):
    with pytest.raises(InputError, match="No survey import 99"):
        ws.remove_survey_import(99)


def test_survey_list_and_remove_on_the_command_line(ws, capsys):
    db = ws.path
    code, out, _ = run(capsys, "survey", "list", db, "--round", "2023-24", "--json")
    listed = json.loads(out)
    assert [(i["file"], i["format"], i["rows"], i["author"]) for i in listed][:2] == [
        ("first.csv", "qualtrics", 8, "Test Consultant"),
        ("second.csv", "qualtrics", 8, "Test Consultant"),
    ]
    code, _, err = run(capsys, "survey", "remove", db, listed[0]["id"])
    assert code == 1 and "--yes" in err
    assert len(ws.survey_imports()) == 3  # nothing changed without --yes
    code, out, _ = run(capsys, "survey", "remove", db, listed[0]["id"], "--yes")
    assert code == 0 and "8 responses removed" in out
    code, out, _ = run(capsys, "survey", "list", db)
    assert "first.csv" not in out and "second.csv" in out


def test_a_removal_can_be_undone_exactly(ws):
    before = ws.score("2023-24")
    listed = ws.survey_imports("2023-24")
    removed = ws.remove_survey_import(listed[0]["id"])
    restored = ws.restore_survey_import(removed)
    assert ws.survey_imports("2023-24") == sorted([*listed[1:], restored], key=lambda i: i["id"])
    assert {k: v for k, v in restored.items() if k != "id"} == {
        k: v for k, v in listed[0].items() if k != "id"
    }
    assert ws.score("2023-24") == before
    # what HQ is told: the responses are in the next bundle, newer than the removal
    assert ws.conn.execute("SELECT count(*) FROM survey_removals").fetchone()[0] == 1

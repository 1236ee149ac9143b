"""The action plan (SPEC §11): actions as events, latest wins, carried into the next round."""

from __future__ import annotations

import json

import pytest
from cli_support import run

from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.actions import action_changes, carry_open_actions


@pytest.fixture
def ws(tmp_path):
    with Workspace.create(tmp_path / "d.onpoint.db", "Riverbend") as ws:
        ws.add_round("2023-24", "planning")
        yield ws


def test_an_action_keeps_every_change_and_the_latest_is_the_plan(ws):
    action = ws.add_action(
        "2023-24", "Vision workshop", component_id="strategy_communication", owner="Ana",
        due="2024-03-01",
    )  # fmt: skip
    ws.set_action(action.action_id[:8], status="in-progress", note="Two schools done")
    (now,) = ws.actions("2023-24")
    assert (now.title, now.status, now.owner, now.due, now.note) == (
        "Vision workshop", "in progress", "Ana", "2024-03-01", "Two schools done",
    )  # fmt: skip
    assert [a.status for a in ws.action_history(action.action_id)] == ["planned", "in progress"]


def test_removing_an_action_is_an_event_and_can_be_undone(ws):
    keep = ws.add_action("2023-24", "Keep")
    gone = ws.add_action("2023-24", "Gone", area_id="pl_vision_alignment")
    ws.remove_action(gone.action_id)
    assert [a.title for a in ws.actions("2023-24")] == ["Keep"]
    ws.restore_action(gone.action_id)
    assert [a.action_id for a in ws.actions("2023-24")] == [keep.action_id, gone.action_id]
    events = ws.conn.execute("SELECT count(*) FROM action_events").fetchone()[0]
    assert events == 4  # nothing rewritten, only appended


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"status": "finished"}, "Unknown action status"),
        ({"due": "next week"}, "not a date"),
        ({"due": "2024-02-30"}, "not a date"),
        ({"component_id": "nope"}, "Unknown component"),
        ({"area_id": "nope"}, "Unknown focus area"),
        ({"component_id": "operations", "area_id": "pl_vision_alignment"}, "not both"),
    ],
)
def test_a_bad_action_is_refused_and_nothing_is_written(ws, change, words):
    with pytest.raises(InputError, match=words):
        ws.add_action("2023-24", "Bad", **change)
    assert ws.conn.execute("SELECT count(*) FROM action_events").fetchone()[0] == 0


def test_a_new_round_carries_the_open_actions_with_their_status_once(ws):
    ws.add_action("2023-24", "Planned one")
    going = ws.add_action("2023-24", "Going", status="in progress", owner="Ben")
    ws.add_action("2023-24", "Finished", status="done")
    ws.add_action("2023-24", "Abandoned", status="dropped")
    ws.add_round("2024-25", "year1")
    carried = carry_open_actions(ws, "2023-24", "2024-25")
    assert [(a.title, a.status) for a in carried] == [
        ("Planned one", "planned"), ("Going", "in progress"),
    ]  # fmt: skip
    assert carry_open_actions(ws, "2023-24", "2024-25") == []
    ws.set_action(carried[1].action_id, status="done")
    ws.add_action("2024-25", "Fresh")
    said = action_changes(ws, "2024-25")
    assert list(said.values()) == [
        "carried, still planned", "carried: in progress → done", "new this round",
    ]  # fmt: skip
    # the previous round's plan is untouched
    assert ws.action(going.action_id).status == "in progress"


def test_action_cli_add_list_set_remove(ws, capsys):
    db = ws.path
    code, out, _ = run(
        capsys, "action", "add", db, "--title", "Coach data teams", "--component",
        "data_culture", "--owner", "Cho", "--due", "2024-05-01", "--json",
    )  # fmt: skip
    assert code == 0
    added = json.loads(out)
    assert (added["component"], added["status"], added["round"]) == (
        "data_culture", "planned", "2023-24",
    )  # fmt: skip
    code, out, _ = run(capsys, "action", "set", db, added["id"][:8], "--status", "in progress")
    assert code == 0 and "in progress" in out
    code, out, _ = run(capsys, "action", "list", db, "--json")
    assert [(a["title"], a["status"], a["owner"]) for a in json.loads(out)] == [
        ("Coach data teams", "in progress", "Cho")
    ]
    code, out, _ = run(capsys, "action", "list", db)
    assert "Coach data teams" in out and "Data Culture" in out
    code, out, _ = run(capsys, "action", "remove", db, added["id"])
    assert code == 0
    code, out, _ = run(capsys, "action", "list", db, "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "action", "set", db, "zzzz", "--status", "done")
    assert code == 1 and "No action 'zzzz'" in err

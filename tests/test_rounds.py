"""Rounds that build on each other (SPEC §11, issue 14 item 1): a round started from the
previous one carries its ratings until confirmed or changed; rename, set-stage, delete and
restore are round events; nothing is ever lost."""

from __future__ import annotations

import json

import pytest
from cli_support import run

from onpoint_desktop.errors import InputError
from onpoint_desktop.workspace import Workspace


def test_round_from_previous_carries_every_rating_and_note_as_carried(demo_copy):
    with Workspace.open(demo_copy) as ws:
        before = ws.board("2024-25")
        ws.add_round("2025-26", "year3", from_round="2024-25")
        after = ws.board("2025-26")
        assert {a: (e.level, e.note) for a, e in after.items()} == {
            a: (e.level, e.note) for a, e in before.items()
        }
        assert all(e.carried for e in after.values())
        assert ws.started_from("2025-26") == "2024-25"
        # the round it came from is untouched
        assert ws.board("2024-25") == before


def test_carried_rating_stops_being_carried_when_rated_or_confirmed(demo_copy):
    with Workspace.open(demo_copy) as ws:
        ws.add_round("2025-26", "year3", from_round="2024-25")
        level = ws.board("2025-26")["it_support_plan"].level
        ws.rate("2025-26", "culture_of_innovation", 4)
        confirmed = ws.confirm("2025-26", "it_support_plan")
        assert [(e.area_id, e.level, e.kind) for e in confirmed] == [
            ("it_support_plan", level, "confirmed")
        ]
        carried = ws.carried("2025-26")
        assert "culture_of_innovation" not in carried and "it_support_plan" not in carried
        assert len(carried) == len(ws.framework.areas) - 2
        # confirming all leaves none carried; the history keeps every event
        ws.confirm("2025-26")
        assert ws.carried("2025-26") == {}
        kinds = [e.kind for e in ws.history("2025-26", "it_support_plan")]
        assert kinds == ["carried", "confirmed"]


def test_confirming_a_rating_that_is_not_carried_changes_nothing(demo_copy):
    with Workspace.open(demo_copy) as ws:
        events = len(ws.history("2024-25"))
        assert ws.confirm("2024-25") == []
        assert len(ws.history("2024-25")) == events


def test_rename_and_set_stage_are_round_events_and_score_follows_the_stage(demo_copy):
    with Workspace.open(demo_copy) as ws:
        median_before = ws.score("2024-25").total_median
        ws.rename_round("2024-25", "Spring 2025")
        ws.set_round_stage("2024-25", "year3")
        rnd = ws.get_round("2024-25")
        assert (rnd.label, rnd.stage) == ("Spring 2025", "year3")
        assert ws.score("2024-25").total_median != median_before
        kinds = [(e.kind, e.value) for e in ws.round_events("2024-25")][1:]  # after "added"
        assert kinds == [("renamed", "Spring 2025"), ("stage", "year3")]


def test_rename_refuses_a_name_another_round_has(demo_copy):
    with Workspace.open(demo_copy) as ws, pytest.raises(InputError, match="already called"):
        ws.rename_round("2024-25", "2023-24")


def test_deleted_round_is_hidden_kept_and_restored_whole(demo_copy):
    with Workspace.open(demo_copy) as ws:
        score = ws.score("2023-24")
        ws.delete_round("2023-24")
        assert "2023-24" not in [r.id for r in ws.rounds()]
        with pytest.raises(InputError, match="was deleted"):
            ws.score("2023-24")
        with pytest.raises(InputError, match="was deleted"):
            ws.add_round("2023-24", "year1")
        ws.restore_round("2023-24")
        assert ws.score("2023-24").total == score.total
        kinds = [e.kind for e in ws.round_events("2023-24")]
        assert kinds == ["added", "deleted", "restored"]


def test_cli_round_add_from_then_confirm(demo_copy, capsys):
    code, out, _ = run(
        capsys, "round", "add", demo_copy, "2025-26", "--stage", "year3", "--from", "2024-25"
    )
    assert code == 0 and "Carried 26 ratings and" in out and "forward from 2024-25" in out
    code, out, _ = run(capsys, "board", demo_copy, "--round", "2025-26")
    assert out.count("(carried)") == 26
    code, out, _ = run(capsys, "round", "confirm", demo_copy, "2025-26", "it_support_plan")
    assert "Confirmed 1 carried rating; 25 carried ratings left" in out
    code, out, _ = run(capsys, "round", "confirm", demo_copy, "2025-26")
    assert "Confirmed 25 carried ratings; 0 carried ratings left" in out


def test_cli_delete_asks_for_yes_when_the_round_holds_ratings_or_responses(demo_copy, capsys):
    code, _, err = run(capsys, "round", "delete", demo_copy, "2023-24")
    assert code == 1 and "holds 26 ratings and" in err and "--yes" in err
    with Workspace.open(demo_copy) as ws:
        assert "2023-24" in [r.id for r in ws.rounds()]
    code, out, _ = run(capsys, "round", "delete", demo_copy, "2023-24", "--yes")
    assert code == 0
    code, out, _ = run(capsys, "round", "list", demo_copy)
    assert "Deleted (kept in the file" in out and "2023-24" in out.splitlines()[-1]
    code, out, _ = run(capsys, "round", "restore", demo_copy, "2023-24")
    assert code == 0 and "Restored round 2023-24" in out


def test_cli_delete_of_an_empty_round_needs_no_yes(ws, capsys):
    ws.close()
    code, out, _ = run(capsys, "round", "delete", ws.path, "r1")
    assert code == 0 and "Deleted round r1" in out


def test_cli_rename_and_set_stage(demo_copy, capsys):
    code, out, _ = run(capsys, "round", "rename", demo_copy, "2024-25", "Spring 2025")
    assert code == 0 and "now called 'Spring 2025'" in out
    code, out, _ = run(capsys, "round", "set-stage", demo_copy, "2024-25", "year3")
    assert code == 0 and "Year 3" in out
    code, out, _ = run(capsys, "score", demo_copy, "--json")
    assert json.loads(out)["stage"] == "year3"
    code, out, _ = run(capsys, "round", "list", demo_copy)
    assert "'Spring 2025'" in out


def test_round_from_previous_carries_its_open_actions_in_the_same_transaction(demo_copy):
    with Workspace.open(demo_copy) as ws:
        ws.add_action("2024-25", "Share the vision with principals", status="in progress")
        ws.add_action("2024-25", "Buy devices", status="done")
        ws.add_round("2025-26", "year3", from_round="2024-25")
        carried = ws.actions("2025-26")
        assert [(a.title, a.status) for a in carried] == [
            ("Share the vision with principals", "in progress")
        ]
        assert len(ws.carried("2025-26")) == len(ws.framework.areas)

"""The evidence overview: every note of a round, searchable (SPEC §11)."""

from __future__ import annotations

import json

import pytest
from cli_support import run

from onpoint_desktop.errors import InputError
from onpoint_desktop.evidence_notes import evidence_notes
from onpoint_desktop.workspace import Workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    with Workspace.create(tmp_path / "d.onpoint.db", "Riverbend") as ws:
        ws.add_round("2023-24", "year1")
        ws.rate("2023-24", "pl_vision_alignment", 3, note="Vision shared with every school")
        ws.rate("2023-24", "pl_rollout_plan", 2)
        ws.rate("2023-24", "pl_rollout_plan", 2, note="Rollout plan is a draft", author="Cho")
        ws.rate("2023-24", "pl_vision_alignment", 4, note="Board adopted the vision")
        yield ws


def test_the_current_rating_and_note_of_each_rated_area(ws):
    notes = evidence_notes(ws, "2023-24")
    assert [(n.area_id, n.level, n.note, n.author) for n in notes] == [
        ("pl_vision_alignment", 4, "Board adopted the vision", "Test Consultant"),
        ("pl_rollout_plan", 2, "Rollout plan is a draft", "Cho"),
    ]


@pytest.mark.parametrize(
    ("filters", "areas"),
    [
        ({"search": "VISION board"}, ["pl_vision_alignment"]),
        ({"search": "every school"}, []),  # an old note is not the current one
        ({"level": 2}, ["pl_rollout_plan"]),
        ({"author": "cho"}, ["pl_rollout_plan"]),
        ({"category": "Strategy"}, ["pl_vision_alignment", "pl_rollout_plan"]),
        ({"has_note": False}, []),
    ],
)
def test_filters(ws, filters, areas):
    assert [n.area_id for n in evidence_notes(ws, "2023-24", **filters)] == areas


def test_an_unknown_category_is_named(ws):
    with pytest.raises(InputError, match="Unknown category 'nope'"):
        evidence_notes(ws, "2023-24", category="nope")


def test_notes_on_the_command_line(ws, capsys):
    code, out, _ = run(capsys, "notes", ws.path, "--search", "draft", "--json")
    assert code == 0
    assert [n["area_id"] for n in json.loads(out)] == ["pl_rollout_plan"]
    code, out, _ = run(capsys, "notes", ws.path, "--round", "2023-24")
    assert "Board adopted the vision" in out and "2 rated areas found" in out

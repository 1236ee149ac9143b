"""Comparing two rounds (SPEC §11, issue 14 item 2): level changes and score differences,
in the core and in ``onpoint score --compare``."""

from __future__ import annotations

import json

import pytest
from cli_support import run

from onpoint_desktop.compare import compare_rounds
from onpoint_desktop.workspace import Workspace


def test_comparison_lists_areas_that_moved_and_score_differences(demo_copy):
    with Workspace.open(demo_copy) as ws:
        comparison = compare_rounds(ws, "2024-25", "2023-24")
        now, then = ws.levels("2024-25"), ws.levels("2023-24")
        moved = {a for a in ws.framework.areas if now.get(a) != then.get(a)}
        assert {c.area for c in comparison.areas} == moved
        for change in comparison.areas:
            assert change.mark == ("▲" if now[change.area] > then[change.area] else "▼")
        assert comparison.total_delta == pytest.approx(
            ws.score("2024-25").total - ws.score("2023-24").total
        )


def test_score_compare_json_carries_the_differences(demo_copy, capsys):
    code, out, _ = run(capsys, "score", demo_copy, "--compare", "2022-23", "--json")
    assert code == 0
    data = json.loads(out)
    compared = data["compare"]
    assert compared["round"] == "2022-23"
    code, old, _ = run(capsys, "score", demo_copy, "--round", "2022-23", "--json")
    old = json.loads(old)
    assert compared["total"] == old["total"]
    assert compared["total_delta"] == pytest.approx(data["total"] - old["total"], abs=0.02)
    by_id = {c["id"]: c for c in compared["components"]}
    for comp, before in zip(data["components"], old["components"], strict=True):
        assert by_id[comp["id"]]["delta"] == pytest.approx(
            comp["score"] - before["score"], abs=0.02
        )
    assert all(a["from"] != a["to"] for a in compared["areas"])


def test_score_compare_text_marks_the_changes(demo_copy, capsys):
    code, out, _ = run(capsys, "score", demo_copy, "--compare", "2023-24")
    assert code == 0
    assert "compared with 2023-24" in out and "▲" in out
    assert "Onpoint score" in out and "Change" in out


def test_compare_with_itself_is_refused(demo_copy, capsys):
    code, _, err = run(capsys, "score", demo_copy, "--round", "2024-25", "--compare", "2024-25")
    assert code == 1 and "another round" in err

"""What-if previews and the target planner (SPEC §11, issue 14 item 3): exact under the
model of SPEC §1.5 — checked against the scoring itself, against an exhaustive search,
and by replaying each suggested plan through ``onpoint rate``."""

from __future__ import annotations

import itertools
import json

import pytest
from cli_support import run

from onpoint_desktop.planner import plan, plan_round, score_basis
from onpoint_desktop.scoring import compute
from onpoint_desktop.workspace import Workspace

# Areas left free to change (the rest of the board is at the top level): a whole component
# unrated (culture_of_innovation), one of data culture's two areas unrated and the other
# at level 1, and areas of three more components at 1, 3 and unrated.
FREE = {
    "culture_of_innovation": None,
    "grading_assessment_data_culture": 1,
    "data_analysis_monitoring": None,
    "it_support_plan": 1,
    "pl_vision_alignment": 3,
}


def _score(ws, round_id, levels):
    rnd = ws.get_round(round_id)
    model = ws.round_model(round_id)
    return compute(
        model,
        ws.framework,
        levels,
        ws.survey_aggregates(round_id),
        rnd.stage,
        ws.benchmark(model.id),
    )


def _free_board(ws, round_id):
    for area in ws.framework.areas:
        level = FREE.get(area, 4)
        ws.rate(round_id, area, level)


def _every_raise(ws, round_id):
    """Every combination of raises of the free areas: (steps, its score)."""
    levels = ws.levels(round_id)
    choices = [
        [(area, None)] * (level is None) + [(area, v) for v in range(level or 1, 5)]
        for area, level in FREE.items()
    ]
    for combo in itertools.product(*choices):
        board = dict(levels)
        steps = 0
        for area, level in combo:
            if level is not None:
                board[area] = level
                steps += level - (FREE[area] or 0)
        yield steps, _score(ws, round_id, board)


def _fewest_steps(every_raise, target, component=None):
    reaching = [
        steps
        for steps, score in every_raise
        if (value := score.total if component is None else score.component(component).score)
        is not None
        and value >= target - 1e-6
    ]
    return min(reaching, default=None)


@pytest.fixture(params=["with surveys", "no surveys"])
def free_round(request, demo_copy, ws):
    if request.param == "with surveys":
        ws.close()
        workspace = Workspace.open(demo_copy)
        _free_board(workspace, "2022-23")
        yield workspace, "2022-23"
        workspace.close()
    else:
        _free_board(ws, "r1")
        yield ws, "r1"


def test_what_if_is_the_score_the_rating_would_give(demo_copy):
    with Workspace.open(demo_copy) as ws:
        basis = score_basis(ws, "2023-24")
        assert basis.total == pytest.approx(ws.score("2023-24").total, abs=1e-9)
        for area in list(ws.framework.areas)[::3]:
            for level in (None, 1, 2, 3, 4):
                board = dict(ws.levels("2023-24"))
                board.pop(area)
                if level:
                    board[area] = level
                expected = _score(ws, "2023-24", board)
                outcome = basis.what_if({area: level})
                assert outcome.total == pytest.approx(expected.total, abs=1e-9)
                for comp in expected.components:
                    assert outcome.components[comp.id] == pytest.approx(comp.score, abs=1e-9)
        assert ws.levels("2023-24") == basis.levels  # nothing was written


@pytest.mark.parametrize("component", [None, "data_culture", "culture_of_innovation"])
def test_plan_has_the_fewest_steps_an_exhaustive_search_finds(free_round, component):
    ws, round_id = free_round
    basis = score_basis(ws, round_id)
    lowest = basis.total if component is None else basis.outcome.components[component]
    best = basis.what_if(dict.fromkeys(FREE, 4))
    highest = best.total if component is None else best.components[component]
    lowest = lowest if lowest is not None else 200.0
    every_raise = list(_every_raise(ws, round_id))
    for i in range(12):
        target = lowest + (highest + 10 - lowest) * i / 11
        suggested = plan(basis, target, component)
        fewest = _fewest_steps(every_raise, target, component)
        assert suggested.reachable == (fewest is not None), target
        if fewest is None:
            assert suggested.changes == ()
            continue
        assert suggested.steps == fewest, target
        board = {**ws.levels(round_id), **suggested.levels}
        score = _score(ws, round_id, board)
        reached = score.total if component is None else score.component(component).score
        assert reached >= target - 1e-6
        assert reached == pytest.approx(suggested.score_after, abs=1e-9)


@pytest.mark.parametrize("round_id", ["2022-23", "2023-24", "2024-25"])
@pytest.mark.parametrize("target", ["median", "p75"])
@pytest.mark.parametrize("component", [None, "operations"])
def test_each_suggested_plan_replayed_through_rate_reaches_the_target(
    demo_copy, capsys, round_id, target, component
):
    extra = ["--component", component] if component else []
    code, out, _ = run(
        capsys, "plan", demo_copy, "--round", round_id, "--target", target, "--json", *extra
    )
    assert code == 0
    suggested = json.loads(out)
    assert suggested["reachable"]
    for change in suggested["changes"]:
        assert change["to"] > (change["from"] or 0)
        code, _, err = run(
            capsys, "rate", demo_copy, "--round", round_id, change["area"], change["to"]
        )
        assert code == 0, err
    code, out, _ = run(capsys, "score", demo_copy, "--round", round_id, "--json")
    score = json.loads(out)
    reached = (
        score["total"]
        if component is None
        else next(c["score"] for c in score["components"] if c["id"] == component)
    )
    assert reached >= suggested["target"] - 0.01
    assert reached == pytest.approx(suggested["score_after"], abs=0.01)


def test_a_plan_already_reached_needs_no_change_and_an_impossible_one_says_so(ws):
    ws.rate("r1", "it_support_plan", 4)
    basis = score_basis(ws, "r1")
    assert plan(basis, 500).changes == () and plan(basis, 500).reachable
    impossible = plan(basis, 1001)
    assert not impossible.reachable and impossible.changes == ()
    assert impossible.best_possible == pytest.approx(1000)


def test_plan_command_text_names_the_changes(demo_copy, capsys):
    code, out, _ = run(capsys, "plan", demo_copy, "--round", "2022-23", "--target", "median")
    assert code == 0
    assert "The fewest changes that reach it: " in out and " → " in out


def test_plan_for_an_unknown_component_is_refused(demo_copy):
    with Workspace.open(demo_copy) as ws, pytest.raises(Exception, match="Unknown component"):
        plan_round(ws, "2024-25", "median", "nope")

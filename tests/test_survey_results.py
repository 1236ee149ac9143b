"""Item-level survey results and the gaps worth calling out (core, no report)."""

from __future__ import annotations

import pytest

from onpoint_desktop.survey_results import (
    GAP_THRESHOLD_POINTS,
    gaps,
    item_results,
    largest_disagreement,
)
from onpoint_desktop.workspace import Response, Workspace


def _answer(ws, role, answers, school=None):
    keys = iter(range(10_000))
    ws.add_survey_responses(
        "r1", role, [Response(f"{role}-{next(keys)}", a, school) for a in answers]
    )


def test_answer_counts_count_each_raw_answer_per_item_and_role(ws):
    _answer(ws, "teacher", [{"T01": 5, "T07": 1}, {"T01": 4, "T07": 1}, {"T01": 5}])
    _answer(ws, "leader", [{"L01": 2}])
    assert ws.survey_answer_counts("r1") == {
        "teacher": {"T01": {5: 2, 4: 1}, "T07": {1: 2}},
        "leader": {"L01": {2: 1}},
    }
    ws.add_round("r2", "year1")
    assert ws.survey_answer_counts("r2") == {}


def test_item_results_give_n_mean_and_share_agreeing_as_answered(ws):
    answers = [5, 5, 4, 3, 2, 1]  # 6 teachers: mean 20/6, agreeing 3 of 6
    _answer(ws, "teacher", [{"T01": a, "T07": a} for a in answers])
    results = item_results(ws.current_model, ws.survey_answer_counts("r1"))
    by_id = {r.item.id: r for group in results.values() for r in group}
    t01 = by_id["T01"]
    assert (t01.n, t01.counts) == (6, (1, 1, 1, 1, 2))
    assert t01.mean == pytest.approx(20 / 6)
    assert t01.agreeing == pytest.approx(0.5)
    assert sum(t01.shares) == pytest.approx(1)
    # A reverse-coded item is reported as answered: agreeing means what the words say.
    t07 = by_id["T07"]
    assert t07.item.reverse and t07.mean == pytest.approx(20 / 6)
    # Every item of both instruments is listed, grouped by its component in model order.
    assert list(results) == list(ws.current_model.component_ids)
    assert [r.item.id for r in results["strategy_communication"]] == [
        "T01",
        "T02",
        "T03",
        "L01",
        "L02",
    ]


def test_an_item_fewer_than_min_n_answered_is_not_shown(ws):
    min_n = ws.current_model.min_n
    _answer(ws, "teacher", [{"T01": 4, "T02": 4}] * (min_n - 1) + [{"T01": 4}])
    by_id = {
        r.item.id: r
        for group in item_results(ws.current_model, ws.survey_answer_counts("r1")).values()
        for r in group
    }
    assert by_id["T01"].shown and by_id["T01"].n == min_n
    t02 = by_id["T02"]
    assert not t02.shown and t02.n == min_n - 1
    assert (t02.mean, t02.agreeing, t02.shares) == (None, None, None)


def test_gaps_over_the_threshold_largest_first(demo_db):
    with Workspace.open(demo_db, backup=False) as ws:
        score = ws.score()
        found = gaps(ws.current_model, score)
        span = ws.current_model.score_max - ws.current_model.score_min
        for gap in found:
            assert gap.size >= GAP_THRESHOLD_POINTS
            assert gap.points == pytest.approx((gap.first - gap.second) * span)
        assert [g.size for g in found] == sorted((g.size for g in found), reverse=True)
        # The demo's Culture of Innovation: expert 466.7 against survey 709.6.
        top = largest_disagreement(ws.current_model, score)
        assert top.component == "culture_of_innovation" and round(top.size) == 243
        coi = score.component("culture_of_innovation")
        assert (top.first, top.second) == (coi.expert, coi.survey)
        kinds = {(g.component, g.kind) for g in found}
        assert ("culture_of_innovation", "roles") in kinds  # leaders 791, teachers 655


def test_a_role_under_min_n_is_never_compared(ws):
    for area in ws.current_model.by_id["strategy_communication"].areas:
        ws.rate("r1", area, 1)
    _answer(ws, "teacher", [{"T01": 5}] * 10)
    _answer(ws, "leader", [{"L01": 1}] * 3)  # 3 leaders: their part is not used
    found = gaps(ws.current_model, ws.score("r1"))
    assert [(g.component, g.kind) for g in found] == [("strategy_communication", "sources")]

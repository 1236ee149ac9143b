"""The Onpoint score of SPEC §1.5 against hand-computed cases."""

from __future__ import annotations

import pytest

from onpoint_desktop import framework
from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.scoring import compute
from onpoint_desktop.workspace import Response

OPERATIONS = [
    "devices_digital_tools",
    "it_support_plan",
    "infrastructure_upgrade_plan",
    "budget_3_5_year",
    "workforce_plan",
]


def teachers(ws, answers_list, round_id="r1"):
    responses = [Response(f"t{i}", a) for i, a in enumerate(answers_list)]
    ws.add_survey_responses(round_id, "teacher", responses)


def leaders(ws, answers_list, round_id="r1"):
    responses = [Response(f"l{i}", a) for i, a in enumerate(answers_list)]
    ws.add_survey_responses(round_id, "leader", responses)


def test_worked_example_operations_only(ws):
    for area in OPERATIONS:
        ws.rate("r1", area, 3)
    score = ws.score("r1")
    ops = score.component("operations")
    assert ops.expert == pytest.approx(2 / 3)
    assert ops.survey is None
    assert ops.score == pytest.approx(733.333, abs=0.001)
    assert score.total == pytest.approx(733.333, abs=0.001)
    assert score.complete is False
    others = [c for c in score.components if c.id != "operations"]
    assert all(c.score is None and c.status == "unavailable" for c in others)


def test_nothing_rated_and_no_surveys_has_no_total(ws):
    score = ws.score("r1")
    assert score.total is None
    assert score.complete is False
    assert score.strengths == () and score.focus_areas == ()
    assert score.to_json()["total"] is None


def test_expert_subscore_is_mean_of_rated_areas_only(ws):
    ws.rate("r1", "pl_vision_alignment", 4)  # strategy: 1.0
    ws.rate("r1", "pl_communication_plan", 1)  # strategy: 0.0
    ws.rate("r1", "multi_year_roadmap", 2)  # strategy: 1/3
    comp = ws.score("r1").component("strategy_communication")
    assert comp.expert == pytest.approx((1 + 0 + 1 / 3) / 3)
    assert comp.areas_rated == 3 and comp.areas_total == 6
    assert comp.status == "expert-only"


def test_four_teachers_are_below_min_n_and_never_used(ws):
    teachers(ws, [{"T21": 5, "T22": 5, "T23": 5}] * 4)
    comp = ws.score("r1").component("operations")
    assert comp.n_teacher == 4
    assert comp.survey is None
    assert comp.score is None
    assert comp.held_back_roles == ["teacher"]
    assert comp.provisional is False  # no score at all: nothing to call provisional


def test_five_teachers_make_the_survey_available(ws):
    answers = [
        {"T21": 5, "T22": 4, "T23": 3},
        {"T21": 4, "T22": 4},
        {"T21": 3, "T23": 1},
        {"T21": 2, "T22": 2, "T23": 2},
        {"T22": 5},
    ]
    teachers(ws, answers)
    comp = ws.score("r1").component("operations")
    m21 = (5 + 4 + 3 + 2) / 4
    m22 = (4 + 4 + 2 + 5) / 4
    m23 = (3 + 1 + 2) / 3
    expected = ((m21 - 1) / 4 + (m22 - 1) / 4 + (m23 - 1) / 4) / 3
    assert comp.n_teacher == 5
    assert comp.survey == pytest.approx(expected)
    assert comp.score == pytest.approx(200 + 800 * expected)
    assert comp.status == "survey-only"


def test_items_without_valid_answers_are_left_out_of_the_mean(ws):
    teachers(ws, [{"T21": 5}] * 5)  # T22, T23 unanswered
    assert ws.score("r1").component("operations").survey == pytest.approx(1.0)


def test_reverse_item_is_reverse_coded(ws):
    # T07 (R): answering 2 ("Disagree" that trying new things is risky) counts as 4.
    teachers(ws, [{"T07": 2}] * 5)
    comp = ws.score("r1").component("culture_of_innovation")
    assert comp.survey == pytest.approx((4 - 1) / 4)


def test_respondent_counts_per_component(ws):
    # Only the strategy items answered by the first three; everyone answers T21.
    answers = [{"T01": 4, "T21": 3}] * 3 + [{"T21": 3}] * 3
    teachers(ws, answers)
    score = ws.score("r1")
    assert score.component("strategy_communication").n_teacher == 3
    assert score.component("operations").n_teacher == 6
    assert score.component("data_culture").n_teacher == 0


def test_one_role_missing_uses_the_other_alone(ws):
    leaders(ws, [{"L13": 4, "L14": 2}] * 6)
    comp = ws.score("r1").component("operations")
    assert comp.n_leader == 6 and comp.n_teacher == 0
    assert comp.survey == pytest.approx(((4 - 1) / 4 + (2 - 1) / 4) / 2)


def test_role_weights_and_expert_weight(ws):
    teachers(ws, [{"T21": 5, "T22": 5, "T23": 5}] * 5)  # S_teacher = 1.0
    leaders(ws, [{"L13": 1, "L14": 1}] * 5)  # S_leader = 0.0
    for area in OPERATIONS:
        ws.rate("r1", area, 1)  # E = 0
    comp = ws.score("r1").component("operations")
    assert comp.survey == pytest.approx(0.6)
    assert comp.expert == 0
    assert comp.score == pytest.approx(200 + 800 * (0.5 * 0 + 0.5 * 0.6))
    assert comp.status == "complete"


def test_total_is_the_mean_of_available_components(ws):
    ws.rate("r1", "culture_of_innovation", 4)  # 1000
    ws.rate("r1", "grading_assessment_data_culture", 1)  # data culture 200
    score = ws.score("r1")
    assert score.total == pytest.approx(600)
    assert score.complete is False


def test_complete_needs_expert_and_survey_everywhere(ws):
    for area in framework.framework().areas:
        ws.rate("r1", area, 3)
    items = shipped_model("onpoint-1").instruments["teacher"].item_ids
    teachers(ws, [dict.fromkeys(items, 4)] * 5)
    assert ws.score("r1").complete is True


def test_bands_at_the_benchmark_edges():
    bm = shipped_model("onpoint-1").benchmark
    pct = bm.percentiles("planning", "total")
    assert (pct.p25, pct.p50, pct.p75) == (437, 497, 552)
    assert pct.band(436.9) == "below"
    assert pct.band(437) == "within"
    assert pct.band(552) == "within"
    assert pct.band(552.1) == "above"
    assert pct.band(None) is None


def test_strengths_and_focus_areas_follow_distance_from_median(ws):
    # planning medians: culture 520, data 480, operations 560, strategy 440.
    ws.rate("r1", "culture_of_innovation", 4)  # 1000: +480
    ws.rate("r1", "grading_assessment_data_culture", 3)  # 733: +253
    ws.rate("r1", "devices_digital_tools", 1)  # 200: -360
    ws.rate("r1", "pl_vision_alignment", 2)  # 467: +27
    ws.rate("r1", "curriculum_inventory", 1)  # 200: -300
    score = ws.score("r1")
    assert score.strengths == ("culture_of_innovation", "data_culture")
    assert score.focus_areas == ("operations", "curriculum_content")


def test_compute_is_pure_and_matches_the_workspace(ws):
    ws.rate("r1", "pl_rollout_plan", 2)
    model = shipped_model("onpoint-1")
    direct = compute(
        model,
        framework.framework(),
        {"pl_rollout_plan": 2},
        ws.survey_aggregates("r1"),
        "planning",
        model.benchmark,
    )
    assert direct.total == ws.score("r1").total


def test_json_has_exactly_the_spec_fields(ws):
    ws.rate("r1", "pl_rollout_plan", 2)
    doc = ws.score("r1").to_json()
    assert set(doc) == {
        "district",
        "round",
        "stage",
        "model",
        "total",
        "total_ci",  # SPEC §13
        "complete",
        "components",
        "strengths",
        "focus_areas",
    }
    assert [c["id"] for c in doc["components"]] == list(shipped_model("onpoint-1").component_ids)
    assert set(doc["components"][0]) == {
        "id",
        "name",
        "score",
        "ci_low",  # SPEC §13
        "ci_high",
        "expert",
        "survey",
        "n_teacher",
        "n_leader",
        "band",
    }

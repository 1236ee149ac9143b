"""90% intervals on survey sub-scores, components and totals (SPEC §13), against standard
errors computed by hand from the respondents; and when a change between rounds is clear."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.progress import change_of, component_changes, total_change
from onpoint_desktop.scoring import compute
from onpoint_desktop.uncertainty import Z90
from onpoint_desktop.workspace import Response
from onpoint_desktop.workspace.responses import aggregate_responses

MODEL = shipped_model("onpoint-1")
CULTURE = ["T04", "T05", "T06", "T07"]  # T07 reverse-coded (6 − answer)
STRATEGY = ["T01", "T02", "T03"]


def normalised(item: str, answer: int) -> float:
    """An answer on the 0–1 scale, reverse coding applied."""
    value = 6 - answer if item == "T07" else answer
    return (value - 1) / 4


def respondent_means(rows: list[dict[str, int]], items: list[str]) -> list[float]:
    return [statistics.fmean(normalised(i, row[i]) for i in items) for row in rows]


def se_of_mean(values: list[float]) -> float:
    """The textbook standard error of a mean: s / √n."""
    return statistics.stdev(values) / math.sqrt(len(values))


def add_teachers(ws, rows, round_id="r1"):
    ws.add_survey_responses(
        round_id, "teacher", [Response(f"t{i}", row) for i, row in enumerate(rows)]
    )


def complete_rows(n: int, items: list[str], seed: int) -> list[dict[str, int]]:
    rng = random.Random(seed)
    return [{i: rng.randint(1, 5) for i in items} for _ in range(n)]


def test_survey_only_component_at_exactly_min_n_has_the_hand_computed_interval(ws):
    rows = complete_rows(MODEL.min_n, CULTURE, seed=1)  # n = min_n = 5: used, with an interval
    add_teachers(ws, rows)
    comp = ws.score("r1").component("culture_of_innovation")
    se = se_of_mean(respondent_means(rows, CULTURE))  # complete answers: mean of item means
    assert comp.role_survey_se["teacher"] == pytest.approx(se)
    assert comp.survey_se == pytest.approx(se)  # the only role: S_c = S_c,teacher
    assert comp.se == pytest.approx(800 * se)  # survey only: the whole 200–1,000 span
    assert comp.ci_low == pytest.approx(max(200, comp.score - Z90 * 800 * se))
    assert comp.ci_high == pytest.approx(min(1000, comp.score + Z90 * 800 * se))
    low, _high = comp.role_survey_ci("teacher")
    assert low == pytest.approx(max(0, comp.survey - Z90 * se))


def test_below_min_n_there_is_no_sub_score_and_no_interval(ws):
    add_teachers(ws, complete_rows(MODEL.min_n - 1, CULTURE, seed=2))
    comp = ws.score("r1").component("culture_of_innovation")
    assert comp.role_survey["teacher"] is None and comp.role_survey_se["teacher"] is None
    assert comp.score is None and comp.ci is None


def test_a_constant_answer_item_has_no_spread_and_a_point_interval(ws):
    add_teachers(ws, [{"T01": 4, "T02": 4, "T03": 4} for _ in range(8)])
    comp = ws.score("r1").component("strategy_communication")
    assert comp.se == 0.0
    assert comp.ci == (comp.score, comp.score)


def test_expert_ratings_are_fixed_and_halve_the_survey_spread(ws):
    rows = complete_rows(12, CULTURE, seed=3)
    add_teachers(ws, rows)
    survey_only = ws.score("r1").component("culture_of_innovation")
    for area in MODEL.by_id["culture_of_innovation"].areas:
        ws.rate("r1", area, 3)
    both = ws.score("r1").component("culture_of_innovation")
    assert both.survey_se == pytest.approx(survey_only.survey_se)
    assert both.se == pytest.approx(0.5 * survey_only.se)  # expert_weight 0.5 of the value
    strategy = ws.score("r1").component("strategy_communication")
    for area in MODEL.by_id["strategy_communication"].areas:
        ws.rate("r1", area, 2)
    expert_only = ws.score("r1").component("strategy_communication")
    assert strategy.ci is None and expert_only.se == 0.0
    assert expert_only.ci == (expert_only.score, expert_only.score)


def test_two_roles_combine_with_their_weights_as_independent_samples(ws):
    teachers = complete_rows(9, STRATEGY, seed=4)
    rng = random.Random(5)
    leaders = [{"L01": rng.randint(1, 5), "L02": rng.randint(1, 5)} for _ in range(6)]
    add_teachers(ws, teachers)
    ws.add_survey_responses("r1", "leader", [Response(f"l{i}", r) for i, r in enumerate(leaders)])
    leader_items = [i.id for i in MODEL.items_of("leader", "strategy_communication")]
    assert set(leader_items) >= {"L01", "L02"}
    comp = ws.score("r1").component("strategy_communication")
    se_t = se_of_mean(respondent_means(teachers, STRATEGY))
    se_l = se_of_mean(
        [statistics.fmean((row[i] - 1) / 4 for i in ("L01", "L02")) for row in leaders]
    )
    assert comp.role_survey_se["teacher"] == pytest.approx(se_t)
    assert comp.role_survey_se["leader"] == pytest.approx(se_l)
    assert comp.survey_se == pytest.approx(math.hypot(0.6 * se_t, 0.4 * se_l))


def test_total_counts_the_covariance_of_components_answered_by_the_same_teachers(ws):
    # Teachers who rate everything high or everything low: components move together, so
    # the total's spread is far more than independent components would give.
    items = STRATEGY + CULTURE
    rng = random.Random(6)
    rows = []
    for _ in range(20):
        base = rng.choice((1, 2, 4, 5))
        rows.append({i: (6 - base if i == "T07" else base) for i in items})
    add_teachers(ws, rows)
    score = ws.score("r1")
    # The total is the mean of the two components' values: per teacher, the mean of their
    # two component means; its standard error is that of a plain mean.
    per_teacher = [
        (s + c) / 2
        for s, c in zip(
            respondent_means(rows, STRATEGY), respondent_means(rows, CULTURE), strict=True
        )
    ]
    assert score.total_se == pytest.approx(800 * se_of_mean(per_teacher))
    independent = math.hypot(*(c.se / 2 for c in score.components if c.se))
    assert score.total_se > 1.3 * independent
    assert score.to_json()["total_ci"] == [
        round(max(200, score.total - Z90 * score.total_se), 2),
        round(min(1000, score.total + Z90 * score.total_se), 2),
    ]


def test_missing_answers_use_each_pair_of_items_answered_together(ws):
    rows = [
        {"T01": 5, "T02": 4},
        {"T01": 3, "T03": 2},
        {"T02": 2, "T03": 5},
        {"T01": 4, "T02": 4, "T03": 3},
        {"T01": 1, "T02": 2, "T03": 1},
        {"T01": 2},
    ]
    add_teachers(ws, rows)
    comp = ws.score("r1").component("strategy_communication")

    def answers(item):
        return [r[item] for r in rows if item in r]

    variance = 0.0  # Var(mean of 3 item means) = Σⱼₖ nⱼₖ sⱼₖ / (nⱼ nₖ) / 9, on the 1–5 scale
    for j in STRATEGY:
        for k in STRATEGY:
            both = [(r[j], r[k]) for r in rows if j in r and k in r]
            cov = statistics.covariance(*zip(*both, strict=True)) if len(both) > 1 else 0.0
            variance += len(both) * cov / (len(answers(j)) * len(answers(k)))
    assert comp.role_survey_se["teacher"] == pytest.approx(math.sqrt(variance / 9) / 4)


def test_stored_aggregates_added_in_batches_equal_those_computed_at_once(ws):
    rows = complete_rows(30, [i.id for i in MODEL.instruments["teacher"].items], seed=7)
    ws.add_survey_responses(
        "r1", "teacher", [Response(f"a{i}", r) for i, r in enumerate(rows[:11])]
    )
    ws.add_survey_responses(
        "r1", "teacher", [Response(f"b{i}", r) for i, r in enumerate(rows[11:])]
    )
    stored = ws.score("r1")
    at_once = aggregate_responses(MODEL, [("teacher", r, None) for r in rows])
    assert stored.total_se is not None
    assert ws.survey_aggregates("r1").role("teacher").pairs == at_once.role("teacher").pairs
    again = compute(MODEL, ws.framework, {}, at_once, "planning", MODEL.benchmark)
    assert again.total_se == pytest.approx(stored.total_se)


def changed_round(ws, rows_before, rows_after):
    add_teachers(ws, rows_before, "r1")
    ws.add_round("r2", "year1")
    ws.add_survey_responses(
        "r2", "teacher", [Response(f"u{i}", row) for i, row in enumerate(rows_after)]
    )
    return ws.score("r1"), ws.score("r2")


def test_a_change_inside_its_interval_is_not_clear(ws):
    before = [{i: (1, 5)[k % 2] for i in STRATEGY} for k in range(6)]  # mean 3, wide spread
    after = [{i: (2, 5)[k % 2] for i in STRATEGY} for k in range(6)]  # mean 3.5
    first, second = changed_round(ws, before, after)
    change = change_of(first, second, "strategy_communication")
    assert change.delta != 0 and change.se == pytest.approx(
        math.hypot(first.component("strategy_communication").se, change.after_se)
    )
    low, high = change.interval
    assert low < 0 < high and change.clear is False
    assert total_change(first, second).clear is False


def test_a_change_beyond_its_interval_is_clear_and_expert_only_changes_are_exact(ws):
    before = [{"T01": 1 + i % 2, "T02": 2, "T03": 1} for i in range(30)]
    after = [{"T01": 4 + i % 2, "T02": 5, "T03": 4} for i in range(30)]
    first, second = changed_round(ws, before, after)
    assert change_of(first, second, "strategy_communication").clear is True
    ws.rate("r1", "devices_digital_tools", 2)
    ws.rate("r2", "devices_digital_tools", 3)
    ops = component_changes(ws.score("r1"), ws.score("r2"))
    moved = next(c for c in ops if c.key == "operations")
    assert moved.se == 0.0 and moved.clear is True
    ws.rate("r2", "devices_digital_tools", 2)
    same = change_of(ws.score("r1"), ws.score("r2"), "operations")
    assert same.delta == 0 and same.clear is False


def test_a_workspace_of_the_first_release_gains_intervals_from_its_stored_responses(tmp_path):
    import shutil
    from pathlib import Path

    from onpoint_desktop.workspace import Workspace

    path = tmp_path / "old.onpoint.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "workspace-format-1.onpoint.db", path)
    with Workspace.open(path) as ws:
        rounds = [r.id for r in ws.rounds()]
        scores = [ws.score(r) for r in rounds]
        rebuilt = {r: ws.survey_aggregates(r).role("teacher").pairs for r in rounds}
        with ws.transaction():
            from onpoint_desktop.workspace.responses import rebuild_aggregates

            for r in rounds:
                rebuild_aggregates(ws.conn, r, ws.models.get(ws.get_round(r).model_id))
        ws._aggregates.clear()
        assert {r: ws.survey_aggregates(r).role("teacher").pairs for r in rounds} == rebuilt
    assert all(s.total_ci is not None for s in scores if s.total is not None)
    assert any(c.se for s in scores for c in s.components)


def test_the_report_says_a_change_within_its_interval_is_within_the_margin_of_error():
    from onpoint_desktop.progress import Change
    from onpoint_desktop.report.synthesis import certainty

    unclear = Change("total", "Onpoint score", 600, 612, False, False, 8.0, 6.0)
    assert unclear.interval == pytest.approx((12 - Z90 * 10, 12 + Z90 * 10))
    assert certainty(unclear) == (
        "It is within the margin of error (90% interval of the change −4 to +28 points): "
        "other respondents could have given no change at all."
    )
    clear = Change("total", "Onpoint score", 600, 640, False, False, 8.0, 6.0)
    assert certainty(clear, short=True) == (
        "a clear change; 90% interval of the change +24 to +56 points"
    )
    unknown = Change("total", "Onpoint score", 600, 640, False, False, None, 6.0)
    assert not unknown.clear and certainty(unknown) == ""

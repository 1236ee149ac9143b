"""Per-school survey sub-scores: small groups hidden, and not recoverable by subtraction."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from onpoint_desktop.breakdown import NO_SCHOOL, suppress
from onpoint_desktop.cli import main
from onpoint_desktop.scoring import SurveyAggregates, role_subscore
from onpoint_desktop.workspace import Response
from onpoint_desktop.workspace import responses as resp_store

MIN_N = 5


def add_teachers(ws, school_sizes: dict[str | None, int], round_id="r1"):
    """Respondents answering every teacher item; each school answers differently."""
    items = ws.current_model.instruments["teacher"].item_ids
    responses = []
    for s, (school, size) in enumerate(school_sizes.items()):
        for k in range(size):
            value = 1 + (s + k) % 5
            responses.append(Response(f"{school}-{k}", {i: value for i in items}, school=school))
    ws.add_survey_responses(round_id, "teacher", responses)


@given(
    st.dictionaries(st.sampled_from("ABCDEFG") | st.just(NO_SCHOOL), st.integers(0, 12), min_size=1)
)
def test_hidden_cells_are_never_alone_or_too_small(cells):
    hidden = suppress(cells, MIN_N)
    small = {c for c, n in cells.items() if 0 < n < MIN_N}
    assert small <= hidden
    if not small:
        assert hidden == set()
        return
    everyone = {c for c, n in cells.items() if n > 0}
    if hidden != everyone:
        assert sum(cells[c] for c in hidden) >= MIN_N
        assert len(hidden) >= 2


def test_a_small_school_is_hidden_with_a_complement(ws):
    add_teachers(ws, {"Tiny": 3, "Mid": 8, "Big": 12})
    breakdown = ws.school_breakdown("r1")
    comp = ws.current_model.components[0].id
    assert breakdown.of("Tiny", comp).cells["teacher"].hidden
    assert breakdown.of("Mid", comp).cells["teacher"].hidden  # else Tiny = district − others
    assert breakdown.of("Big", comp).survey is not None
    assert breakdown.respondents["Tiny"]["teacher"] is None
    assert breakdown.respondents["Big"]["teacher"] == 12


def test_the_district_value_minus_shown_schools_never_isolates_a_small_school(ws):
    """The attack: take the district item sums, subtract what the shown schools' values
    and counts give away, and see whose answers remain."""
    add_teachers(ws, {"Tiny": 2, "Mid": 6, "Big": 9, None: 0})
    breakdown = ws.school_breakdown("r1")
    district = ws.survey_aggregates("r1")
    for comp in ws.current_model.component_ids:
        shown = [s for s in breakdown.schools if not breakdown.of(s, comp).cells["teacher"].hidden]
        remaining = district.role("teacher").component_n.get(comp, 0) - sum(
            breakdown.of(s, comp).cells["teacher"].n for s in shown
        )
        hidden = [s for s in breakdown.schools if s not in shown]
        assert "Tiny" in hidden
        assert remaining >= MIN_N and len(hidden) >= 2


def test_respondents_without_a_school_count_in_the_rule(ws):
    add_teachers(ws, {"North": 10, "South": 10, None: 2})
    breakdown = ws.school_breakdown("r1")
    comp = ws.current_model.components[0].id
    # The two without a school would be district − North − South: one school must go.
    hidden = [s for s in ("North", "South") if breakdown.of(s, comp).cells["teacher"].hidden]
    assert len(hidden) == 1


def test_schools_large_enough_are_all_shown_and_exact(ws):
    add_teachers(ws, {"North": 6, "South": 7})
    breakdown = ws.school_breakdown("r1")
    comp = ws.current_model.components[0].id
    agg = resp_store.load_aggregates(ws.conn, "r1", "North")
    expected, n = role_subscore(ws.current_model, "teacher", agg.role("teacher"), comp)
    cell = breakdown.of("North", comp).cells["teacher"]
    assert (cell.value, cell.n, cell.hidden) == (expected, n, False)
    assert breakdown.of("North", comp).score == ws.current_model.to_score(expected)
    assert SurveyAggregates().respondents("teacher") == 0


def test_score_by_school_prints_a_table(ws, capsys):
    add_teachers(ws, {"Adams Elementary": 3, "Baker Middle": 8, "Carver High": 12})
    ws.close()
    assert main(["score", str(ws.path), "--by-school"]) == 0
    out = capsys.readouterr().out
    assert "Adams Elementary" in out and "Carver High" in out
    assert "hidden" in out
    rows = [line for line in out.splitlines() if line.startswith("Respondents (teachers)")]
    assert rows and "12" in rows[0] and " 3" not in rows[0]

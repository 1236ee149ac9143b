"""Visit evidence (SPEC §12): classroom walkthroughs, the district's own ratings and the
conditions for scale are recorded, summarised and shown; none of it moves the score."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_support import run

from onpoint_desktop.errors import InputError, ResourceError
from onpoint_desktop.evidence.instruments import (
    conditions_instrument,
    parse_conditions,
    parse_walkthrough,
    walkthrough_instrument,
)
from onpoint_desktop.evidence.profiles import OTHER_SCHOOLS, largest_gaps
from onpoint_desktop.resources import read_json, resources_dir
from onpoint_desktop.workspace import Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEVELS = {"student_ownership": 2, "data_driven": 1, "targeted": 3, "flexible_content": 2}


def observe(ws, school, round_id="r1", **levels):
    return ws.add_walkthrough(
        round_id,
        school=school,
        grade_band="3-5",
        subject="Math",
        levels={**LEVELS, **levels},
        observed_on="2025-03-14",
    )


# --- the instruments are published data, checked on load ------------------------------------


def test_the_shipped_instruments_name_the_core_four_and_the_ten_conditions():
    walk = walkthrough_instrument()
    assert [e.option for e in walk.elements] == [
        "student-ownership",
        "data-driven",
        "targeted",
        "flexible-content",
    ]
    assert [label for _, label in walk.levels] == [
        "Not observed",
        "Beginning",
        "Developing",
        "Strong",
    ]
    informs = {e.id: set(e.components) for e in walk.elements}
    assert informs["data_driven"] == {"data_culture"}
    assert (
        informs["targeted"]
        == informs["flexible_content"]
        == {
            "instructional_design",
            "curriculum_content",
        }
    )
    assert informs["student_ownership"] == {"instructional_design"}
    conditions = conditions_instrument()
    assert len(conditions.conditions) == 10
    assert [s.label for s in conditions.states] == ["Not in place", "Partially", "In place"]
    assert [a.label for a in conditions.readiness_areas] == [
        "Future focus",
        "Supportive environment",
        "Open doors",
    ]


def _walkthrough_doc():
    return read_json(resources_dir() / "evidence/walkthrough-core-four-1.json")


def _conditions_doc():
    return read_json(resources_dir() / "evidence/conditions-for-scale-1.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["elements"][1].update(components=["data_kulture"]), "elements[1].components"),
        (lambda d: d["levels"].pop(0), "levels"),
        (lambda d: d["elements"][2].update(id="data_driven"), "repeats 'data_driven'"),
        (lambda d: d.update(format="onpoint-walkthrough/9"), "format"),
        (lambda d: d.update(model="no-such-model"), "'model'"),
    ],
)
def test_a_broken_walkthrough_file_is_refused_naming_the_key(change, message):
    doc = _walkthrough_doc()
    change(doc)
    with pytest.raises(ResourceError, match=r"walk\.json") as error:
        parse_walkthrough(doc, "walk.json")
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["conditions"][3].update(readiness="open_windows"), "conditions[3].readiness"),
        (lambda d: d["conditions"][0].update(components=[]), "conditions[0].components"),
        (lambda d: d["states"].reverse(), "lowest value first"),
        (lambda d: d["states"][0].update(value=2), "states[0].value"),
    ],
)
def test_a_broken_conditions_file_is_refused_naming_the_key(change, message):
    doc = _conditions_doc()
    change(doc)
    with pytest.raises(ResourceError, match=r"cond\.json") as error:
        parse_conditions(doc, "cond.json")
    assert message in str(error.value)


# --- walkthroughs -------------------------------------------------------------------------


def test_a_walkthrough_is_recorded_and_read_back(ws):
    w = observe(ws, "Lincoln Elementary")
    (back,) = ws.walkthroughs("r1")
    assert back == w
    assert back.levels == LEVELS and back.observed_on == "2025-03-14"
    assert back.observer == "Test Consultant"


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"targeted": 4}, "Targeted instruction must be a level 0–3"),
        ({"targeted": True}, "Targeted instruction must be a level 0–3"),
        ({"teacher_name": 1}, "Unknown walkthrough element 'teacher_name'"),
    ],
)
def test_a_wrong_walkthrough_is_refused_and_nothing_is_written(ws, levels, message):
    with pytest.raises(InputError, match=message):
        observe(ws, "Lincoln Elementary", **levels)
    assert ws.walkthroughs("r1") == []


def test_every_element_must_be_rated(ws):
    with pytest.raises(InputError, match="--flexible-content"):
        ws.add_walkthrough(
            "r1",
            school="A",
            grade_band="3-5",
            subject="Math",
            levels={k: v for k, v in LEVELS.items() if k != "flexible_content"},
        )


def test_the_profile_counts_classrooms_per_level_overall_and_per_school(ws):
    for level in (0, 1, 1, 2, 3, 3):
        observe(ws, "Lincoln Elementary", targeted=level)
    for _ in range(5):
        observe(ws, "Oak Middle", targeted=2)
    profile = ws.walkthrough_profile("r1")
    assert profile.overall.n == 11
    assert profile.overall.element("targeted").counts == (1, 2, 6, 2)
    lincoln, oak = profile.schools
    assert (lincoln.label, lincoln.n) == ("Lincoln Elementary", 6)
    assert lincoln.element("targeted").counts == (1, 2, 1, 2)
    assert lincoln.element("targeted").shares[3] == pytest.approx(2 / 6)
    assert oak.element("targeted").counts == (0, 0, 5, 0)
    assert profile.hidden == 0


def test_schools_under_min_n_are_merged_or_hidden_never_shown_alone(ws):
    for _ in range(5):
        observe(ws, "Lincoln Elementary")
    for school in ("Oak Middle", "Oak Middle", "Pine High", "Pine High", "Elm"):
        observe(ws, school)
    profile = ws.walkthrough_profile("r1")
    assert [s.label for s in profile.schools] == ["Lincoln Elementary", OTHER_SCHOOLS]
    assert profile.schools[1].n == 5 and len(profile.schools[1].merged) == 3
    # Two small schools of three classrooms together: still too few, so hidden.
    other = Workspace.create(ws.path.with_name("other.db"), "Other")
    other.add_round("r1", "planning")
    for school in ("Oak Middle", "Oak Middle", "Pine High"):
        observe(other, school)
    small = other.walkthrough_profile("r1")
    assert small.schools == () and small.hidden == 3 and small.overall.n == 3
    other.close()


def test_walkthroughs_never_change_the_score(ws):
    ws.rate("r1", "pl_vision_alignment", 3)
    before = ws.score("r1").to_json()
    for level in range(4):
        observe(ws, "Lincoln Elementary", data_driven=level, targeted=level)
    assert ws.score("r1").to_json() == before


# --- the district's own view --------------------------------------------------------------


def test_district_ratings_never_enter_the_expert_sub_score(ws):
    ws.rate("r1", "pl_vision_alignment", 2)
    ws.rate("r1", "culture_of_innovation", 3)
    before = ws.score("r1").to_json()
    ws.rate("r1", "pl_vision_alignment", 4, perspective="district")
    ws.rate("r1", "it_support_plan", 1, perspective="district")
    assert ws.score("r1").to_json() == before
    assert ws.levels("r1") == {"pl_vision_alignment": 2, "culture_of_innovation": 3}
    assert ws.levels("r1", "district") == {"pl_vision_alignment": 4, "it_support_plan": 1}
    assert [e.level for e in ws.history("r1", "pl_vision_alignment")] == [2]
    assert ws.board("r1", "district")["pl_vision_alignment"].perspective == "district"


def test_an_unknown_perspective_is_refused(ws):
    with pytest.raises(InputError, match="expert or district"):
        ws.rate("r1", "pl_vision_alignment", 2, perspective="parent")


def test_the_gap_view_names_the_largest_gaps(ws):
    ws.rate("r1", "pl_vision_alignment", 1)
    ws.rate("r1", "pl_vision_alignment", 4, perspective="district")
    ws.rate("r1", "it_support_plan", 3)
    ws.rate("r1", "it_support_plan", 2, perspective="district")
    ws.rate("r1", "culture_of_innovation", 2)
    ws.rate("r1", "culture_of_innovation", 2, perspective="district")
    gaps = {g.area: g for g in ws.perspective_gaps("r1")}
    assert len(gaps) == 26
    assert gaps["pl_vision_alignment"].gap == 3
    assert gaps["it_support_plan"].gap == -1
    assert gaps["culture_of_innovation"].gap == 0
    assert gaps["multi_year_roadmap"].gap is None
    assert [g.area for g in largest_gaps(gaps.values())] == [
        "pl_vision_alignment",
        "it_support_plan",
    ]


def test_a_release_1_workspace_keeps_its_ratings_as_the_experts(tmp_path):
    path = tmp_path / "old.onpoint.db"
    shutil.copy(FIXTURES / "workspace-format-1.onpoint.db", path)
    with Workspace.open(path) as ws:
        assert len(ws.levels("2024-25")) == 26
        assert ws.levels("2024-25", "district") == {}
        assert ws.walkthroughs("2024-25") == [] and ws.conditions("2024-25") == {}


# --- conditions for scale -----------------------------------------------------------------


def test_conditions_are_rated_latest_wins_and_readiness_follows(ws):
    ws.rate_condition("r1", "curriculum", "partially", "Reviewed in 2019")
    ws.rate_condition("r1", "curriculum", "in_place")
    ws.rate_condition("r1", "assessment", "not_in_place")
    ws.rate_condition("r1", "partnerships", "in_place")
    ws.rate_condition("r1", "partnerships", None)  # cleared
    current = ws.conditions("r1")
    assert {c: e.state for c, e in current.items()} == {
        "curriculum": "in_place",
        "assessment": "not_in_place",
    }
    readiness = {r.area: r for r in ws.readiness("r1")}
    future = readiness["future_focus"]
    assert future.rated == 2 and future.value == pytest.approx(0.5)
    assert readiness["open_doors"].rated == 0 and readiness["open_doors"].value is None


def test_a_wrong_condition_or_state_is_refused(ws):
    with pytest.raises(InputError, match="Unknown condition 'curiculum'"):
        ws.rate_condition("r1", "curiculum", "in_place")
    with pytest.raises(InputError, match="not_in_place / partially / in_place"):
        ws.rate_condition("r1", "curriculum", "yes")
    assert ws.conditions("r1") == {}


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "d.onpoint.db"
    assert run(capsys, "init", path, "--district", "Test")[0] == 0
    assert run(capsys, "round", "add", path, "r1", "--stage", "year1")[0] == 0
    return path


def test_cli_walkthrough_add_list_and_summary(db, capsys):
    for school in ["Lincoln"] * 5 + ["Oak"]:
        code, out, err = run(
            capsys, "walkthrough", "add", db, "--round", "r1", "--school", school,
            "--grade-band", "3-5", "--subject", "Math", "--student-ownership", 2,
            "--data-driven", 1, "--targeted", 3, "--flexible-content", 2, "--note", "stations",
        )  # fmt: skip
        assert code == 0, err
    assert "Round r1 has 6 observed classrooms" in out
    code, out, _ = run(capsys, "walkthrough", "list", db, "--json")
    rows = json.loads(out)
    assert len(rows) == 6 and rows[0]["levels"]["targeted"] == 3
    assert not any("teacher" in key for row in rows for key in row)
    code, out, _ = run(capsys, "walkthrough", "summary", db, "--json")
    summary = json.loads(out)
    assert summary["overall"]["n"] == 6
    assert summary["overall"]["elements"]["data_driven"]["counts"] == [0, 6, 0, 0]
    assert [s["label"] for s in summary["schools"]] == ["Lincoln"]
    assert summary["hidden_classrooms"] == 1
    code, out, _ = run(capsys, "walkthrough", "summary", db)
    assert "Lincoln (n = 5)" in out and "Oak" not in out
    assert "Data Culture" in out  # the component the element informs


def test_cli_walkthrough_refuses_a_bad_level_with_a_sentence(db, capsys):
    code, _, err = run(
        capsys, "walkthrough", "add", db, "--round", "r1", "--school", "A", "--grade-band",
        "3-5", "--subject", "Math", "--student-ownership", "two", "--data-driven", 1,
        "--targeted", 3, "--flexible-content", 2,
    )  # fmt: skip
    assert code == 1 and "--student-ownership must be a whole number 0–3" in err


def test_cli_district_perspective_and_gap(db, capsys):
    run(capsys, "rate", db, "--round", "r1", "pl_vision_alignment", 2)
    code, out, _ = run(capsys, "score", db, "--json")
    before = json.loads(out)
    code, out, _ = run(
        capsys, "rate", db, "--round", "r1", "pl_vision_alignment", 4, "--perspective", "district"
    )
    assert code == 0 and "district's own view" in out
    code, out, _ = run(capsys, "score", db, "--json")
    assert json.loads(out) == before
    code, out, _ = run(capsys, "board", db, "--gap", "--json")
    gap = json.loads(out)
    (row,) = [a for a in gap["areas"] if a["area"] == "pl_vision_alignment"]
    assert row == {"area": "pl_vision_alignment", "expert": 2, "district": 4, "gap": 2}
    assert gap["largest_gaps"] == ["pl_vision_alignment"]
    code, out, _ = run(capsys, "board", db, "--gap")
    assert "Largest gaps (district minus expert): PL Vision Alignment (+2)" in out
    code, out, _ = run(capsys, "board", db, "--perspective", "district")
    assert "district's own view" in out and "Established" in out


def test_cli_conditions_list_rate_and_show(db, capsys):
    code, out, _ = run(capsys, "conditions", "list")
    assert code == 0 and out.count("readiness:") == 10
    code, out, _ = run(
        capsys, "conditions", "rate", db, "--round", "r1", "technology_access", "partially",
        "--note", "Wi-Fi in two of five buildings",
    )  # fmt: skip
    assert code == 0 and "Partially" in out
    code, out, _ = run(capsys, "conditions", "show", db, "--json")
    data = json.loads(out)
    (tech,) = [c for c in data["conditions"] if c["id"] == "technology_access"]
    assert tech["state"] == "partially" and tech["note"] == "Wi-Fi in two of five buildings"
    assert tech["components"] == ["operations"]
    code, _, err = run(capsys, "conditions", "rate", db, "--round", "r1", "curriculum", "maybe")
    assert code == 1 and "not 'maybe'" in err


def test_a_damaged_evidence_file_stops_only_its_own_commands(tmp_path, monkeypatch, capsys):
    """A broken walkthrough file is named when its command runs; other commands work."""
    import onpoint_desktop.evidence.instruments as instruments

    target = tmp_path / "resources"
    shutil.copytree(resources_dir(), target)
    (target / "evidence/walkthrough-core-four-1.json").write_text("{")
    monkeypatch.setenv("ONPOINT_RESOURCES", str(target))
    instruments.walkthrough_instrument.cache_clear()
    try:
        code, out, _ = run(capsys, "areas")
        assert code == 0 and "pl_vision_alignment" in out
        code, _, err = run(capsys, "walkthrough", "list", tmp_path / "x.db")
        assert code == 1 and "walkthrough-core-four-1.json is not valid JSON" in err
        with pytest.raises(SystemExit):  # a usage error: every module was registered
            run(capsys, "no-such-command")
        assert "invalid choice" in capsys.readouterr().err
    finally:
        instruments.walkthrough_instrument.cache_clear()

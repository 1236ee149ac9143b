"""Scoring models are data (SPEC §10): each round is scored with the model it records."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from model_support import (
    COMPONENTS,
    ONPOINT_1_TOTAL,
    PILOT_2,
    ROUND,
    STAGE,
    TOTAL,
    fill_round,
    pilot_documents,
)

from onpoint_desktop.errors import InputError, ResourceError
from onpoint_desktop.framework import ModelDocuments
from onpoint_desktop.model_catalogue import ModelCatalogue, read_model_folder, shipped_model
from onpoint_desktop.workspace import Response, Workspace


@pytest.fixture
def pilot_ws(tmp_path):
    """A workspace with pilot-2 installed and current, and one round scored with it."""
    ws = Workspace.create(tmp_path / "pilot.onpoint.db", "Pilot District")
    ws.install_model(pilot_documents(), published_by="test")
    ws.set_current_model("pilot-2")
    ws.add_round(ROUND, STAGE)
    yield ws
    ws.close()


def test_a_new_round_takes_the_workspaces_current_model(tmp_path):
    # Issue 12: a valid copy of onpoint-1 with other weights validated, but a new
    # workspace still scored with onpoint-1.
    with Workspace.create(tmp_path / "w.onpoint.db", "W") as ws:
        ws.add_round("before", "planning")
        ws.install_model(pilot_documents(), published_by="test")
        ws.set_current_model("pilot-2")
        ws.add_round("after", "planning")
        assert ws.get_round("before").model_id == "onpoint-1"
        assert ws.get_round("after").model_id == "pilot-2"
        assert ws.score("after").model.id == "pilot-2"
        assert ws.score("before").model.id == "onpoint-1"


def test_the_hand_computed_round_scores_exactly(pilot_ws):
    fill_round(pilot_ws)
    score = pilot_ws.score(ROUND)
    assert score.model.id == "pilot-2"
    assert score.total == pytest.approx(TOTAL, abs=1e-9)
    for component_id, (name, value, expert, survey, band) in COMPONENTS.items():
        c = score.component(component_id)
        assert (c.name, c.band) == (name, band)
        assert c.score == pytest.approx(value, abs=1e-9) if value else c.score is None
        assert c.expert == pytest.approx(expert) if expert is not None else c.expert is None
        assert c.survey == pytest.approx(survey) if survey is not None else c.survey is None
    assert score.strengths == ("culture_of_innovation",)
    assert score.focus_areas == ("strategy_communication", "infrastructure")
    assert score.total_band == "above"


def test_a_round_is_scored_with_its_stored_model_after_reopening(pilot_ws):
    # Issue 12: a workspace whose stored model said onpoint-2 was still scored with onpoint-1.
    fill_round(pilot_ws)
    path = pilot_ws.path
    pilot_ws.close()
    with Workspace.open(path) as ws:
        assert ws.score(ROUND).model.id == "pilot-2"
        assert ws.score(ROUND).total == pytest.approx(TOTAL)


def test_benchmark_and_recommendations_follow_the_rounds_model(pilot_ws):
    fill_round(pilot_ws)
    score = pilot_ws.score(ROUND)
    assert score.benchmark.label == "Pilot-2 illustrative benchmark"  # said once
    assert score.benchmark.model_id == "pilot-2"
    from onpoint_desktop.scoring import recommendations_for

    found = recommendations_for(score)
    assert [(c, r.title) for c, r in found["strengths"]] == [
        ("culture_of_innovation", "Pilot-2: Share what works in Culture of Innovation")
    ]
    assert [r.title for _, r in found["focus_areas"]] == [
        "Pilot-2: Catch up on Strategy Communication",
        "Pilot-2: Keep building Infrastructure & Operations",
    ]


def test_set_model_rescores_the_round_and_rebuilds_its_aggregates(pilot_ws):
    fill_round(pilot_ws)
    pilot_ws.add_round("other", STAGE)
    fill_round(pilot_ws, "other")
    after = pilot_ws.set_round_model(ROUND, "onpoint-1")
    assert after.model.id == "onpoint-1"
    assert after.total == pytest.approx(ONPOINT_1_TOTAL)
    counts = dict(
        pilot_ws.conn.execute(
            "SELECT component_id, n FROM survey_component_counts "
            "WHERE round_id = ? AND role = 'teacher' AND school = ''",
            (ROUND,),
        ).fetchall()
    )
    assert "operations" in counts and "infrastructure" not in counts
    assert pilot_ws.score("other").total == pytest.approx(TOTAL)  # the other round is left
    back = pilot_ws.set_round_model(ROUND, "pilot-2")
    assert back.total == pytest.approx(TOTAL)


def test_set_model_to_a_model_not_installed_changes_nothing(pilot_ws):
    fill_round(pilot_ws)
    with pytest.raises(InputError, match="'onpoint-7' is not installed"):
        pilot_ws.set_round_model(ROUND, "onpoint-7")
    assert pilot_ws.get_round(ROUND).model_id == "pilot-2"


def test_model_list_names_origin_rounds_and_current(pilot_ws):
    models = {m.id: m for m in pilot_ws.installed_models()}
    assert models["pilot-2"].origin == "pack" and models["pilot-2"].current
    assert models["pilot-2"].rounds == (ROUND,)
    assert models["onpoint-1"].origin == "shipped" and not models["onpoint-1"].current


def test_an_installed_model_id_never_changes_content(pilot_ws, tmp_path):
    folder = tmp_path / "changed"
    shutil.copytree(PILOT_2, folder)
    path = folder / "models" / "pilot-2.json"
    doc = json.loads(path.read_text())
    doc["min_n"] = 4
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="other content"):
        pilot_ws.install_model(read_model_folder(folder, "pilot-2"), published_by="test")
    _, new = pilot_ws.install_model(pilot_documents(), published_by="test")
    assert new is False
    assert pilot_ws.round_model(ROUND).min_n == 3


def test_a_shipped_id_with_other_content_is_refused(tmp_path, pilot_ws):
    folder = tmp_path / "fake"
    shutil.copytree(PILOT_2, folder)
    doc = json.loads((folder / "models" / "pilot-2.json").read_text())
    doc["id"] = "onpoint-1"
    (folder / "models" / "onpoint-1.json").write_text(json.dumps(doc))
    bench = json.loads((folder / "benchmarks" / "pilot-2-illustrative.json").read_text())
    bench["model"] = "onpoint-1"
    (folder / "benchmarks" / "pilot-2-illustrative.json").write_text(json.dumps(bench))
    with pytest.raises(ResourceError, match="a published model never changes"):
        pilot_ws.install_model(read_model_folder(folder, "onpoint-1"), published_by="test")


def test_loading_a_model_needs_its_id():
    with pytest.raises(TypeError):
        shipped_model()  # type: ignore[call-arg]
    with pytest.raises(ResourceError, match="'pilot-2' is not installed here"):
        ModelCatalogue().get("pilot-2")


def test_roles_come_from_the_models_instruments(tmp_path):
    # The schema of release 1 allowed only teacher and leader (CHECK constraints).
    folder = tmp_path / "three-roles"
    shutil.copytree(PILOT_2, folder)
    student = json.loads((folder / "instruments" / "leader-p2.json").read_text())
    student.update(id="student-p2", role="student", label="Student survey")
    for item in student["items"]:
        item["id"] = "S" + item["id"][1:]
    (folder / "instruments" / "student-p2.json").write_text(json.dumps(student))
    model = json.loads((folder / "models" / "pilot-2.json").read_text())
    model.update(id="pilot-3", instruments=[*model["instruments"], "student-p2"])
    model["role_weights"]["student"] = 1
    (folder / "models" / "pilot-3.json").write_text(json.dumps(model))
    bench = json.loads((folder / "benchmarks" / "pilot-2-illustrative.json").read_text())
    bench["model"] = "pilot-3"
    model["benchmark"] = "pilot-3-illustrative"
    (folder / "models" / "pilot-3.json").write_text(json.dumps(model))
    (folder / "benchmarks" / "pilot-3-illustrative.json").write_text(json.dumps(bench))
    with Workspace.create(tmp_path / "w.onpoint.db", "W") as ws:
        ws.install_model(read_model_folder(folder, "pilot-3"), published_by="test")
        ws.set_current_model("pilot-3")
        ws.add_round("r1", "year1")
        students = [Response(f"s{i}", {"S03": 5, "S04": 5}) for i in range(3)]
        assert ws.add_survey_responses("r1", "student", students) == 3
        culture = ws.score("r1").component("culture_of_innovation")
        assert culture.role_n == {"teacher": 0, "leader": 0, "student": 3}
        assert culture.survey == pytest.approx(1.0)
        with pytest.raises(InputError, match="Unknown role 'parent'"):
            ws.add_survey_responses("r1", "parent", students)


def test_a_model_file_names_every_part_or_is_refused(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(PILOT_2, folder)
    path = folder / "models" / "pilot-2.json"
    doc = json.loads(path.read_text())
    doc["role_weights"] = {"teacher": 1}
    path.write_text(json.dumps(doc))
    with pytest.raises(ResourceError, match=r"role_weights.*teacher, leader"):
        ModelCatalogue(lambda _id: read_model_folder(folder, "pilot-2")).get("pilot-2")
    doc["instruments"] = ["../../etc/passwd"]
    path.write_text(json.dumps(doc))
    with pytest.raises(ResourceError, match="plain ids"):
        read_model_folder(folder, "pilot-2")


def test_documents_missing_from_a_model_are_named():
    docs = pilot_documents()
    partial = ModelDocuments(
        "pilot-2",
        {p: d for p, d in docs.documents.items() if not p.startswith("benchmarks/")},
        "a pack",
    )
    with pytest.raises(ResourceError, match=r"a pack: benchmarks/pilot-2-illustrative\.json"):
        ModelCatalogue(lambda _id: partial).get("pilot-2")


def test_an_old_workspace_keeps_its_rounds_on_onpoint_1_after_a_backup(tmp_path):
    from test_old_files import FIXTURES, V1_TOTALS, WORKSPACE_V1

    path = tmp_path / WORKSPACE_V1
    shutil.copy(FIXTURES / WORKSPACE_V1, path)
    with Workspace.open(path) as ws:
        assert {r.model_id for r in ws.rounds()} == {"onpoint-1"}
        assert ws.current_model_id == "onpoint-1"
        assert ws.score("2024-25").total == pytest.approx(V1_TOTALS["2024-25"], abs=1e-3)
    backups = list(tmp_path.rglob("*before-migration-v1*"))
    assert backups, "the file is backed up before it is migrated"
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone() == (1,)


def test_an_old_hq_store_and_bundle_name_onpoint_1_for_their_rounds(tmp_path):
    from test_old_files import BUNDLE_V1, FIXTURES, HQ_V1

    from onpoint_desktop.sync import open_bundle
    from onpoint_desktop.sync.hq_overview import overview
    from onpoint_desktop.sync.hq_store import HQStore

    for name in (HQ_V1, HQ_V1 + ".private-key.pem"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    with HQStore.open(tmp_path / HQ_V1) as hq:
        (district,) = overview(hq)["districts"]
        assert {r["model"] for r in district["rounds"]} == {"onpoint-1"}
        bundle = open_bundle(FIXTURES / BUNDLE_V1, hq_private_key=hq.private_key())
        assert "model" not in json.loads(_rounds_entry(FIXTURES / BUNDLE_V1, hq))[0]
    assert {r["model"] for r in bundle.content.rounds} == {"onpoint-1"}


def _rounds_entry(path, hq) -> bytes:
    """rounds.json as the release-1 bundle carries it (decrypted with the HQ key)."""
    import io
    import zipfile

    from onpoint_desktop.sync import envelope

    payload = envelope.open_sealed(path.read_bytes(), hq.private_key(), str(path))
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return archive.read("rounds.json")


def test_the_report_calls_provisional_what_the_core_does(ws):
    """One meaning of provisional (ComponentScore.provisional): a component with both
    parts whose teachers were too few to use is provisional in the report too."""
    from onpoint_desktop.report.content import gather
    from onpoint_desktop.report.wording import provisional_sentence

    ws.rate("r1", "culture_of_innovation", 3)
    ws.add_survey_responses("r1", "leader", [Response(f"l{i}", {"L03": 4}) for i in range(5)])
    ws.add_survey_responses("r1", "teacher", [Response(f"t{i}", {"T04": 2}) for i in range(2)])
    culture = ws.score("r1").component("culture_of_innovation")
    assert culture.status == "complete" and culture.provisional
    sentence = provisional_sentence(gather(ws, "r1"))
    assert "Culture of Innovation without a role that had too few respondents" in sentence

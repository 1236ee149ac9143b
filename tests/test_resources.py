"""Resources are data: they match the spec, and a malformed one is a clear error."""

from __future__ import annotations

import json
import shutil

import pytest

from onpoint_desktop import benchmark, framework, model_catalogue
from onpoint_desktop.errors import ResourceError
from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.resources import resources_dir

SPEC_MEDIANS = {
    "strategy_communication": (440, 655, 700, 750),
    "culture_of_innovation": (520, 600, 660, 655),
    "instructional_design": (470, 570, 620, 690),
    "curriculum_content": (500, 560, 620, 700),
    "data_culture": (480, 540, 600, 690),
    "professional_learning": (510, 590, 640, 710),
    "operations": (560, 600, 640, 700),
    "total": (497, 588, 640, 699),
}
SPEC_DISTRICTS = (38, 34, 26, 17)
STAGES = ("planning", "year1", "year2", "year3")


def test_framework_has_the_26_areas_in_five_columns_and_a_data_row():
    fw = framework.framework()
    assert len(fw.areas) == 26
    assert [c.id for c in fw.categories[:5]] == [
        "strategy",
        "design",
        "curriculum_instruction",
        "support",
        "operations",
    ]
    assert all(len(c.areas) == 5 for c in fw.categories[:5])
    assert [a.id for a in fw.categories[5].areas] == ["data_analysis_monitoring"]
    assert [lv.label for lv in fw.levels] == [
        "Not started",
        "Emerging",
        "Developing",
        "Established",
    ]
    assert fw.stage_ids == STAGES


def test_model_matches_spec():
    model = shipped_model("onpoint-1")
    assert model.id == "onpoint-1"
    assert model.roles == ("teacher", "leader")
    assert (model.expert_weight, model.min_n) == (0.5, 5)
    assert model.role_weights == {"teacher": 0.6, "leader": 0.4}
    assert len(model.components) == 7
    assert len(model.by_id["strategy_communication"].areas) == 6
    assert len(model.instruments["teacher"].items) == 23
    assert len(model.instruments["leader"].items) == 14
    assert [i.id for i in model.instruments["teacher"].items if i.reverse] == ["T07"]
    every_area = {a for c in model.components for a in c.areas}
    assert len(every_area) == 26


def test_default_benchmark_is_the_spec_table_and_illustrative():
    bm = shipped_model("onpoint-1").benchmark
    assert bm.illustrative and "illustrative" in bm.label
    assert (bm.id, bm.version, bm.model_id) == ("illustrative-default", 1, "onpoint-1")
    for k, stage in enumerate(STAGES):
        sb = bm.stages[stage]
        assert sb.n_districts == SPEC_DISTRICTS[k]
        for key, medians in SPEC_MEDIANS.items():
            pct = bm.percentiles(stage, key)
            assert (pct.p25, pct.p50, pct.p75) == (medians[k] - 60, medians[k], medians[k] + 55)


def test_every_component_and_band_has_a_recommendation():
    model = shipped_model("onpoint-1")
    library = model.recommendations
    for component in model.component_ids:
        for band in benchmark.BANDS:
            for stage in STAGES:
                rec = library.lookup(component, band, stage)
                assert rec is not None and len(rec.text) > 100


def test_stage_specific_recommendations_win():
    library = shipped_model("onpoint-1").recommendations
    planning = library.lookup("strategy_communication", "below", "planning")
    assert planning.stage == "planning"
    generic = library.lookup("strategy_communication", "below", "year3")
    assert generic.stage in ("year3", "*")


@pytest.fixture
def resource_copy(tmp_path, monkeypatch):
    """A private copy of resources/ that a test may break; caches cleared around it."""
    target = tmp_path / "resources"
    shutil.copytree(resources_dir(), target)
    monkeypatch.setenv("ONPOINT_RESOURCES", str(target))
    cached = (framework.framework, model_catalogue.shipped_documents, shipped_model)
    for function in cached:
        function.cache_clear()
    yield target
    for function in cached:
        function.cache_clear()


def _edit(path, change):
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def test_malformed_model_names_file_and_key(resource_copy):
    path = resource_copy / "models" / "onpoint-1.json"
    _edit(path, lambda d: d["components"][2].update(areas=["no_such_area"]))
    with pytest.raises(ResourceError) as exc:
        shipped_model("onpoint-1")
    assert str(path) in str(exc.value)
    assert "components[2].areas" in str(exc.value) and "no_such_area" in str(exc.value)


def test_invalid_json_names_line(resource_copy):
    path = resource_copy / "framework.json"
    path.write_text('{"name": "x",\n "categories": [}')
    with pytest.raises(ResourceError, match=r"framework.json is not valid JSON \(line 2"):
        framework.framework()


def test_benchmark_with_inverted_percentiles_is_refused(resource_copy):
    path = resource_copy / "benchmarks" / "illustrative-default.json"
    _edit(path, lambda d: d["stages"]["year1"]["total"].update(p25=900))
    with pytest.raises(ResourceError, match=r"stages\.year1\.total\.p50"):
        shipped_model("onpoint-1")


def test_recommendations_must_cover_every_band(resource_copy):
    path = resource_copy / "recommendations" / "onpoint-1.json"
    _edit(
        path,
        lambda d: d.update(
            texts=[
                t
                for t in d["texts"]
                if not (t["component"] == "operations" and t["band"] == "above")
            ]
        ),
    )
    with pytest.raises(ResourceError, match="'operations' in band 'above'"):
        shipped_model("onpoint-1")

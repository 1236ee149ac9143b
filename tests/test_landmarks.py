"""Landmarks of the journey read against a benchmark, changes between rounds, and the
consultant's name from Preferences (core, no report)."""

from __future__ import annotations

import json

import pytest

from onpoint_desktop import paths
from onpoint_desktop.benchmark import parse_benchmark
from onpoint_desktop.errors import ResourceError
from onpoint_desktop.framework import framework
from onpoint_desktop.landmarks import landmarks, read_landmarks
from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.preferences import consultant_name, preferred_author
from onpoint_desktop.progress import component_changes, total_change
from onpoint_desktop.workspace import Workspace


def default_benchmark():
    return shipped_model("onpoint-1").benchmark


def _by_pattern(readings):
    return {r.landmark.pattern: r for r in readings}


def test_the_default_benchmark_shows_the_four_landmarks_of_the_seeds():
    readings = _by_pattern(read_landmarks(default_benchmark(), framework(), []))
    assert {r.landmark.component for r in readings.values()} == {
        "strategy_communication",
        "culture_of_innovation",
        "instructional_design",
        "operations",
    }
    assert all(r.holds for r in readings.values())
    # 70% of Strategy Communication's growth comes between Planning and Year 1.
    assert readings["front_loaded"].front_share == pytest.approx((655 - 440) / (750 - 440))
    # Culture of Innovation levels off (even dips) after Year 2.
    assert readings["levels_off"].steps[-1] == -5
    # Instructional Design grows fastest at the outset; Operations steadily.
    assert readings["fastest_at_outset"].steps == (100, 50, 70)
    assert readings["steady"].steps == (40, 40, 60)


def test_a_benchmark_without_the_pattern_says_so():
    doc = default_benchmark().to_dict()
    doc["stages"]["year3"]["components"]["culture_of_innovation"] = {
        "p25": 700,
        "p50": 760,
        "p75": 815,
    }
    bm = parse_benchmark(doc, "test")
    reading = _by_pattern(read_landmarks(bm, framework(), []))["levels_off"]
    assert not reading.holds


def test_landmarks_resource_is_validated(tmp_path, monkeypatch):
    import shutil

    from onpoint_desktop.resources import resources_dir

    copy = tmp_path / "resources"
    shutil.copytree(resources_dir(), copy)
    doc = json.loads((copy / "landmarks.json").read_text())
    doc["landmarks"][0]["pattern"] = "zigzag"
    (copy / "landmarks.json").write_text(json.dumps(doc))
    monkeypatch.setenv("ONPOINT_RESOURCES", str(copy))
    landmarks.cache_clear()
    try:
        with pytest.raises(ResourceError, match=r"landmarks.json: key 'landmarks\[0\].pattern'"):
            landmarks()
    finally:
        landmarks.cache_clear()


def test_district_points_follow_its_rounds(demo_db):
    with Workspace.open(demo_db, backup=False) as ws:
        history = [(r.label, ws.score(r.id)) for r in ws.rounds()]
    reading = _by_pattern(read_landmarks(default_benchmark(), framework(), history))["levels_off"]
    assert [p.round_label for p in reading.district] == ["2022-23", "2023-24", "2024-25"]
    before, after = reading.latest_step
    assert round(after.score - before.score, 1) == -155.5


def test_changes_are_largest_first_and_know_when_they_are_not_like_for_like(ws):
    for area in ws.framework.areas:
        ws.rate("r1", area, 2)
    ws.add_round("r2", "year1")
    for area in ws.framework.areas:
        ws.rate("r2", area, 4 if area == "culture_of_innovation" else 3)
    changes = component_changes(ws.score("r1"), ws.score("r2"))
    assert changes[0].key == "culture_of_innovation"
    assert [abs(c.delta) for c in changes] == sorted((abs(c.delta) for c in changes), reverse=True)
    total = total_change(ws.score("r1"), ws.score("r2"))
    assert total.before_provisional and total.after_provisional  # no surveys: expert only
    assert not total.like_for_like


def _write_settings(text: str) -> None:
    (paths.config_dir() / "settings.ini").write_text(text, encoding="utf-8")


def test_the_name_set_in_preferences_is_read_without_qt(monkeypatch):
    assert preferred_author() is None
    _write_settings('[author]\nname="Zoë O\'Brien, PhD"\n')
    assert preferred_author() == "Zoë O'Brien, PhD"
    # Explicit first, then Preferences, then $ONPOINT_AUTHOR, then who rated the round.
    assert consultant_name("Sam Field") == "Sam Field"
    assert consultant_name(None, fallback="Rater") == "Zoë O'Brien, PhD"
    _write_settings("[author]\nname=\n")
    assert consultant_name(None, fallback="Rater") == "Test Consultant"  # $ONPOINT_AUTHOR
    monkeypatch.delenv("ONPOINT_AUTHOR")
    assert consultant_name(None, fallback="Rater") == "Rater"


def test_an_unreadable_settings_file_is_no_name():
    (paths.config_dir() / "settings.ini").write_bytes(b"\xff\xfe[author\x00")
    assert preferred_author() is None

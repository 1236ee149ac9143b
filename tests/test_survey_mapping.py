"""Column mappings: edited, saved, loaded, remembered for the same layout, checked."""

from __future__ import annotations

import json

import pytest

from onpoint_desktop import paths
from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.surveys import import_survey, inspect_survey, read_mapping, remember
from tests.conftest import SAMPLES
from tests.survey_helpers import INSTRUMENTS, dump, read_rows, write_rows


def renamed_export(tmp_path, name="renamed.csv"):
    """A template whose T05 header is a custom label no matcher can know."""
    rows = read_rows(SAMPLES / "teacher_template.csv")
    rows[0][5] = "Risk-taking (own words)"
    return write_rows(tmp_path / name, rows)


def test_mapping_round_trips_through_json(tmp_path):
    preview = inspect_survey(
        SAMPLES / "teacher_qualtrics_text.csv", "teacher", instruments=INSTRUMENTS
    )
    path = preview.mapping.save(tmp_path / "m.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "onpoint-survey-mapping/2" and doc["role"] == "teacher"
    entry = next(c for c in doc["columns"] if c["column"] == "R")
    assert (entry["name"], entry["use"], entry["item"], entry["confidence"]) == (
        "Q2_1",
        "item",
        "T01",
        1.0,
    )
    again = inspect_survey(
        SAMPLES / "teacher_qualtrics_text.csv", "teacher", path, instruments=INSTRUMENTS
    )
    assert [(u.use, u.item) for u in again.mapping.uses] == [
        (u.use, u.item) for u in preview.mapping.uses
    ]
    assert again.mapping.origin == "m.json"


def test_an_edited_mapping_file_maps_what_matching_cannot(ws, tmp_path):
    path = renamed_export(tmp_path)
    preview = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    assert preview.mapping.of(5).use == "ignored"
    assert len(preview.mapping.item_columns) == 22
    mapping_file = preview.mapping.save(tmp_path / "m.json")
    doc = json.loads(mapping_file.read_text(encoding="utf-8"))
    doc["columns"][5].update(use="item", item="T05")
    mapping_file.write_text(json.dumps(doc), encoding="utf-8")
    summary = import_survey(ws, path, "r1", "teacher", mapping_file)
    assert summary.items_mapped == 23
    stat = ws.conn.execute(
        "SELECT n FROM survey_item_stats WHERE item_id = 'T05' AND school = ''"
    ).fetchone()
    assert stat[0] > 30


def test_a_confirmed_mapping_is_remembered_for_the_same_layout(ws, tmp_path):
    path = renamed_export(tmp_path)
    mapping = inspect_survey(path, "teacher", instruments=INSTRUMENTS).mapping
    mapping.set_item(5, "T05")
    mapping.set_use(0, "ignored")  # no school breakdown wanted from this file
    saved = remember(mapping)
    assert saved.parent == paths.config_dir() / "mappings"
    other = renamed_export(tmp_path, "next-week.csv")  # same layout, another file
    preview = inspect_survey(other, "teacher", instruments=INSTRUMENTS)
    assert preview.mapping.origin == "remembered"
    assert preview.mapping.of(5).item == "T05"
    assert preview.mapping.school_column is None
    summary = import_survey(ws, other, "r1", "teacher")
    assert summary.mapping == "remembered" and summary.items_mapped == 23
    assert (
        inspect_survey(path, "leader", instruments=INSTRUMENTS).mapping.origin != "remembered"
    )  # per role


def test_an_edited_mapping_object_is_used_by_import(ws, tmp_path):
    path = renamed_export(tmp_path)
    mapping = inspect_survey(path, "teacher", instruments=INSTRUMENTS).mapping
    mapping.set_item(5, "T05")
    summary = import_survey(ws, path, "r1", "teacher", mapping)
    assert summary.items_mapped == 23


def test_a_mapping_for_another_layout_is_refused(ws, tmp_path):
    mapping_file = inspect_survey(
        SAMPLES / "teacher_qualtrics_text.csv", "teacher", instruments=INSTRUMENTS
    ).mapping.save(tmp_path / "q.json")
    before = dump(ws)
    with pytest.raises(SurveyImportError, match="which this file does not have"):
        import_survey(ws, SAMPLES / "teacher_google_forms.csv", "r1", "teacher", mapping_file)
    mapping = inspect_survey(
        SAMPLES / "teacher_qualtrics_text.csv", "teacher", instruments=INSTRUMENTS
    ).mapping
    with pytest.raises(SurveyImportError, match="another file layout"):
        import_survey(ws, SAMPLES / "teacher_template.csv", "r1", "teacher", mapping)
    assert dump(ws) == before


def test_a_mapping_that_moved_columns_still_finds_them(ws, tmp_path):
    mapping_file = inspect_survey(
        SAMPLES / "teacher_template.csv", "teacher", instruments=INSTRUMENTS
    ).mapping.save(tmp_path / "t.json")
    rows = read_rows(SAMPLES / "teacher_template.csv")
    moved = write_rows(tmp_path / "moved.csv", [r[1:] + r[:1] for r in rows])
    summary = import_survey(ws, moved, "r1", "teacher", mapping_file)
    assert summary.items_mapped == 23 and sum(summary.schools.values()) == 40
    assert "(no school given)" not in summary.schools


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "x"}, "is not an Onpoint column mapping"),
        ({"role": "leader"}, "is for the leader survey"),
        ({"columns": 3}, "'columns' must be a list"),
    ],
)
def test_bad_mapping_files_are_refused(tmp_path, change, message):
    mapping_file = inspect_survey(
        SAMPLES / "teacher_template.csv", "teacher", instruments=INSTRUMENTS
    ).mapping.save(tmp_path / "t.json")
    doc = json.loads(mapping_file.read_text(encoding="utf-8"))
    doc.update(change)
    mapping_file.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SurveyImportError, match=message):
        inspect_survey(
            SAMPLES / "teacher_template.csv", "teacher", mapping_file, instruments=INSTRUMENTS
        )


def test_mapping_to_an_unknown_item_is_refused(tmp_path):
    mapping_file = inspect_survey(
        SAMPLES / "teacher_template.csv", "teacher", instruments=INSTRUMENTS
    ).mapping.save(tmp_path / "t.json")
    doc = read_mapping(mapping_file)
    doc["columns"][1]["item"] = "T99"
    mapping_file.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SurveyImportError, match="'T99', which is not an item"):
        inspect_survey(
            SAMPLES / "teacher_template.csv", "teacher", mapping_file, instruments=INSTRUMENTS
        )


def test_editing_rejects_uses_that_are_not_choices():
    mapping = inspect_survey(
        SAMPLES / "teacher_template.csv", "teacher", instruments=INSTRUMENTS
    ).mapping
    with pytest.raises(ValueError):
        mapping.set_use(1, "identifying")
    mapping.set_item(2, "T01")  # now T01 twice
    problems = mapping.problems(shipped_model("onpoint-1").instruments["teacher"])
    assert any("Item T01 is in more than one column" in p for p in problems)


def test_one_rule_remembers_a_mapping_for_cli_and_wizard_alike(ws, tmp_path):
    """The import remembers a mapping only once the consultant confirmed it: given as a
    mapping file (the CLI's --mapping) or accepted on the wizard's pages (``confirm``)."""
    path = renamed_export(tmp_path)
    edited = inspect_survey(path, "teacher", instruments=INSTRUMENTS).mapping
    edited.set_item(5, "T05")
    import_survey(ws, path, "r1", "teacher", edited)  # edited, but never confirmed
    assert inspect_survey(path, "teacher", instruments=INSTRUMENTS).mapping.origin == "automatic"
    edited.confirm()  # what the wizard does when Import is pressed
    ws.add_round("r2", "year1")
    import_survey(ws, path, "r2", "teacher", edited)
    again = inspect_survey(path, "teacher", instruments=INSTRUMENTS)
    assert again.mapping.origin == "remembered" and again.mapping.of(5).item == "T05"
    # A mapping file is the consultant's own: importing with it remembers it too.
    other = renamed_export(tmp_path, "other.csv")
    rows = read_rows(other)
    rows[0][6] = "Another own label"  # a new layout
    other = write_rows(tmp_path / "other.csv", rows)
    saved = inspect_survey(other, "teacher", instruments=INSTRUMENTS).save_mapping(
        tmp_path / "m.json"
    )
    ws.add_round("r3", "year1")
    import_survey(ws, other, "r3", "teacher", saved)
    assert inspect_survey(other, "teacher", instruments=INSTRUMENTS).mapping.origin == "remembered"

"""Every real-layout sample imports to exactly the true answers, once, and nothing else."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from onpoint_desktop.surveys import import_survey, inspect_survey
from onpoint_desktop.surveys.readers import open_source
from onpoint_desktop.workspace import responses as resp_store
from tests.conftest import SAMPLES
from tests.survey_helpers import INSTRUMENTS, dump, expected_answers, read_rows, stored_answers

SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".csv", ".xlsx"))
FORMATS = {
    "qualtrics_text": "qualtrics",
    "qualtrics_numeric": "qualtrics",
    "surveymonkey": "surveymonkey",
    "google_forms": "google_forms",
    "msforms": "msforms",
    "template": "template",
}


def role_of(name: str) -> str:
    return name.split("_", 1)[0]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_imports_exactly_the_true_answers(ws, name):
    role = role_of(name)
    summary = import_survey(ws, SAMPLES / name, "r1", role)
    assert stored_answers(ws, role) == expected_answers(ws, role)
    n = sum(expected_answers(ws, role).values())
    assert summary.rows_imported == n
    assert sum(summary.schools.values()) == n
    assert summary.format == FORMATS[name.split("_", 1)[1].rsplit(".", 1)[0]]
    assert ws.respondent_counts("r1") == {role: n}


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_reimporting_a_sample_changes_nothing(ws, name):
    role = role_of(name)
    import_survey(ws, SAMPLES / name, "r1", role)
    before = dump(ws)
    again = import_survey(ws, SAMPLES / name, "r1", role)
    assert again.rows_imported == 0
    assert again.skipped["already_imported"] == sum(expected_answers(ws, role).values())
    assert again.import_id is None
    assert dump(ws) == before


def test_the_same_survey_in_two_formats_counts_each_respondent_once(ws):
    """Qualtrics text and numeric exports of one survey share response ids."""
    import_survey(ws, SAMPLES / "teacher_qualtrics_text.csv", "r1", "teacher")
    second = import_survey(ws, SAMPLES / "teacher_qualtrics_numeric.csv", "r1", "teacher")
    assert second.rows_imported == 0
    assert stored_answers(ws, "teacher") == expected_answers(ws, "teacher")


def test_qualtrics_previews_and_tests_are_skipped_and_recodes_counted(ws):
    summary = import_survey(ws, SAMPLES / "teacher_qualtrics_numeric.csv", "r1", "teacher")
    assert summary.rows_read == 42
    assert summary.skipped == {"preview": 1, "test": 1}
    body = read_rows(SAMPLES / "teacher_qualtrics_numeric.csv")[3:]
    status_ok = [r for r in body if r[2] == "0"]
    assert summary.missing_recodes == {"-99": sum(r[17:40].count("-99") for r in status_ok)}
    assert summary.format_label == "Qualtrics CSV (numeric values)"


def test_incremental_aggregates_equal_a_full_rebuild(ws):
    ws.add_round("r2", "year1")
    import_survey(ws, SAMPLES / "teacher_qualtrics_text.csv", "r1", "teacher")
    import_survey(ws, SAMPLES / "leader_google_forms.csv", "r1", "leader")
    import_survey(ws, SAMPLES / "teacher_template.csv", "r2", "teacher")
    import_survey(ws, SAMPLES / "teacher_msforms.xlsx", "r2", "teacher")  # adds to r2
    before = dump(ws)
    with ws.transaction():
        for rnd in ws.rounds():
            resp_store.rebuild_aggregates(ws.conn, rnd.id, ws.round_model(rnd.id))
    after = dump(ws)
    assert after["survey_item_stats"] == before["survey_item_stats"]
    assert after["survey_component_counts"] == before["survey_component_counts"]
    assert {r[0] for r in before["survey_component_counts"]} == {"r1", "r2"}


def test_each_import_is_recorded_with_its_summary(ws):
    import_survey(ws, SAMPLES / "leader_surveymonkey.csv", "r1", "leader")
    (record,) = ws.survey_imports("r1")
    assert record["source_name"] == "leader_surveymonkey.csv"
    assert record["source_format"] == "surveymonkey"
    assert (record["rows_read"], record["rows_imported"], record["rows_skipped"]) == (8, 8, 0)
    assert record["summary"]["schools"]["Lincoln Elementary"] == 2
    assert record["author"] == "Test Consultant"


def test_score_sees_imported_responses_at_once(ws):
    assert ws.score("r1").component("operations").n_teacher == 0
    import_survey(ws, SAMPLES / "teacher_template.csv", "r1", "teacher")
    assert ws.score("r1").component("operations").n_teacher == 40


# --- privacy ----------------------------------------------------------------------------

IDENTIFYING_HEADERS = re.compile(
    r"ip ?address|e-?mail|first ?name|last ?name|^name$|recipient|external|latitude|longitude|"
    r"custom data|anything else|comments?\?",
    re.IGNORECASE,
)


def identifying_values(name: str) -> set[str]:
    """Cell values of the sample's identifying and free-text columns (as the file has them)."""
    source = open_source(SAMPLES / name)
    rows = source.head(10_000)
    header_rows = 1
    if "qualtrics" in name:
        header_rows = 3
    elif "surveymonkey" in name:
        header_rows = 2
    headers = [" ".join(r[i] for r in rows[:header_rows]) for i in range(len(rows[0]))]
    values = set()
    for row in rows[header_rows:]:
        for header, value in zip(headers, row, strict=False):
            if IDENTIFYING_HEADERS.search(header.strip()) and len(value.strip()) >= 3:
                values.add(value.strip())
    values.discard("anonymous")  # Microsoft Forms' placeholder, not anyone's identity
    return values


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_no_identifying_value_reaches_the_workspace_file(ws, name):
    secrets = identifying_values(name)
    if "template" not in name and "msforms" not in name:
        assert secrets, "the sample should have identifying values to look for"
    import_survey(ws, SAMPLES / name, "r1", role_of(name))
    files = [ws.path, ws.path.with_name(ws.path.name + "-wal")]
    blob = b"".join(p.read_bytes() for p in files if p.exists())
    found = [s for s in secrets if s.encode("utf-8") in blob]
    assert found == []


def test_comments_are_stored_only_when_asked(ws):
    import_survey(ws, SAMPLES / "teacher_qualtrics_text.csv", "r1", "teacher")
    assert (
        ws.conn.execute(
            "SELECT count(*) FROM survey_responses WHERE comment IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    ws.add_round("r2", "year1")
    summary = import_survey(
        ws, SAMPLES / "teacher_qualtrics_text.csv", "r2", "teacher", keep_comments=True
    )
    comments = [
        c
        for (c,) in ws.conn.execute(
            "SELECT comment FROM survey_responses WHERE round_id = 'r2' AND comment IS NOT NULL"
        )
    ]
    assert summary.comments_kept == len(comments) > 0
    assert all(c.startswith("We need more planning time") for c in comments)


def test_summary_json_holds_no_response_content(ws):
    summary = import_survey(ws, SAMPLES / "teacher_google_forms.csv", "r1", "teacher")
    text = json.dumps(summary.to_json())
    for secret in identifying_values("teacher_google_forms.csv"):
        assert secret not in text


def test_inspect_reads_without_a_workspace(tmp_path):
    preview = inspect_survey(
        SAMPLES / "teacher_surveymonkey.xlsx", "teacher", instruments=INSTRUMENTS
    )
    assert preview.ready
    assert preview.format == "surveymonkey"
    assert preview.rows_to_import == 40
    uses = {u.column.name: u.use for u in preview.mapping.uses}
    assert uses["Email Address"] == "identifying"
    assert uses["Respondent ID"] == "response_id"
    assert uses["Which school do you work in?"] == "school"
    assert len(preview.mapping.item_columns) == 23
    assert all(u.confidence == 1.0 for u in preview.mapping.item_columns)
    assert not list(tmp_path.iterdir())


def test_workspace_file_is_a_valid_database_after_imports(ws):
    for name in SAMPLE_FILES:
        if "google" in name:
            import_survey(ws, SAMPLES / name, "r1", role_of(name))
    conn = sqlite3.connect(ws.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

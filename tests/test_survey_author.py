"""Survey imports are recorded under the consultant who made them."""

from __future__ import annotations

from onpoint_desktop.surveys import import_survey
from tests.conftest import SAMPLES


def test_import_is_recorded_under_the_given_author(ws):
    import_survey(ws, SAMPLES / "leader_template.csv", "r1", "leader", author="Dana Ortiz")
    (record,) = ws.survey_imports("r1")
    assert record["author"] == "Dana Ortiz"


def test_without_an_author_the_workspace_author_is_used(ws):
    import_survey(ws, SAMPLES / "teacher_template.csv", "r1", "teacher")
    (record,) = ws.survey_imports("r1")
    assert record["author"] == "Test Consultant"  # ONPOINT_AUTHOR, set by conftest

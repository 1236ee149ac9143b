"""Long imports report progress and can be cancelled, leaving nothing behind."""

from __future__ import annotations

import pytest
from conftest import SAMPLES
from survey_helpers import INSTRUMENTS, dump, expected_answers, stored_answers

from onpoint_desktop.errors import Cancelled
from onpoint_desktop.surveys import import_survey, inspect_survey
from onpoint_desktop.surveys.readers import source


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(source, "MAX_CHUNK_ROWS", 7)


def test_progress_counts_rows_up_to_the_total(ws, small_chunks):
    calls = []
    import_survey(
        ws,
        SAMPLES / "teacher_qualtrics_text.csv",
        "r1",
        "teacher",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) >= 6
    assert all(d <= t for d, t in calls)
    assert calls[-1] == (42, 42)
    assert stored_answers(ws, "teacher") == expected_answers(ws, "teacher")


def test_chunked_reading_gives_the_same_answers_for_every_format(ws, small_chunks):
    for name in ("teacher_google_forms.csv", "teacher_surveymonkey.xlsx"):
        ws.add_round(name, "planning")
        import_survey(ws, SAMPLES / name, name, "teacher")
        assert stored_answers(ws, "teacher", name) == expected_answers(ws, "teacher")


def test_cancel_part_way_changes_nothing(ws, small_chunks):
    import_survey(ws, SAMPLES / "leader_template.csv", "r1", "leader")
    before = dump(ws)
    chunks = []

    def cancel():
        chunks.append(1)
        return len(chunks) > 3  # after three chunks were stored in the transaction

    with pytest.raises(Cancelled):
        import_survey(ws, SAMPLES / "teacher_qualtrics_text.csv", "r1", "teacher", cancel=cancel)
    assert dump(ws) == before
    # ...and the same import runs to completion afterwards.
    summary = import_survey(ws, SAMPLES / "teacher_qualtrics_text.csv", "r1", "teacher")
    assert summary.rows_imported == 40


def test_inspect_can_be_cancelled(small_chunks):
    with pytest.raises(Cancelled):
        inspect_survey(
            SAMPLES / "teacher_template.csv",
            "teacher",
            cancel=lambda: True,
            instruments=INSTRUMENTS,
        )

# ruff: noqa: F811 - fixtures are imported from gui_support
"""Limits where text enters (issue 11, SPEC §9): an evidence note of at most 20,000
characters, district, round and school names of at most 200 and no control characters —
so a workspace can always be exported; names escaped on the terminal."""

from __future__ import annotations

import pytest

from onpoint_desktop.errors import InputError, SurveyImportError
from onpoint_desktop.surveys import import_survey
from onpoint_desktop.sync import check_bundle
from onpoint_desktop.workspace import Response, Workspace
from tests.cli_support import run
from tests.gui_support import demo_copy, window  # noqa: F401 - fixtures

LONG_NOTE = "Observed in three classrooms. " * 900  # ~26 KB, as in the finding


def test_a_26_kb_note_is_refused_when_rated_not_when_exported(ws, capsys):
    """The finding: ``rate`` accepted a 26 KB note the exporter refused, so the workspace
    could never be exported again (events are append-only)."""
    with pytest.raises(InputError, match="at most 20,000 are allowed"):
        ws.rate("r1", "workforce_plan", 3, LONG_NOTE)
    assert ws.history("r1") == []
    ws.rate("r1", "workforce_plan", 3, LONG_NOTE[:20_000])  # the limit itself is fine
    ws.close()
    code, out, err = run(
        capsys, "rate", ws.path, "--round", "r1", "it_support_plan", "2", "--note", LONG_NOTE
    )
    assert code == 1 and "26," in err and "at most 20,000" in err and out == ""


def test_names_are_held_to_200_printable_characters(tmp_path, capsys):
    code, _, err = run(capsys, "init", tmp_path / "a.onpoint.db", "--district", "x" * 201)
    assert code == 1 and "201 characters; at most 200" in err
    assert not (tmp_path / "a.onpoint.db").exists()
    code, _, err = run(capsys, "init", tmp_path / "b.onpoint.db", "--district", "Cedar\x1b[2J")
    assert code == 1 and "control character" in err
    with Workspace.create(tmp_path / "c.onpoint.db", "Cedar Falls") as ws:
        with pytest.raises(InputError, match="round id has 300 characters"):
            ws.add_round("r" * 300, "planning")
        with pytest.raises(InputError, match="control character"):
            ws.add_round("2024\n25", "planning")
        with pytest.raises(InputError, match="control character"):
            ws.rename_district("Cedar\x00Falls")
        assert ws.rounds() == [] and ws.district.name == "Cedar Falls"


def test_an_over_long_school_name_is_refused_at_import(ws, tmp_path):
    """The finding: a 1 MB school name was stored, and the workspace could not be
    exported again. A school name is held to the limits of every name."""
    header = "T01,T02,T03,School\n"
    rows = "".join(f"4,3,5,{'North' if n % 2 else 'S' * 300}\n" for n in range(6))
    survey = tmp_path / "teachers.csv"
    survey.write_text(header + rows)
    with pytest.raises(
        SurveyImportError,
        match=r'teachers.csv, column D "School": .* has 300 characters',
    ):
        import_survey(ws, survey, "r1", "teacher")
    assert ws.respondent_counts("r1") == {}
    for school in ("S" * 1024**2, "A\x07B"):
        with pytest.raises(InputError, match="School value"):
            ws.add_survey_responses("r1", "teacher", [Response("k1", {"T01": 4}, school=school)])
    assert ws.respondent_counts("r1") == {}


def test_a_workspace_holding_text_from_before_the_limits_still_exports(ws, tmp_path, capsys):
    """Workspaces of release 1 may hold a 26 KB note or a 1 MB school name: their bundles
    carry them fitted to the limits (and say so); the workspace keeps them as they are."""
    ws.rate("r1", "workforce_plan", 3, "short")
    ws.add_survey_responses("r1", "teacher", [Response("k1", {"T01": 4}, school="North")])
    with ws.transaction():  # as the first release stored them, before any limit
        ws.conn.execute("DROP TRIGGER rating_events_append_only_update")
        ws.conn.execute("UPDATE rating_events SET note = ?", (LONG_NOTE,))
        ws.conn.execute("UPDATE survey_responses SET school = ?", ("S" * 1024**2,))
        ws.conn.execute("UPDATE district SET name = ?", ("Cedar\x1b[2J Falls",))
    ws.close()
    out_file = tmp_path / "old.onpointbundle"
    code, out, _ = run(capsys, "bundle", "export", ws.path, "-o", out_file, "--unencrypted")
    assert code == 0 and "3 texts recorded before the current limits" in out
    assert "\x1b" not in out
    check = check_bundle(out_file)
    assert check.verdict == "acceptable"
    (event,) = check.bundle.content.rating_events
    assert len(event["note"]) == 20_000 and event["note"].endswith("characters]")
    with Workspace.open(ws.path) as again:
        assert again.history("r1")[0].note == LONG_NOTE  # kept as it is


def test_names_are_escaped_on_the_terminal(ws, capsys):
    """A workspace written before the limits may hold control characters: the CLI shows
    them escaped, never sends them to the terminal."""
    ws.rate("r1", "workforce_plan", 3, "seen in class")
    with ws.transaction():
        ws.conn.execute("DROP TRIGGER rating_events_append_only_update")
        ws.conn.execute("UPDATE rating_events SET note = 'seen\x1b]0;owned\x07 in class'")
        ws.conn.execute("UPDATE district SET name = 'Evil\x1b[2J District'")
    ws.close()
    for command in (("board", ws.path), ("round", "list", ws.path), ("score", ws.path)):
        code, out, _ = run(capsys, *command)
        assert code == 0 and "\x1b" not in out and "\x07" not in out, command
    assert "Evil\\x1b[2J District" in run(capsys, "board", ws.path)[1]


def test_the_note_dialog_counts_characters(qtbot, window):
    from ui.note_dialog import NoteDialog

    dialog = NoteDialog(window.session, "workforce_plan", window)
    qtbot.addWidget(dialog)
    dialog.note_edit.setPlainText("Seen in class")
    assert dialog.length.text() == "13 of 20,000 characters"
    assert dialog.save_button.isEnabled()
    dialog.note_edit.setPlainText(LONG_NOTE)
    assert "too many" in dialog.length.text() and dialog.length.text().startswith("26,")
    assert not dialog.save_button.isEnabled()

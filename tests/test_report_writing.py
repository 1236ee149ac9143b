"""Writing the report: refusals leave no file, failures and cancellation leave no
partial file (and an existing report untouched), progress, and ``onpoint report``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from report_reading import body_text, open_report, rows_of, table_with_header

from onpoint_desktop import paths
from onpoint_desktop.cli import main
from onpoint_desktop.errors import Cancelled, InputError, ReportError
from onpoint_desktop.report import write_report
from onpoint_desktop.report.pdf import find_office
from onpoint_desktop.workspace import Response, Workspace


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_unknown_round_is_refused_and_writes_nothing(ws, tmp_path):
    out = tmp_path / "out" / "r.docx"
    out.parent.mkdir()
    with pytest.raises(InputError, match="No round '2031-32'"):
        write_report(ws, "2031-32", out)
    assert _files(out.parent) == []


def test_missing_folder_is_refused(ws, tmp_path):
    with pytest.raises(ReportError, match="does not exist"):
        write_report(ws, "r1", tmp_path / "nowhere" / "r.docx")
    assert not (tmp_path / "nowhere").exists()


def test_a_folder_is_not_a_report_file(ws, tmp_path):
    folder = tmp_path / "reports.docx"
    folder.mkdir()
    with pytest.raises(ReportError, match="is a folder"):
        write_report(ws, "r1", folder)
    assert _files(folder) == []


def test_a_report_must_be_a_docx_or_a_pdf(ws, tmp_path):
    with pytest.raises(InputError, match=r"must end in \.docx \(Word\) or \.pdf"):
        write_report(ws, "r1", tmp_path / "r.txt")
    assert not (tmp_path / "r.txt").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores modes")
def test_read_only_folder_is_refused(ws, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ReportError, match="read-only"):
            write_report(ws, "r1", folder / "r.docx")
        assert _files(folder) == []
    finally:
        folder.chmod(0o755)


def test_failure_while_saving_leaves_no_partial_file_and_keeps_the_old_one(
    ws, tmp_path, monkeypatch
):
    out = tmp_path / "r.docx"
    out.write_bytes(b"last week's report")

    def broken_save(self, stream):
        stream.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("docx.document.Document.save", broken_save)
    with pytest.raises(ReportError, match="No space left on device"):
        write_report(ws, "r1", out)
    assert [p.name for p in tmp_path.iterdir() if "docx" in p.name] == ["r.docx"]
    assert out.read_bytes() == b"last week's report"


def test_cancel_stops_with_nothing_written(ws, tmp_path):
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        write_report(ws, "r1", tmp_path / "r.docx", cancel=cancel)
    assert not (tmp_path / "r.docx").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_progress_rises_to_its_total(ws, tmp_path):
    seen = []
    write_report(ws, "r1", tmp_path / "r.docx", progress=lambda d, t: seen.append((d, t)))
    done = [d for d, _ in seen]
    assert done == sorted(done) and len(seen) > 5
    assert seen[-1][0] == seen[-1][1]
    assert len({t for _, t in seen}) == 1


def test_overwrites_an_existing_report(ws, tmp_path):
    out = tmp_path / "r.docx"
    out.write_bytes(b"old")
    write_report(ws, "r1", out)
    assert ws.district.name in body_text(open_report(out))


def test_cli_report_defaults_to_the_latest_round(demo_db, tmp_path, capsys):
    db = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    out = tmp_path / "client.docx"
    assert main(["report", str(db), "-o", str(out), "--consultant", "Sam Field"]) == 0
    with Workspace.open(db) as ws:
        latest = ws.latest_round()
    text = body_text(open_report(out))
    assert f"Round {latest.label} · " in text and "Sam Field" in text
    assert str(out) in capsys.readouterr().out


def test_cli_report_refuses_unknown_round(demo_db, tmp_path, capsys):
    db = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    out = tmp_path / "client.docx"
    assert main(["report", str(db), "--round", "1999-00", "-o", str(out)]) == 1
    assert "No round '1999-00'" in capsys.readouterr().err
    assert not out.exists()


needs_office = pytest.mark.skipif(find_office() is None, reason="LibreOffice is not installed")


@needs_office
def test_cli_writes_a_pdf_through_libreoffice(demo_db, tmp_path, capsys):
    db = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    out = tmp_path / "client.pdf"
    assert main(["report", str(db), "-o", str(out), "--consultant", "Sam Field"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 50_000
    assert str(out) in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.pdf", "demo.onpoint.db"]


@needs_office
def test_pdf_progress_counts_the_conversion(ws, tmp_path):
    seen = []
    write_report(ws, "r1", tmp_path / "r.pdf", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1]
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")


def test_without_libreoffice_a_pdf_is_refused_naming_what_to_install(
    ws, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr("onpoint_desktop.report.pdf.find_office", lambda: None)
    calls = []
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ReportError, match="Writing a PDF needs LibreOffice") as caught:
        write_report(ws, "r1", folder / "r.pdf", progress=lambda d, t: calls.append(d))
    assert "libreoffice.org" in str(caught.value)
    assert calls == []  # refused before any work
    assert _files(folder) == []
    db = str(tmp_path / "district.onpoint.db")
    assert main(["report", db, "-o", str(folder / "x.pdf")]) == 1
    assert _files(folder) == []
    assert "install LibreOffice" in capsys.readouterr().err.replace("Install", "install")


def test_cancel_during_the_pdf_conversion_leaves_nothing(ws, tmp_path, monkeypatch):
    """The converter is stopped and no PDF (or its temporary) is left behind."""
    started = []

    def slow_office(command, cancel, timeout, log):
        started.append(command)  # the user cancels while LibreOffice runs
        assert cancel()
        raise Cancelled("Report cancelled; no file was written.")

    monkeypatch.setattr("onpoint_desktop.report.pdf.find_office", lambda: Path("/bin/true"))
    monkeypatch.setattr("onpoint_desktop.report.pdf._run", slow_office)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(Cancelled):
        write_report(ws, "r1", folder / "r.pdf", cancel=lambda: bool(started))
    assert started
    assert _files(folder) == []


def test_control_characters_are_cleaned_not_a_crash(ws, tmp_path, monkeypatch):
    # Issue 15: a \x0b in a note crashed the report with a traceback. The app refuses
    # control characters at entry now, but files written before that may hold them.
    with monkeypatch.context() as release_1:  # no limits at entry, as release 1 had
        release_1.setattr("onpoint_desktop.limits.checked_note", lambda note: note)
        release_1.setattr("onpoint_desktop.limits.checked_name", lambda name, what: name)
        release_1.setattr("onpoint_desktop.limits.check_schools", lambda names: None)
        ws.rate(
            "r1",
            "pl_vision_alignment",
            3,
            "Seen in May\x0bconfirmed in June\x00.",
            author="Ann\x07 Lee",
        )
        ws.add_survey_responses(
            "r1", "teacher", [Response(f"t{i}", {"T01": 4}, "North\x0bHigh") for i in range(6)]
        )
    out = write_report(ws, "r1", tmp_path / "r.docx", consultant="Dana\x0c Ortiz")
    doc = open_report(out)
    text = body_text(doc)
    assert "Seen in May\nconfirmed in June." in text
    assert "Dana\n Ortiz" in text
    assert "North\nHigh" in text
    assert not any(ch in text for ch in "\x00\x07\x0b\x0c")


def _preferences(name: str) -> None:
    (paths.config_dir() / "settings.ini").write_text(f"[author]\nname={name}\n", encoding="utf-8")


def test_consultant_comes_from_preferences_then_the_environment(demo_db, tmp_path, monkeypatch):
    # Issue 15: the consultant was shown as the login name ("root").
    import getpass

    db = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, db)
    out = tmp_path / "r.docx"
    _preferences("Priya Natarajan")
    assert main(["report", str(db), "-o", str(out)]) == 0
    doc = open_report(out)
    details = dict(rows_of(table_with_header(doc, "Report details"))[1:])
    assert details["Consultant"] == "Priya Natarajan" == doc.core_properties.author
    _preferences("")
    monkeypatch.setenv("ONPOINT_AUTHOR", "Env Name")
    assert main(["report", str(db), "-o", str(out)]) == 0
    assert (
        dict(rows_of(table_with_header(open_report(out), "Report details"))[1:])["Consultant"]
        == "Env Name"
    )
    # Nothing set at all: who rated the round, never the login name.
    monkeypatch.delenv("ONPOINT_AUTHOR")
    assert main(["report", str(db), "-o", str(out)]) == 0
    consultant = dict(rows_of(table_with_header(open_report(out), "Report details"))[1:])[
        "Consultant"
    ]
    assert consultant == "Jordan Ellis (demo consultant)" != getpass.getuser()


def test_names_of_200_characters_fit_the_document_properties(tmp_path):
    """A document property holds 255 characters; a district and a round may take 200
    each (SPEC §9): the title is cut with an ellipsis, never a ValueError."""
    ws = Workspace.create(tmp_path / "long.onpoint.db", "Lakeshore " + "L" * 190)
    try:
        ws.add_round("r1", "planning", "Round " + "R" * 194)
        doc = open_report(write_report(ws, "r1", tmp_path / "r.docx"))
    finally:
        ws.close()
    title = doc.core_properties.title
    assert len(title) == 255 and title.endswith("…")
    assert title.startswith("Onpoint report: Lakeshore LLL")

"""Writing the report: refusals leave no file, failures and cancellation leave no
partial file (and an existing report untouched), progress, and ``onpoint report``."""

from __future__ import annotations

import os
import shutil

import pytest
from report_reading import body_text, open_report

from onpoint_desktop.cli import main
from onpoint_desktop.errors import Cancelled, InputError, ReportError
from onpoint_desktop.report import write_report
from onpoint_desktop.workspace import Workspace


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


def test_a_report_must_be_a_docx(ws, tmp_path):
    with pytest.raises(InputError, match=r"must end in \.docx"):
        write_report(ws, "r1", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


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

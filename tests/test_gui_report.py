"""File ▸ Export Word report…: written on a worker, offered to open; refusals leave no file."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from onpoint_desktop import paths
from onpoint_desktop.report.pdf import find_office
from tests.gui_support import (
    choose_file,
    demo_copy,
    error_boxes,
    message_boxes,
    window,
)
from tests.report_reading import body_text, open_report


def test_export_report_writes_the_round_on_screen_and_offers_to_open_it(
    qtbot, window, tmp_path, monkeypatch
):
    session = window.session
    window.session.author = "Dana Ortiz"  # as Preferences sets it
    out = tmp_path / "Riverbend report.docx"
    asked: list = []
    choose_file(monkeypatch, "getSaveFileName", out, asked)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    window.reports.export_action.trigger()
    suggested = asked[0][2]
    rnd = session.current_round
    assert suggested == str(paths.documents_dir() / f"{session.district_name} {rnd.label}.docx")
    qtbot.waitUntil(lambda: bool(message_boxes(window)), timeout=20000)
    (box,) = message_boxes(window)
    assert out.name in box.text()
    text = body_text(open_report(out))
    assert f"scored {session.score().total:,.1f} on the Onpoint scale" in text
    assert "Dana Ortiz" in text
    open_button = next(b for b in box.buttons() if "Open report" in b.text())
    open_button.click()
    assert [u.toLocalFile() for u in opened] == [str(out)]


def test_an_unwritable_path_shows_the_error_and_leaves_no_file(qtbot, window, tmp_path):
    out = tmp_path / "no such folder" / "report.docx"
    window.reports.write(out)
    qtbot.waitUntil(lambda: bool(error_boxes(window)), timeout=10000)
    message = error_boxes(window)[0].informativeText()
    assert "does not exist" in message and str(out.parent) in message
    assert not out.parent.exists()
    assert not [p for p in tmp_path.rglob("*") if ".docx" in p.name]


def test_cancel_writes_no_report(qtbot, window, tmp_path):
    out = tmp_path / "report.docx"
    worker = window.reports.write(out)
    worker.cancel()
    qtbot.waitUntil(lambda: bool(message_boxes(window)), timeout=20000)
    assert "no file was written" in message_boxes(window)[0].text().lower()
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".docx" in p.name]


def test_export_pdf_without_libreoffice_says_what_to_install(qtbot, window, monkeypatch):
    monkeypatch.setattr("onpoint_desktop.report.pdf.find_office", lambda: None)
    asked: list = []
    choose_file(monkeypatch, "getSaveFileName", None, asked)
    window.reports.pdf_action.trigger()
    (box,) = error_boxes(window)
    assert "needs LibreOffice" in box.text()
    assert "libreoffice.org" in box.informativeText()
    assert asked == []  # no file name asked for a PDF that cannot be written


@pytest.mark.skipif(find_office() is None, reason="LibreOffice is not installed")
def test_export_pdf_writes_the_round_on_screen(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "Riverbend report.pdf"
    asked: list = []
    choose_file(monkeypatch, "getSaveFileName", out, asked)
    window.reports.pdf_action.trigger()
    assert asked[0][2].endswith(".pdf")
    qtbot.waitUntil(lambda: bool(message_boxes(window)), timeout=120_000)
    (box,) = message_boxes(window)
    assert out.name in box.text()
    assert out.read_bytes().startswith(b"%PDF-")


def test_the_name_set_in_preferences_is_the_cores_consultant(qtbot):
    from onpoint_desktop.preferences import consultant_name
    from ui.settings import AppSettings

    settings = AppSettings()
    settings.set_author("Zoë O'Brien, PhD")
    settings.sync()
    assert consultant_name() == "Zoë O'Brien, PhD"

"""The main window: districts, rounds, errors, settings, fit on a laptop screen, start-up."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QAbstractScrollArea, QDialogButtonBox

from tests.gui_support import (
    answer_modal,
    choose_file,
    demo_copy,
    error_boxes,
    message_boxes,
    open_window,
    window,
)
from ui.settings import AppSettings

ROOT = Path(__file__).resolve().parent.parent


def test_new_district_through_the_dialog(qtbot, window, tmp_path):
    target = tmp_path / "Lakeside.onpoint.db"

    def fill(dialog):
        dialog.name.setText("Lakeside USD")
        dialog.path.setText(str(target))
        dialog.round_id.setText("2025-26")
        dialog.stage.setCurrentIndex(dialog.stage.findData("year1"))
        dialog.accept()

    answer_modal(qtbot, fill)
    window.files.new_district()
    assert target.exists()
    assert window.session.district_name == "Lakeside USD"
    assert window.windowTitle().startswith("Lakeside USD — 2025-26 (Year 1)")
    assert [r.id for r in window.session.rounds()] == ["2025-26"]
    assert window.panel.total_label.text() == "—"
    assert AppSettings().recent_files()[0] == target


def test_new_district_dialog_refuses_an_existing_file(qtbot, demo_copy):
    from onpoint_desktop.framework import framework
    from ui.dialogs import NewDistrictDialog

    dialog = NewDistrictDialog(framework())
    qtbot.addWidget(dialog)
    dialog.name.setText("Anything")
    dialog.path.setText(str(demo_copy))
    dialog.accept()
    assert dialog.result() == 0
    assert "already exists" in dialog.problem.text()


def test_add_round_and_switch_rounds(qtbot, window):
    session = window.session
    before = [r.id for r in session.rounds()]

    def fill(dialog):
        assert dialog.round_id.text() == "2025-26"  # the school year after the latest
        assert dialog.stage.currentData() == "year3"  # the stage after Year 2
        dialog.findChild(QDialogButtonBox).accepted.emit()

    answer_modal(qtbot, fill)
    window.add_round()
    assert [r.id for r in session.rounds()] == [*before, "2025-26"]
    assert session.round_id == "2025-26"
    assert "2025-26 (Year 3+)" in window.windowTitle()
    assert window.board.tiles["pl_vision_alignment"].rating.level is None
    assert window.panel.total_label.text() == "—"

    window.round_box.setCurrentIndex(0)
    window.round_box.activated.emit(0)
    assert session.round_id == before[0]
    assert window.panel.total_label.text() == f"{session.workspace.score(before[0]).total:.1f}"
    levels = session.workspace.levels(before[0])
    assert window.board.tiles["pl_vision_alignment"].rating.level == levels["pl_vision_alignment"]


def test_adding_an_existing_round_shows_an_error_and_changes_nothing(qtbot, window):
    before = window.session.rounds()

    def fill(dialog):
        dialog.round_id.setText(before[0].id)
        dialog.accept()

    answer_modal(qtbot, fill)
    window.add_round()
    boxes = error_boxes(window)
    assert boxes and "already exists" in boxes[0].informativeText()
    assert window.session.rounds() == before


def test_opening_a_bad_file_shows_an_error_and_keeps_the_district(window, tmp_path):
    bad = tmp_path / "notes.onpoint.db"
    bad.write_text("this is not a workspace")
    district = window.session.district_name
    assert window.open_workspace(bad) is False
    boxes = error_boxes(window)
    assert boxes and str(bad) in boxes[0].informativeText()
    assert window.session.district_name == district
    assert window.session.score() is not None  # the workspace is still open
    assert bad.read_text() == "this is not a workspace"


def test_open_recent_and_last_round_are_remembered(qtbot, window, demo_copy, tmp_path):
    first_round = window.session.rounds()[0].id
    window.show_round(first_round)
    other = tmp_path / "Other.onpoint.db"
    assert window.files.create_district("Other district", other, "2025-26", "planning")
    assert AppSettings().recent_files()[:2] == [other, demo_copy]
    window.files.fill_recent()
    entry = next(a for a in window.files.recent_menu.actions() if a.text().endswith(demo_copy.name))
    entry.trigger()
    assert window.session.path == demo_copy
    assert window.session.round_id == first_round


def test_save_a_copy_writes_a_workspace_of_its_own(qtbot, window, tmp_path, monkeypatch):
    from onpoint_desktop.workspace import Workspace

    window.session.set_level("pl_rollout_plan", 4)
    dest = tmp_path / "copy.onpoint.db"
    choose_file(monkeypatch, "getSaveFileName", dest)
    window.files.copy_action.trigger()
    qtbot.waitUntil(lambda: bool(message_boxes(window)), timeout=5000)
    assert dest.name in message_boxes(window)[0].text()
    ws = window.session.workspace
    with Workspace.open(dest) as copy:
        assert copy.levels(window.session.round_id)["pl_rollout_plan"] == 4
        assert copy.score().total == window.session.score().total
        assert copy.workspace_uuid != ws.workspace_uuid  # HQ sees two workspaces
        assert copy.district.uuid == ws.district.uuid  # of the same district
    assert window.session.path != dest  # the user keeps working in the original


def test_a_copy_onto_the_workspace_itself_is_refused(window):
    before = window.session.path.read_bytes()
    assert window.files.write_copy(window.session.path) is None
    assert "choose another file name" in error_boxes(window)[0].informativeText()
    assert window.session.path.read_bytes() == before


def test_the_window_fits_a_1366x768_laptop(qtbot, window):
    # 768 px less a taskbar (40) and the window's title bar (28).
    window.resize(1366, 700)
    qtbot.wait(50)
    assert window.width() <= 1366 and window.height() <= 700
    scroll = window.board.parentWidget().parentWidget()
    assert isinstance(scroll, QAbstractScrollArea)
    assert not scroll.verticalScrollBar().isVisible()
    assert not scroll.horizontalScrollBar().isVisible()
    for tile in window.board.tiles.values():
        assert tile.width() >= tile.minimumSizeHint().width()
        assert tile.height() >= tile.minimumSizeHint().height()
        assert tile.visibleRegion().boundingRect() == tile.rect(), tile.area.id
    panel = window.panel
    for widget in (panel.total_label, panel.benchmark_label, panel.table):
        assert widget.visibleRegion().boundingRect() == widget.rect(), widget.objectName()
    assert "illustrative" in panel.benchmark_label.text()


def test_about_names_versions_model_and_benchmark(window):
    from ui.about import about_html

    text = about_html(window.session)
    assert "onpoint-1" in text and "illustrative" in text and "PySide6" in text


def test_without_a_display_the_app_says_so_in_one_line(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "ONPOINT_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no graphical display" in lines[0] and "onpoint --help" in lines[0]
    assert not list(tmp_path.rglob("*.onpoint.db"))  # nothing was created


def test_display_detection():
    from ui.app import display_problem

    assert display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None


def test_first_run_opens_the_demo(qtbot, monkeypatch):
    from onpoint_desktop import paths
    from ui import app

    shown = []

    def on_shown():
        from PySide6.QtWidgets import QApplication

        window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
        shown.append(window.windowTitle())
        shown.append([p.score for p in window.panel.bars.rows])  # drawn with the window
        window.close()

    assert app.run([], on_shown=on_shown) == 0
    assert "Riverbend" in shown[0]
    assert all(score is not None for score in shown[1])
    assert paths.demo_workspace_path().exists()
    assert AppSettings().last_workspace() == paths.demo_workspace_path()


def test_preferences_author_is_recorded_with_ratings(qtbot, window):
    def fill(dialog):
        dialog.author.setText("Dana Whitfield")
        dialog.accept()

    answer_modal(qtbot, fill)
    window.edit_preferences()
    assert AppSettings().author() == "Dana Whitfield"
    window.session.set_level("workforce_plan", 4)
    event = window.session.workspace.board(window.session.round_id)["workforce_plan"]
    assert event.author == "Dana Whitfield"


def test_closing_right_after_showing_is_harmless(qtbot, demo_copy):
    from onpoint_desktop.workspace import Workspace
    from ui.main_window import MainWindow
    from ui.session import DistrictSession
    from ui.settings import AppSettings

    window = MainWindow(DistrictSession(Workspace.open(demo_copy)), AppSettings())
    window.show()
    window.close()
    window.shutdown()  # the workspace is closed while the first-paint work may be queued
    qtbot.wait(50)  # ...so when it runs, it must do nothing harmful
    assert window.session.closed

"""A damaged workspace: offered its latest good backup (at start-up too), restored with the
damaged file kept aside; without a backup the user is told and the app keeps going."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from onpoint_desktop.errors import DamagedWorkspaceError
from onpoint_desktop.workspace import Workspace
from tests.gui_support import answer_modal, demo_copy, error_boxes, message_boxes, window


def damage(path):
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)  # wipe the schema page
    path.write_bytes(bytes(data))


@pytest.fixture
def district(tmp_path):
    path = tmp_path / "Lakeside.onpoint.db"
    with Workspace.create(path, "Lakeside USD") as ws:
        ws.add_round("2025-26", "year1")
        ws.rate("2025-26", "it_support_plan", 3, note="before the crash")
    return path


def _press(text):
    def press(box):
        button = next(b for b in box.buttons() if text in b.text())
        button.click()

    return press


def test_a_damaged_workspace_is_restored_from_its_latest_backup(qtbot, window, district):
    Workspace.open(district).close()  # opening takes a rolling backup
    damage(district)
    damaged = district.read_bytes()
    seen = answer_modal(qtbot, _press("Restore backup"))
    assert window.open_workspace(district) is True
    assert "latest good backup was taken" in seen[0].informativeText()
    assert window.session.path == district and window.session.district_name == "Lakeside USD"
    assert window.session.rating("it_support_plan").note == "before the crash"
    (box,) = message_boxes(window)
    aside = next(
        p for p in district.parent.iterdir() if ".damaged-" in p.name and p.suffix != "-wal"
    )
    assert str(aside) in box.informativeText()
    assert aside.read_bytes() == damaged  # nothing is lost


def test_declining_the_restore_changes_nothing(qtbot, window, district):
    Workspace.open(district).close()
    damage(district)
    damaged = district.read_bytes()
    before = window.session.path
    answer_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    assert window.open_workspace(district) is False
    assert window.session.path == before
    assert district.read_bytes() == damaged


def test_without_a_backup_the_user_is_told_and_the_app_keeps_going(window, district):
    damage(district)  # never opened, so never backed up
    before = window.session.path
    assert window.open_workspace(district) is False
    message = error_boxes(window)[0].informativeText()
    assert "no usable backup" in message and str(district) in message
    assert window.session.path == before and window.session.score() is not None


def test_at_start_up_the_damaged_last_workspace_is_offered_for_restore(qtbot, window, district):
    from ui.app import open_start_workspace

    Workspace.open(district).close()
    damage(district)
    workspace, problem = open_start_workspace(None, district)
    workspace.close()  # the app started on the demo district instead
    assert isinstance(problem, DamagedWorkspaceError)
    answer_modal(qtbot, _press("Restore backup"))
    assert window.offer_recovery(problem) is True
    assert window.session.path == district
    assert window.session.rating("it_support_plan").level == 3


def test_a_damaged_demo_district_is_set_aside_and_rebuilt(tmp_path):
    from onpoint_desktop import paths
    from ui.app import open_start_workspace

    demo = paths.demo_workspace_path()
    open_start_workspace(None, None)[0].close()  # first run builds the demo
    damage(demo)
    broken = demo.read_bytes()
    workspace, problem = open_start_workspace(None, None)
    assert "A fresh demo district was built" in str(problem)
    assert not isinstance(problem, DamagedWorkspaceError)  # nothing to restore: it's rebuilt
    assert workspace.path == demo and len(workspace.rounds()) == 3
    workspace.close()
    kept = list(demo.parent.glob(f"{demo.name}.unopenable-*"))
    assert [p.read_bytes() for p in kept if not p.name.endswith(("-wal", "-shm"))] == [broken]

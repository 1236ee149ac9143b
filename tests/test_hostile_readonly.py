"""A workspace this user cannot write opens read-only: it can be looked at, scored and
exported; every change is refused with a clear sentence, and nothing changes."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from onpoint_desktop.errors import DamagedWorkspaceError, WorkspaceError
from onpoint_desktop.report import write_report
from onpoint_desktop.surveys import import_survey
from onpoint_desktop.sync import export_bundle
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace import store as store_module
from tests.conftest import SAMPLES
from tests.gui_support import demo_copy, error_boxes, open_window
from tests.sync_support import signer

ROOT = Path(__file__).resolve().parent.parent


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def district(demo_copy) -> Path:
    """A closed copy of the demo district (rounds, ratings and surveys)."""
    return demo_copy


def every_change(ws: Workspace, tmp_path: Path) -> dict:
    """Each kind of change a consultant can make, as a callable."""
    round_id = ws.latest_round().id
    pack = tmp_path / "pack.json"
    return {
        "rate": lambda: ws.rate(round_id, "workforce_plan", 4, "new evidence"),
        "clear": lambda: ws.rate(round_id, "workforce_plan", None),
        "add round": lambda: ws.add_round("2031-32", "year3"),
        "stage": lambda: ws.set_round_stage(round_id, "year3"),
        "rename": lambda: ws.rename_district("Elsewhere"),
        "import": lambda: import_survey(ws, SAMPLES / "teacher_template.csv", round_id, "teacher"),
        "benchmark pack": lambda: _import_pack(ws, pack),
    }


def _import_pack(ws, pack: Path):
    from onpoint_desktop.sync import import_pack
    from tests.sync_support import signed_pack, trusted_hq

    document = json.loads(
        (ROOT / "resources" / "benchmarks" / "illustrative-default.json").read_text()
    )
    signed_pack(document, pack, trusted_hq(pack.parent / "hq")[1])  # as HQ sends it
    return import_pack(ws, pack)


def test_every_change_is_refused_clearly_and_the_file_is_untouched(district, tmp_path):
    before = digest(district)
    with Workspace.open(district, read_only=True) as ws:
        assert ws.read_only
        assert "read-only" in ws.read_only_notice and district.name in ws.read_only_notice
        score = ws.score()
        for action, change in every_change(ws, tmp_path).items():
            with pytest.raises(WorkspaceError) as refused:
                change()
            message = str(refused.value)
            assert str(district) in message, action
            assert "read-only" in message and "nothing was changed" in message, action
        assert ws.score() == score  # still reading, unchanged
    assert digest(district) == before


def test_a_read_only_workspace_can_still_be_reported_and_exported(district, tmp_path):
    with Workspace.open(district, read_only=True) as ws:
        report = write_report(ws, None, tmp_path / "report.docx")
    assert report.stat().st_size > 10_000
    result = export_bundle(district, tmp_path / "d.onpointbundle", signer=signer("Ana"), seal=False)
    assert result.counts["rating_events"] > 0


def test_an_unwritable_file_or_folder_opens_read_only_by_itself(district, monkeypatch):
    """The decision follows what the operating system says this user may do."""
    asked = []

    def access(path, mode):
        asked.append(Path(path))
        return not mode & os.W_OK

    monkeypatch.setattr("onpoint_desktop.workspace.connection.os.access", access)
    with Workspace.open(district) as ws:
        assert ws.read_only
        with pytest.raises(WorkspaceError, match="read-only"):
            ws.rate(ws.latest_round().id, "workforce_plan", 1)
    assert district in asked
    monkeypatch.undo()
    with Workspace.open(district) as ws:
        assert not ws.read_only and ws.read_only_notice is None


CHILD = """
import json, os, sys
from onpoint_desktop.framework import framework
from onpoint_desktop.model_catalogue import shipped_model, shipped_model_ids
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.workspace import Workspace
# Load what the run needs while the project is still readable: the ordinary user below
# may not be able to read the checkout or the virtual environment.
framework()
shipped_model("onpoint-1")
shipped_model_ids()
import onpoint_desktop.paths  # the rolling backup on open loads it when it first runs
if os.getuid() == 0:  # root ignores file modes: look at the folder as an ordinary user
    os.setgid(65534)
    os.setuid(65534)
result = {}
try:
    ws = Workspace.open(sys.argv[1])
    result["read_only"] = ws.read_only
    result["total"] = ws.score().total
    try:
        ws.rate(ws.latest_round().id, "workforce_plan", 4)
        result["rated"] = True
    except OnpointError as exc:
        result["refused"] = str(exc)
    ws.close()
except OnpointError as exc:
    result["open_failed"] = f"{type(exc).__name__}: {exc}"
print(json.dumps(result))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_workspace_in_a_read_only_folder_opens_for_reading(district):
    """The real thing: a folder this user may not write (where SQLite cannot put the WAL
    index). Before read-only support this was reported as a *damaged* workspace."""
    folder = Path(tempfile.mkdtemp(prefix="onpoint-ro-"))
    home = Path(tempfile.mkdtemp(prefix="onpoint-ro-home-"))
    try:
        path = folder / "Riverbend.onpoint.db"
        shutil.copy(district, path)
        with Workspace.open(path, backup=False) as ws:
            expected = ws.score().total
        before = digest(path)
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
        os.chmod(home, 0o777)
        env = dict(os.environ, PYTHONPATH=str(ROOT), ONPOINT_HOME=str(home))
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout)
        assert "open_failed" not in result, result
        assert result["read_only"] is True
        assert result["total"] == pytest.approx(expected)
        assert "read-only" in result["refused"] and str(path) in result["refused"]
        assert digest(path) == before
        assert sorted(p.name for p in folder.iterdir()) == [path.name]
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


def test_the_window_shows_an_error_on_a_rating_and_keeps_running(qtbot, district, monkeypatch):
    monkeypatch.setattr(store_module, "writable", lambda path: False)
    before = digest(district)
    window = open_window(qtbot, district)
    qtbot.waitUntil(lambda: window._painted)  # the window is settled
    ws = window.session.workspace
    assert ws.read_only
    assert "[read-only]" in window.windowTitle()
    assert window.path_label.text().startswith("Read-only")
    assert "save a copy" in window.path_label.toolTip()
    area = "pl_rollout_plan"
    level = window.board.tiles[area].rating.level
    tile = window.board.tiles[area]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_1 if level != 1 else Qt.Key.Key_2)
    qtbot.waitUntil(lambda: len(error_boxes(window)) == 1)
    box = error_boxes(window)[0]
    assert "read-only" in box.informativeText()
    assert tile.rating.level == level  # the tile shows what is stored
    # Still running and responsive: another round can be viewed, the score is shown.
    rounds = ws.rounds()
    window.session.set_round(rounds[0].id)
    assert window.session.round_id == rounds[0].id
    assert window.panel.total_label.text()
    assert window.isVisible()
    assert digest(district) == before


def test_a_damaged_read_only_workspace_is_reported_as_damaged(district):
    """Read-only or not, damage is named as damage (the restore flow keys on it)."""
    data = bytearray(district.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)  # wipe the schema page
    district.write_bytes(bytes(data))
    with pytest.raises(DamagedWorkspaceError, match="damaged"):
        Workspace.open(district, read_only=True)

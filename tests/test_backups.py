"""Rolling backups and recovery of a damaged workspace."""

from __future__ import annotations

import os

import pytest

from onpoint_desktop.cli import main
from onpoint_desktop.errors import DamagedWorkspaceError, WorkspaceError
from onpoint_desktop.workspace import Workspace, backup


@pytest.fixture
def district(tmp_path):
    path = tmp_path / "d.onpoint.db"
    with Workspace.create(path, "Backup District") as ws:
        ws.add_round("r1", "year1")
        ws.rate("r1", "it_support_plan", 3, note="before the crash")
    return path


def damage(path):
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)  # wipe the schema page
    path.write_bytes(bytes(data))


def test_open_takes_a_rolling_backup_at_most_every_few_minutes(district):
    Workspace.open(district).close()
    assert len(backup.find_backups(district)) == 1
    Workspace.open(district).close()
    assert len(backup.find_backups(district)) == 1  # too soon for another


def test_backups_roll_keeping_the_newest(district, monkeypatch):
    monkeypatch.setattr(backup, "KEEP", 3)
    with Workspace.open(district) as ws:
        for _ in range(5):
            backup.rolling_backup(ws.conn, district, ws.workspace_uuid, force=True)
    found = backup.find_backups(district)
    assert len(found) == 3
    assert all(backup.is_sound(b.path) for b in found)


def test_a_backup_is_a_consistent_copy_with_the_latest_changes(district):
    with Workspace.open(district, backup=False) as ws:
        ws.rate("r1", "workforce_plan", 2)
        made = backup.rolling_backup(ws.conn, district, ws.workspace_uuid, force=True)
    with Workspace.open(made, backup=False) as copy:
        assert copy.levels("r1") == {"it_support_plan": 3, "workforce_plan": 2}


def test_damaged_workspace_is_detected_and_restored_from_the_latest_good_backup(district):
    Workspace.open(district).close()  # leaves a backup
    damage(district)
    damaged_bytes = district.read_bytes()
    with pytest.raises(DamagedWorkspaceError) as exc:
        Workspace.open(district)
    assert "backups restore" in str(exc.value)
    good = backup.latest_good_backup(district)
    assert good is not None
    aside = backup.restore(good.path, district)
    assert aside.read_bytes() == damaged_bytes  # nothing is ever lost
    with Workspace.open(district) as ws:
        assert ws.board("r1")["it_support_plan"].note == "before the crash"


def test_damaged_backups_are_skipped(district):
    with Workspace.open(district, backup=False) as ws:
        first = backup.rolling_backup(ws.conn, district, ws.workspace_uuid, force=True)
        second = backup.rolling_backup(ws.conn, district, ws.workspace_uuid, force=True)
    damage(second)
    os.utime(second)
    assert backup.latest_good_backup(district).path == first
    with pytest.raises(WorkspaceError, match="itself damaged"):
        backup.restore(second, district)


def test_cli_restores_the_latest_good_backup(district, capsys):
    Workspace.open(district).close()
    damage(district)
    assert main(["backups", "restore", str(district)]) == 0
    assert "Restored" in capsys.readouterr().out
    with Workspace.open(district) as ws:
        assert ws.levels("r1") == {"it_support_plan": 3}


def test_cli_says_when_there_is_no_backup(tmp_path, capsys):
    assert main(["backups", "restore", str(tmp_path / "x.onpoint.db")]) == 1
    assert "No usable backup" in capsys.readouterr().err

"""Save a copy: a consistent snapshot with a workspace identity of its own."""

from __future__ import annotations

import pytest

from onpoint_desktop.errors import Cancelled, WorkspaceError
from onpoint_desktop.workspace import Workspace, backup
from onpoint_desktop.workspace.copies import save_copy


@pytest.fixture
def district(tmp_path):
    path = tmp_path / "d.onpoint.db"
    with Workspace.create(path, "Copy District") as ws:
        ws.add_round("r1", "year1")
        ws.rate("r1", "it_support_plan", 3, note="seen in the IT plan")
    return path


def test_a_copy_has_the_data_a_new_workspace_uuid_and_the_same_district(district, tmp_path):
    with Workspace.open(district, backup=False) as ws:
        ws.rate("r1", "workforce_plan", 2)  # still in the WAL while the workspace is open
        result = save_copy(district, tmp_path / "copy.onpoint.db")
        original_uuid, district_uuid = ws.workspace_uuid, ws.district.uuid
        original_score = ws.score("r1").total
    assert result.copied_from == original_uuid
    with Workspace.open(result.path, backup=False) as copy:
        assert copy.workspace_uuid == result.workspace_uuid != original_uuid
        assert copy.district.uuid == district_uuid
        assert copy.meta("copied_from") == original_uuid
        assert copy.levels("r1") == {"it_support_plan": 3, "workforce_plan": 2}
        assert copy.board("r1")["it_support_plan"].note == "seen in the IT plan"
        assert copy.score("r1").total == original_score
    with Workspace.open(district, backup=False) as ws:
        assert ws.workspace_uuid == original_uuid  # the source is untouched
        assert ws.meta("copied_from") is None


def test_two_copies_are_two_workspaces_with_their_own_backups(district, tmp_path):
    first = save_copy(district, tmp_path / "a.onpoint.db")
    second = save_copy(district, tmp_path / "b.onpoint.db")
    assert first.workspace_uuid != second.workspace_uuid
    Workspace.open(first.path).close()
    Workspace.open(district).close()
    assert len(backup.find_backups(first.path)) == 1
    assert backup.find_backups(first.path)[0].path.parent.name == first.workspace_uuid


def test_copy_onto_itself_or_into_a_missing_folder_is_refused(district, tmp_path):
    before = district.read_bytes()
    with pytest.raises(WorkspaceError, match="the workspace itself"):
        save_copy(district, district)
    with pytest.raises(WorkspaceError, match="does not exist"):
        save_copy(district, tmp_path / "nowhere" / "copy.onpoint.db")
    assert district.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.onpoint.db"]


def test_a_cancelled_copy_leaves_no_file(district, tmp_path):
    dest = tmp_path / "copy.onpoint.db"
    seen = []
    with pytest.raises(Cancelled):
        save_copy(
            district,
            dest,
            progress=lambda done, total: seen.append(done),
            cancel=lambda: len(seen) >= 2,
        )
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.onpoint.db"]

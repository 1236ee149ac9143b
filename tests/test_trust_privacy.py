"""Privacy and the disk (issue 11, SPEC §9): response keys leave the workspace only as
HMAC-SHA256 under its own secret (and re-merging stays idempotent); every file holding
survey data is owner-only; a full disk is reported as a full disk, never as damage."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from onpoint_desktop.errors import DamagedWorkspaceError, WorkspaceError
from onpoint_desktop.sync import HQStore, merge_bundles
from onpoint_desktop.workspace import Response, Workspace
from onpoint_desktop.workspace import opener as opener_module
from onpoint_desktop.workspace.backup import find_backups
from onpoint_desktop.workspace.copies import save_copy
from tests.cli_support import run
from tests.sync_support import export, members, signer
from tests.test_old_files import FIXTURES, HQ_V1, WORKSPACE_V1

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def surveyed(ws):
    ws.add_survey_responses(
        "r1",
        "teacher",
        [Response(f"qualtrics:R_{n:04d}", {"T01": 1 + n % 5}, school="North") for n in range(6)],
    )
    return ws


def test_bundles_carry_no_join_key_back_to_the_survey_export(surveyed, tmp_path):
    """The finding: bundles carried the tool's response ids (``qualtrics:R_…``)."""
    out = export(surveyed.path, tmp_path / "b.onpointbundle", signer("Ana Ruiz"))
    blob = b"".join(members(out).values())
    assert b"qualtrics" not in blob and b"R_0001" not in blob
    keys = [json.loads(line)["key"] for line in members(out)["survey_responses.jsonl"].splitlines()]
    assert len(set(keys)) == 6 and all(k.startswith("hmac-sha256:") for k in keys)
    with Workspace.create(tmp_path / "other.onpoint.db", "Other") as other:  # other secret
        other.add_round("r1", "planning")
        other.add_survey_responses("r1", "teacher", [Response("qualtrics:R_0001", {"T01": 2})])
    theirs = export(tmp_path / "other.onpoint.db", tmp_path / "o.onpointbundle", signer("B"))
    (their_key,) = [
        json.loads(x)["key"] for x in members(theirs)["survey_responses.jsonl"].splitlines()
    ]
    assert their_key not in keys  # the same respondent id gives another key elsewhere


def test_re_merging_the_same_responses_stays_idempotent(surveyed, tmp_path):
    who = signer("Ana Ruiz")
    first = export(surveyed.path, tmp_path / "1.onpointbundle", who)
    surveyed.rate("r1", "workforce_plan", 3)
    second = export(surveyed.path, tmp_path / "2.onpointbundle", who)
    copy = save_copy(surveyed.path, tmp_path / "copy.onpoint.db")  # a copy keeps the secret
    third = export(copy.path, tmp_path / "3.onpointbundle", signer("Ben Cho"))
    hq, _ = HQStore.create(tmp_path / "hq.db")
    summary = merge_bundles(hq, [first, second, third], trust_new_signers=True)
    assert [o.added["survey_responses"] for o in summary.outcomes] == [6, 0, 0]
    assert hq.counts()["survey_responses"] == 6
    hq.close()


def test_responses_sent_first_with_plain_keys_are_not_counted_twice(tmp_path):
    """A workspace of release 1 sent its responses under the survey tool's ids; upgraded,
    it sends them as HMACs. HQ counts each respondent once."""
    from onpoint_desktop.sync.hq_overview import hq_rounds

    workspace = tmp_path / WORKSPACE_V1
    shutil.copy(FIXTURES / WORKSPACE_V1, workspace)
    for name in (HQ_V1, HQ_V1 + ".private-key.pem"):  # holds release 1's bundles of it
        shutil.copy(FIXTURES / name, tmp_path / name)
    with HQStore.open(tmp_path / HQ_V1) as hq:
        before = {r.round_id: r.respondents for r in hq_rounds(hq)}
        upgraded = export(workspace, tmp_path / "v2.onpointbundle", signer("Ana Ruiz"))
        (outcome,) = merge_bundles(hq, [upgraded], trust_new_signers=True).outcomes
        assert outcome.status == "merged" and outcome.added["survey_responses"] > 0
        after = {r.round_id: r.respondents for r in hq_rounds(hq)}
    assert after == before
    with Workspace.open(workspace) as ws:
        assert after["2024-25"] == ws.respondent_counts("2024-25")


# --- owner-only files ----------------------------------------------------------------------


@POSIX
def test_every_file_holding_survey_data_is_owner_only(surveyed, tmp_path, monkeypatch):
    """The finding: backups were 0644. Workspaces, their WAL, backups (rolling and before
    an upgrade), copies, bundles, HQ stores and bundles held aside: 0600."""
    monkeypatch.setattr(os, "umask", os.umask)  # (restored by monkeypatch)
    old_mask = os.umask(0o022)  # the usual: files readable by everyone unless said
    try:
        path = surveyed.path
        assert _mode(path) == 0o600 and _mode(Path(f"{path}-wal")) == 0o600
        surveyed.close()
        with Workspace.open(path) as reopened:  # takes a rolling backup
            reopened.rate("r1", "workforce_plan", 2)
        (backup,) = find_backups(path)
        assert _mode(backup.path) == 0o600
        bundle = export(path, tmp_path / "b.onpointbundle", signer("Ana Ruiz"))
        copy = save_copy(path, tmp_path / "copy.onpoint.db").path
        hq, _ = HQStore.create(tmp_path / "hq.db")
        merge_bundles(hq, [bundle])  # held aside: a copy beside the store
        held = list(hq.pending_folder.iterdir())
        hq.close()
        for file in [bundle, copy, tmp_path / "hq.db", *held]:
            assert _mode(file) == 0o600, file
        assert _mode(tmp_path / "hq.db.pending") == 0o700

        old = tmp_path / WORKSPACE_V1  # release 1 left it 0644
        shutil.copy(FIXTURES / WORKSPACE_V1, old)
        os.chmod(old, 0o644)
        Workspace.open(old).close()  # upgraded after a backup, and made owner-only
        (upgrade_backup,) = tmp_path.glob(f"{WORKSPACE_V1}.before-migration-v1-*.bak")
        assert _mode(upgrade_backup) == 0o600 and _mode(old) == 0o600
    finally:
        os.umask(old_mask)


# --- a full disk ---------------------------------------------------------------------------


def test_opening_on_a_full_disk_says_full_disk_not_damaged(ws, monkeypatch, capsys):
    """The finding: opening a workspace on a full disk said it was damaged and offered a
    restore. SQLite then fails to make its shared-memory index ("disk I/O error")."""
    ws.rate("r1", "workforce_plan", 2)
    ws.close()
    real_connect = opener_module.connect

    class FullDisk:
        """A connection on a disk with no room left: SQLite's first read needs its WAL
        index beside the file, which cannot be made (SQLITE_IOERR_SHMSIZE)."""

        def __init__(self, conn):
            self.conn = conn

        def execute(self, *args):
            error = __import__("sqlite3").OperationalError("disk I/O error")
            error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"
            raise error

        def close(self):
            self.conn.close()

    monkeypatch.setattr(opener_module, "connect", lambda *a, **k: FullDisk(real_connect(*a, **k)))
    monkeypatch.setattr(opener_module, "free_bytes", lambda folder: 0)
    with pytest.raises(WorkspaceError) as refused:
        Workspace.open(ws.path)
    assert not isinstance(refused.value, DamagedWorkspaceError)  # no restore is offered
    assert "the disk is full (0 bytes free)" in str(refused.value)
    assert "damaged" not in str(refused.value)
    code, _, err = run(capsys, "score", ws.path)
    assert code == 1 and "disk is full" in err and "backups restore" not in err
    # the same I/O error with room on the disk is not called damage either
    monkeypatch.setattr(opener_module, "free_bytes", lambda folder: 10 * 1024**3)
    with pytest.raises(WorkspaceError) as other:
        Workspace.open(ws.path)
    assert not isinstance(other.value, DamagedWorkspaceError)
    assert "cannot be opened (disk I/O error)" in str(other.value)


@pytest.mark.skipif(sys.platform != "linux", reason="a real full disk: a small tmpfs")
def test_opening_on_a_really_full_disk_says_full_disk(tmp_path):
    """The same on a real file system that is full, where the machine lets us make one
    (root may mount a tmpfs; elsewhere this is skipped and the test above stands)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        with Workspace.create(mount / "w.onpoint.db", "Cedar Falls") as ws:
            ws.add_round("r1", "planning")
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(filler, b"\0" * 4096):
                pass
        except OSError:  # no space left on device: the disk is full
            pass
        finally:
            os.close(filler)
        with pytest.raises(WorkspaceError) as refused:
            Workspace.open(mount / "w.onpoint.db", backup=False)
        assert not isinstance(refused.value, DamagedWorkspaceError)
        assert "the disk is full" in str(refused.value)
        (mount / "filler").unlink()  # space freed: it opens again
        with Workspace.open(mount / "w.onpoint.db", backup=False) as ws:
            assert [r.id for r in ws.rounds()] == ["r1"]
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)

"""A full disk: the change in flight is refused with a clear sentence, nothing half-written
stays behind, everything before it is intact, and work resumes once space is freed.

The workspace and HQ store fill up for real: SQLite's ``max_page_count`` caps the file,
and the work goes on until a page it needs cannot be had (SQLITE_FULL, "database or disk
is full"), exactly as on a full disk. Files written by Python (reports, bundles, the
backup marker) meet a folder whose disk fills after a few kilobytes (``ENOSPC``).
"""

from __future__ import annotations

import builtins
import errno
import gc
import io
import sqlite3
from pathlib import Path

import pytest

from onpoint_desktop.errors import BundleError, ReportError, WorkspaceError
from onpoint_desktop.report import write_report
from onpoint_desktop.surveys import import_survey
from onpoint_desktop.sync import HQStore, export_bundle, merge_bundles
from onpoint_desktop.sync.hq_store import canonical_dump
from onpoint_desktop.workspace import Workspace
from tests.conftest import SAMPLES
from tests.survey_helpers import dump
from tests.sync_support import district, export, signer

DISK_FULL = "disk is full"
UNLIMITED = 2**30


def cap(conn: sqlite3.Connection, spare_pages: int) -> None:
    """Let the file grow by ``spare_pages`` pages more, then be full."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def work_until_full(ws: Workspace, action, limit: int = 5000):
    """Repeat ``action(n)`` until the workspace is full; returns the n that failed, the
    workspace as it was just before, and the refusal."""
    for n in range(limit):
        before = dump(ws)
        try:
            action(n)
        except WorkspaceError as exc:
            return n, before, exc
    pytest.fail("the workspace never filled up")


def assert_refused_cleanly(ws: Workspace, before: dict, exc: WorkspaceError) -> None:
    message = str(exc)
    assert DISK_FULL in message and "nothing was changed" in message
    assert str(ws.path) in message
    assert dump(ws) == before  # everything before is intact, nothing of the failed change
    assert integrity(ws.path) == "ok"


def test_ratings_on_a_full_disk(ws):
    cap(ws.conn, 3)
    note = "Evidence from the site visit. " * 20
    areas = list(ws.framework.areas)

    def rate(n):
        ws.rate("r1", areas[n % len(areas)], 1 + n % 4, f"{n}: {note}")

    n, before, exc = work_until_full(ws, rate)
    assert n > 0
    assert_refused_cleanly(ws, before, exc)
    assert len(ws.history("r1")) == n
    ws.conn.execute(f"PRAGMA max_page_count = {UNLIMITED}")  # space was freed
    rate(n)
    assert len(ws.history("r1")) == n + 1


def test_survey_imports_on_a_full_disk(ws):
    for n in range(40):
        ws.add_round(f"s{n}", "year1")
    cap(ws.conn, 12)

    def import_into_new_round(n):
        import_survey(ws, SAMPLES / "teacher_qualtrics_text.csv", f"s{n}", "teacher")

    n, before, exc = work_until_full(ws, import_into_new_round, limit=40)
    assert_refused_cleanly(ws, before, exc)
    ws.conn.execute(f"PRAGMA max_page_count = {UNLIMITED}")
    import_into_new_round(n)
    summary = ws.survey_imports(f"s{n}")
    assert [s["rows_imported"] for s in summary] == [40]


def test_round_additions_on_a_full_disk(ws):
    cap(ws.conn, 1)

    def add_round(n):
        ws.add_round(f"{2000 + n}-{(n + 1) % 100:02d} assessment round", "year2")

    n, before, exc = work_until_full(ws, add_round)
    assert_refused_cleanly(ws, before, exc)
    ws.conn.execute(f"PRAGMA max_page_count = {UNLIMITED}")
    add_round(n)
    assert len(ws.rounds()) == n + 2  # r1, the rounds added before, and this one


@pytest.fixture
def two_bundles(tmp_path):
    who = signer("Ana Ruiz")
    bundles = []
    for n, name in enumerate(["Cedar Falls", "Maple Grove"]):
        db = district(tmp_path / f"d{n}.onpoint.db", name, [("2024-25", "year1")], seed=n)
        bundles.append(export(db, tmp_path / f"d{n}.onpointbundle", who))
    return bundles


def test_an_hq_merge_on_a_full_disk(tmp_path, two_bundles):
    first, second = two_bundles
    probe, _ = HQStore.create(tmp_path / "probe.db")
    merge_bundles(probe, [first], trust_new_signers=True)
    room_for_first = probe.conn.execute("PRAGMA page_count").fetchone()[0]
    probe.close()

    hq, _ = HQStore.create(tmp_path / "hq.db")
    hq.conn.execute(f"PRAGMA max_page_count = {room_for_first}")
    with pytest.raises(WorkspaceError) as full:
        merge_bundles(hq, [first, second], trust_new_signers=True)
    message = str(full.value)
    assert DISK_FULL in message and str(hq.path) in message
    assert str(second) in message and "1 bundle merged before it" in message
    held = canonical_dump(hq.conn)
    assert [row[2] for row in held["merged_bundles"]] == [_district_uuid(hq, "Cedar Falls")]
    assert integrity(hq.path) == "ok"

    hq.conn.execute(f"PRAGMA max_page_count = {UNLIMITED}")  # space was freed
    again = merge_bundles(hq, [first, second], trust_new_signers=True)
    assert [o.status for o in again.outcomes] == ["already-merged", "merged"]
    hq.close()


def _district_uuid(hq: HQStore, name: str) -> str:
    return hq.conn.execute("SELECT uuid FROM districts WHERE name = ?", (name,)).fetchone()[0]


# --- files written by Python: a folder whose disk fills up -----------------------------------


class _FillingFile(io.RawIOBase):
    """A file on a disk with ``room`` bytes left: writes past it fail with ENOSPC."""

    def __init__(self, real, room: list[int]) -> None:
        self.real, self.room = real, room

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        if len(data) > self.room[0]:
            self.real.write(data[: self.room[0]])  # what fitted stays on disk
            self.room[0] = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room[0] -= len(data)
        return self.real.write(data)

    def close(self) -> None:
        self.real.close()
        super().close()

    def fileno(self) -> int:
        return self.real.fileno()


class FullFolder(type(Path())):
    """A folder on a disk with ``room[0]`` bytes left."""

    room: list[int]


@pytest.fixture
def full_folder(tmp_path, monkeypatch) -> FullFolder:
    """A folder on a disk with 4 KiB left; files elsewhere are written normally."""
    folder = FullFolder(tmp_path / "full")
    folder.mkdir()
    room = folder.room = [4096]
    real_open = builtins.open

    def open_on_full_disk(file, mode="r", *args, **kwargs):
        target = Path(file) if isinstance(file, (str, Path)) else None
        writing = any(m in mode for m in "wax+")
        if target is None or not writing or folder not in target.resolve().parents:
            return real_open(file, mode, *args, **kwargs)
        binary = real_open(file, mode.replace("t", "") + ("b" if "b" not in mode else ""))
        raw = _FillingFile(binary, room)
        if "b" in mode:
            return io.BufferedWriter(raw)
        return io.TextIOWrapper(io.BufferedWriter(raw), encoding=kwargs.get("encoding"))

    monkeypatch.setattr(builtins, "open", open_on_full_disk)
    monkeypatch.setattr(io, "open", open_on_full_disk)
    return folder


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # python-docx
def test_a_report_to_a_full_folder_leaves_no_file(demo_db, full_folder):
    existing = full_folder / "Riverbend.docx"
    existing.write_bytes(b"last week's report")
    with Workspace.open(demo_db, backup=False) as ws:
        for out in (full_folder / "new.docx", existing):
            with pytest.raises(ReportError) as refused:
                write_report(ws, None, out)
            assert str(out) in str(refused.value) and "No space left" in str(refused.value)
    assert sorted(p.name for p in full_folder.iterdir()) == ["Riverbend.docx"]
    assert existing.read_bytes() == b"last week's report"
    del refused  # its traceback holds python-docx's abandoned zip writer, which complains
    gc.collect()  # when collected: here, under this test's warning filter


def test_a_bundle_to_a_full_folder_leaves_no_file(demo_db, full_folder):
    out = full_folder / "Riverbend.onpointbundle"
    with pytest.raises(BundleError) as refused:
        export_bundle(demo_db, out, signer=signer("Ana Ruiz"), seal=False)
    assert str(out) in str(refused.value) and "No space left" in str(refused.value)
    assert list(full_folder.iterdir()) == []


def test_a_backup_that_cannot_be_written_does_not_stop_the_work(ws, full_folder, monkeypatch):
    """The rolling backup on open needs room in the per-user data folder; without it the
    workspace still opens (and says why no backup was taken)."""
    monkeypatch.setenv("ONPOINT_HOME", str(full_folder))
    full_folder.room[0] = 0
    path = ws.path
    ws.close()
    with Workspace.open(path) as reopened:
        assert reopened.backup_problem and "No space left" in reopened.backup_problem
        reopened.rate("r1", "workforce_plan", 3)
        assert reopened.levels("r1") == {"workforce_plan": 3}

# ruff: noqa: F811 - the demo_copy fixture is imported
"""Time at HQ (issue 11, SPEC §9): valid instants only, a per-workspace order, the clock as
it is, a warning when it is behind, HQ's from-the-future refusal, and HQ's decisions that
win in any merge order. Clocks are faked (``clock.now``), never waited for."""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta, timezone

import pytest

from onpoint_desktop import clock
from onpoint_desktop.errors import BundleError, InputError
from onpoint_desktop.sync import HQStore, canonical_dump, conflicts, merge_bundles, resolve
from onpoint_desktop.sync.bundle import write_bundle
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.exchange import bundle_records
from tests.cli_support import run
from tests.gui_support import demo_copy  # noqa: F401 - fixture
from tests.sync_support import district, export, signer

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


class FakeClock:
    """The computer's clock, set by the test."""

    def __init__(self, monkeypatch, now: datetime = NOW) -> None:
        self.now = now
        monkeypatch.setattr(clock, "now", lambda: self.now)

    def set(self, now: datetime) -> None:
        self.now = now


@pytest.fixture
def fake_clock(monkeypatch):
    return FakeClock(monkeypatch)


def _level(hq: HQStore, area: str) -> int | None:
    row = hq.conn.execute("SELECT level FROM current_levels WHERE area_id = ?", (area,)).fetchone()
    return row[0] if row else None


def test_a_fast_clock_fixed_later_leaves_new_ratings_stamped_as_they_are(ws, fake_clock):
    """The finding: a laptop ten years fast stamped its events in 2036 and kept stamping
    after its clock was fixed ("one after the latest")."""
    fake_clock.set(NOW.replace(year=2036))
    ws.rate("r1", "workforce_plan", 2)
    fake_clock.set(NOW)  # the consultant fixes the clock
    later = ws.rate("r1", "workforce_plan", 3)
    assert later.created_at.startswith("2026-11-30T09:00")  # the clock as it is
    assert ws.levels("r1") == {"workforce_plan": 3}  # the workspace's own order decides
    assert [e.seq for e in ws.history("r1")] == [1, 2]


def test_the_app_warns_when_the_clock_is_behind_the_workspace(ws, fake_clock, capsys):
    ws.rate("r1", "workforce_plan", 2)
    assert ws.clock_behind() is None
    fake_clock.set(NOW - timedelta(minutes=50))  # within the hour: no warning
    assert ws.clock_behind() is None
    fake_clock.set(NOW - timedelta(hours=3))
    assert ws.clock_behind() >= timedelta(hours=2, minutes=59)
    ws.close()
    code, _, err = run(capsys, "rate", ws.path, "--round", "r1", "it_support_plan", "3")
    assert code == 0
    assert "warning: this computer's clock reads 3 hours earlier than the latest rating" in err


def test_hq_keeps_genuinely_later_ratings_over_a_fast_laptops(tmp_path, fake_clock):
    """The finding: HQ kept the 2036 ratings over genuinely later ones. A bundle holding
    an event more than 48 hours ahead of HQ's clock is refused, the store unchanged."""
    ana, ben = signer("Ana Ruiz"), signer("Ben Cho")
    a = district(tmp_path / "a.onpoint.db", "Cedar Falls", [("2024-25", "planning")])
    copy = tmp_path / "b.onpoint.db"
    shutil.copy(a, copy)
    fake_clock.set(NOW.replace(year=2036))
    with Workspace.open(a) as ws:
        ws.rate("2024-25", "workforce_plan", 1)  # a laptop ten years fast
    fake_clock.set(NOW)
    fast = export(a, tmp_path / "fast.onpointbundle", ana)
    with Workspace.open(copy) as ws:
        ws.rate("2024-25", "workforce_plan", 4)  # genuinely later
    right = export(copy, tmp_path / "right.onpointbundle", ben)
    hq, _ = HQStore.create(tmp_path / "hq.db")
    summary = merge_bundles(hq, [right, fast], trust_new_signers=True)
    assert [o.status for o in summary.outcomes] == ["merged", "refused"]
    refused = summary.outcomes[1]
    assert refused.reason == "from-the-future" and "2036" in refused.message
    assert "clock" in refused.message
    assert _level(hq, "workforce_plan") == 4
    hq.close()


def test_a_bundle_dated_2099_renames_nothing_and_moves_no_stage(tmp_path, fake_clock):
    """The finding: a bundle dated 2099 by a trusted signer renamed a district and moved
    its round's stage for good."""
    ana = signer("Ana Ruiz")
    db = district(tmp_path / "a.onpoint.db", "Cedar Falls", [("2024-25", "planning")])
    first = export(db, tmp_path / "first.onpointbundle", ana)
    with Workspace.open(db) as ws:
        ws.rename_district("Hijacked")
        ws.set_round_stage("2024-25", "year3")
        snapshot = ws.conn
        content, _ = bundle_records(snapshot)
    dated = write_bundle(
        content,
        tmp_path / "2099.onpointbundle",
        ana,
        None,
        created_at="2099-01-01T00:00:00.000000Z",
    ).path
    hq, _ = HQStore.create(tmp_path / "hq.db")
    merge_bundles(hq, [first], trust_new_signers=True)
    before = canonical_dump(hq.conn)
    (outcome,) = merge_bundles(hq, [dated]).outcomes
    assert outcome.status == "refused" and outcome.reason == "from-the-future"
    assert "dated 2099-01-01" in outcome.message
    assert canonical_dump(hq.conn) == before
    name, stage = hq.conn.execute(
        "SELECT d.name, r.stage FROM districts d JOIN rounds r ON r.district_uuid = d.uuid"
    ).fetchone()
    assert (name, stage) == ("Cedar Falls", "planning")
    hq.close()


def test_an_impossible_time_is_not_a_time(tmp_path, fake_clock):
    """The finding: ``9999-99-99T99:99:99Z`` passed as a time."""
    assert clock.parse_instant("9999-99-99T99:99:99.000000Z") is None
    assert clock.parse_instant("2026-02-30T10:00:00.000000Z") is None
    assert clock.parse_instant("2026-02-28T10:00:00.000000Z") is not None
    db = district(tmp_path / "a.onpoint.db", "Cedar Falls", [("2024-25", "planning")])
    with Workspace.open(db) as ws:
        content, _ = bundle_records(ws.conn)
    content.rating_events[0]["created_at"] = "9999-99-99T99:99:99.000000Z"
    with pytest.raises(BundleError, match="not a valid UTC time"):  # the writer checks itself
        write_bundle(content, tmp_path / "odd.onpointbundle", signer("A"), None)
    assert not (tmp_path / "odd.onpointbundle").exists()


# --- HQ's decisions ----------------------------------------------------------------------------


@pytest.fixture
def disagreement(tmp_path, fake_clock):
    """Ana's bundle and Ben's (from a copy) disagree on one area; then each sends a newer
    bundle where they still disagree, and a third consultant's bundle of another district."""
    ana, ben = signer("Ana Ruiz"), signer("Ben Cho")
    a = district(tmp_path / "a.onpoint.db", "Cedar Falls", [("2024-25", "planning")])
    b = tmp_path / "b.onpoint.db"
    shutil.copy(a, b)
    with Workspace.open(b) as ws:  # Save a Copy would give it its own id; so does this
        ws.conn.execute(
            "UPDATE meta SET value = 'c0ffee00-0000-4000-8000-000000000001' "
            "WHERE key = 'workspace_uuid'"
        )
    files = []
    for minutes, (db, who, level) in enumerate(
        [(a, ana, 2), (b, ben, 4), (a, ana, 1), (b, ben, 3)]
    ):
        fake_clock.set(NOW + timedelta(minutes=minutes))
        with Workspace.open(db) as ws:
            ws.rate("2024-25", "workforce_plan", level)
        files.append(export(db, tmp_path / f"{minutes}.onpointbundle", who))
    fake_clock.set(NOW + timedelta(hours=1))
    return {"files": files, "ana": ana, "ben": ben}


def test_a_conflict_shows_a_provisional_winner_marked_conflicted(disagreement, tmp_path, capsys):
    hq_db = tmp_path / "hq.db"
    HQStore.create(hq_db)[0].close()
    assert (
        run(capsys, "hq", "merge", hq_db, *disagreement["files"][:2], "--trust-new-signers")[0] == 0
    )
    code, out, _ = run(capsys, "hq", "list", hq_db)
    assert code == 0
    line = next(x for x in out.splitlines() if "Workforce" in x)
    assert "HQ keeps Established (latest; provisional, conflicted)" in line


def test_hq_resolve_wins_over_both_sides_in_any_merge_order(disagreement, tmp_path, capsys):
    files = disagreement["files"]
    dumps = []
    for n, order in enumerate([files, list(reversed(files)), random.Random(3).sample(files, 4)]):
        hq_db = tmp_path / f"hq{n}.db"
        HQStore.create(hq_db)[0].close()
        with HQStore.open(hq_db) as hq:
            merge_bundles(hq, order[:2], trust_new_signers=True)
            (before,) = conflicts(hq.conn)
            assert not before.resolved
        code, out, _ = run(
            capsys,
            "hq",
            "resolve",
            hq_db,
            "Cedar Falls",
            "2024-25",
            "workforce_plan",
            "--keep",
            disagreement["ana"].fingerprint[:10],
        )
        assert code == 0 and "keeping Ana Ruiz's view" in out
        with HQStore.open(hq_db) as hq:
            merge_bundles(hq, order[2:], trust_new_signers=True)  # both sides send more
            (after,) = conflicts(hq.conn)
            assert after.resolved and after.current_level == 1  # Ana's latest view
            assert _level(hq, "workforce_plan") == 1
            dumps.append(canonical_dump(hq.conn))
        code, out, _ = run(
            capsys,
            "hq",
            "resolve",
            hq_db,
            "Cedar Falls",
            "2024-25",
            "workforce_plan",
            "--level",
            "3",
        )
        with HQStore.open(hq_db) as hq:
            assert _level(hq, "workforce_plan") == 3
            merge_bundles(hq, files, trust_new_signers=True)
            assert _level(hq, "workforce_plan") == 3
    assert dumps[0] == dumps[1] == dumps[2]


def test_resolve_names_what_it_cannot_find(disagreement, tmp_path, capsys):
    hq_db = tmp_path / "hq.db"
    HQStore.create(hq_db)[0].close()
    with HQStore.open(hq_db) as hq:
        merge_bundles(hq, disagreement["files"][:2], trust_new_signers=True)
        with pytest.raises(InputError, match="No district 'Nowhere'"):
            resolve(hq, "Nowhere", "2024-25", "workforce_plan", level=2)
        with pytest.raises(InputError, match="Unknown focus area 'workforce'"):
            resolve(hq, "Cedar Falls", "2024-25", "workforce", level=2)
        with pytest.raises(InputError, match="No signer with fingerprint 'deadbeefdead'"):
            resolve(hq, "Cedar Falls", "2024-25", "workforce_plan", keep="deadbeefdead")
        with pytest.raises(InputError, match="LEVEL must be 0–4"):
            resolve(hq, "Cedar Falls", "2024-25", "workforce_plan", level=7)
        assert hq.conn.execute("SELECT count(*) FROM hq_decisions").fetchone() == (0,)
    with pytest.raises(SystemExit) as usage:  # a usage error: the command line is wrong
        run(capsys, "hq", "resolve", hq_db, "Cedar Falls", "2024-25", "workforce_plan")
    assert usage.value.code == 2 and "--level" in capsys.readouterr().err


def test_the_window_warns_when_the_clock_is_behind_the_workspace(qtbot, demo_copy, fake_clock):
    from tests.gui_support import open_window

    with Workspace.open(demo_copy) as ws:
        ws.rate(ws.latest_round().id, "workforce_plan", 3)
    fake_clock.set(NOW - timedelta(days=2))
    window = open_window(qtbot, demo_copy)
    message = window.statusBar().currentMessage()
    assert "clock reads 2 days earlier than the latest rating" in message

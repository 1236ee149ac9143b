"""HQ mode: create/open a store, merge bundles with a summary and conflicts, cancel a merge,
build a benchmark pack, verify an encrypted bundle."""

from __future__ import annotations

import threading
import time

import pytest
import shiboken6
from PySide6.QtWidgets import QProgressDialog, QPushButton

from onpoint_desktop.sync import HQStore, commit_group
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.backup import backup_to
from tests.gui_support import answer_modal, choose_file, message_boxes
from ui import hq_jobs
from ui.hq_actions import HQActions
from ui.settings import AppSettings


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """Five planning districts by Ana, and Ben's bundle from a copy of the first, where he
    rated one area differently (a conflict)."""
    from tests.sync_support import district, export, signer

    root = tmp_path_factory.mktemp("hq-bundles")
    ana, ben = signer("Ana Ruiz"), signer("Ben Cho")
    files = {}
    for i in range(5):
        db = district(root / f"d{i}.onpoint.db", f"District {i}", [("2024-25", "planning")], seed=i)
        files[f"d{i}"] = export(db, root / f"d{i}.onpointbundle", ana)
        if i == 0:
            ben_db = root / "d0-ben.onpoint.db"
            with Workspace.open(db, backup=False) as ws:
                backup_to(ws.conn, ben_db)
            with Workspace.open(ben_db, backup=False) as ws:
                ws.rate("2024-25", "pl_rollout_plan", 4, "Ben saw the rollout plan in use")
            files["ben"] = export(ben_db, root / "d0-ben.onpointbundle", ben)
            files["db0"] = db
    return files


@pytest.fixture
def hq(qtbot, tmp_path, monkeypatch):
    """The HQ window on a new store, created through HQ ▸ New HQ store…"""
    from PySide6.QtWidgets import QMainWindow

    main = QMainWindow()
    qtbot.addWidget(main)
    actions = HQActions(main, AppSettings())
    path = tmp_path / "National.hq.db"
    choose_file(monkeypatch, "getSaveFileName", path)
    actions.new_action.trigger()
    window = actions.windows[0]
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.view is not None, timeout=10000)
    assert AppSettings().last_hq_store() == path
    (box,) = message_boxes(window)
    key_file = tmp_path / "National public key.json"
    assert key_file.exists() and key_file.name in box.text()
    box.close()
    yield window
    qtbot.waitUntil(lambda: not window.running, timeout=10000)  # let the last job finish


def _merge(qtbot, window, monkeypatch, files, trust=True):
    """Merge ``files`` through the menu; with ``trust``, trust their signers' keys in the
    Signers tab first (as an analyst does after checking the fingerprints)."""
    if trust:
        _trust_store_keys(window, files)
    choose_file(monkeypatch, "getOpenFileNames", list(files))

    def options(dialog):
        assert dialog.files.count() == len(files)
        dialog.accept()

    answer_modal(qtbot, options)
    window.merge_action.trigger()
    qtbot.waitUntil(lambda: window.last_summary is not None, timeout=20000)
    summary = window.last_summary
    window.last_summary = None
    return summary


def _trust_store_keys(window, files):
    """Trust the signers of ``files`` directly in the store (the Signers tab is tested on
    its own below)."""
    from onpoint_desktop.sync import check_bundle
    from onpoint_desktop.sync.hq_signers import record_signer

    with HQStore.open(window.path) as store:
        for f in files:
            header = check_bundle(f, store).header
            with store.transaction():
                record_signer(store, header, "trusted")


def test_merging_two_bundles_shows_the_conflict(qtbot, hq, bundles, monkeypatch):
    summary = _merge(qtbot, hq, monkeypatch, [bundles["d0"], bundles["ben"]])
    text = summary.text()
    assert "2 bundles: 2 merged, 0 already merged, 0 held aside, 0 refused." in text
    assert "Conflicts in the merged districts: 1" in text
    conflict = summary.conflicts.item(0, 0).text(), summary.conflicts.item(0, 2).text()
    assert conflict == ("District 0", "PL Rollout Plan")
    assert "Ana Ruiz [" in summary.conflicts.item(0, 4).text()
    assert "]: Established" in summary.conflicts.item(0, 4).text()  # Ben's level 4
    assert "Ben Cho [" in summary.conflicts.item(0, 4).text()
    qtbot.waitUntil(lambda: hq.tree.model().rowCount() == 1, timeout=10000)
    tree = hq.tree.model()
    district = tree.index(0, 0)
    assert district.data() == "District 0" and tree.index(0, 6).data() == "1"  # conflicts
    first_round = [tree.index(0, column, district).data() for column in (0, 1)]
    assert first_round == ["2024-25", "Planning"]
    with HQStore.open(hq.path) as store:
        from onpoint_desktop.sync import overview

        total = overview(store)["districts"][0]["rounds"][0]["total"]
    assert tree.index(0, 2).data() == f"{total:.1f}"
    assert hq.conflicts.rowCount() == 1 and "(1)" in hq.tabs.tabText(1)
    assert "2 bundles from 2 trusted signers; 1 conflict (1 to resolve)." in hq.counts.text()

    again = _merge(qtbot, hq, monkeypatch, [bundles["d0"]])
    assert "1 bundle: 0 merged, 1 already merged, 0 held aside, 0 refused." in again.text()


def test_cancel_during_a_merge_keeps_the_bundles_already_merged(qtbot, hq, bundles, monkeypatch):
    real = hq_jobs.merge_bundles
    first_done = threading.Event()

    def held_after_the_first(store, files, *, progress, cancel, **options):
        def step(done, total):
            progress(done, total)
            if done == 1:
                first_done.set()
                deadline = time.monotonic() + 10
                while not cancel() and time.monotonic() < deadline:
                    time.sleep(0.01)

        return real(store, files, progress=step, cancel=cancel, **options)

    monkeypatch.setattr(hq_jobs, "merge_bundles", held_after_the_first)
    monkeypatch.setattr(commit_group, "SECONDS", 0)  # each bundle acknowledged on its own
    files = [bundles["d1"], bundles["d2"], bundles["d3"]]
    _trust_store_keys(hq, files)
    choose_file(monkeypatch, "getOpenFileNames", files)
    answer_modal(qtbot, lambda dialog: dialog.accept())
    hq.merge_action.trigger()
    qtbot.waitUntil(first_done.is_set, timeout=10000)
    # findChildren may list a dialog twice; one merge runs, so one dialog is meant
    found = {
        shiboken6.getCppPointer(d): d
        for d in hq.findChildren(QProgressDialog)
        if "Merging" in d.labelText()
    }
    (progress,) = found.values()
    progress.findChild(QPushButton).click()  # the user presses Cancel
    qtbot.waitUntil(lambda: hq.last_summary is not None, timeout=10000)
    summary = hq.last_summary
    assert summary.windowTitle() == "Merge cancelled"
    assert "Merge cancelled after 1 of 3 bundles (1 merged" in summary.text()
    assert "The other 2 were not touched." in summary.text()
    assert "each complete" in summary.notes.text()
    assert "Merging the same files again is safe" in summary.notes.text()
    assert summary.outcomes.rowCount() == 1
    with HQStore.open(hq.path) as store:
        assert store.counts()["merged_bundles"] == 1
    qtbot.waitUntil(lambda: hq.tree.model().rowCount() == 1, timeout=10000)


def test_a_pack_is_refused_before_a_file_name_is_asked_in_plain_words(
    qtbot, hq, monkeypatch, tmp_path
):
    """Issue 13: the refusal came only after choosing a file name, and spoke of
    "planning 0, year1 0". Now the core is asked first, and answers in words."""
    asked = []
    choose_file(monkeypatch, "getSaveFileName", tmp_path / "pack.json", asked)
    hq.pack_action.trigger()
    qtbot.waitUntil(lambda: bool(message_boxes(hq)), timeout=10000)
    (box,) = message_boxes(hq)
    said = box.text() + " " + box.informativeText()
    assert asked == []  # no file name was asked for
    assert "at least 5 districts with a complete round" in said
    assert "Planning: none; Year 1: none" in said
    assert "planning 0" not in said and "year1" not in said
    assert not (tmp_path / "pack.json").exists()


def test_benchmark_pack_says_which_stages_were_withheld_and_hq_scores_against_it(
    qtbot, hq, bundles, monkeypatch, tmp_path
):
    _merge(qtbot, hq, monkeypatch, [bundles[f"d{i}"] for i in range(5)])
    qtbot.waitUntil(lambda: hq.tree.model().rowCount() == 5, timeout=10000)
    assert "illustrative" in hq.counts.text()
    for box in message_boxes(hq):
        box.close()
    out = tmp_path / "pack.json"
    choose_file(monkeypatch, "getSaveFileName", out)
    hq.pack_action.trigger()
    qtbot.waitUntil(lambda: bool(message_boxes(hq)), timeout=10000)
    (box,) = message_boxes(hq)
    assert out.exists() and out.name in box.text()
    details = box.informativeText()
    assert "Planning (5 districts)" in details
    assert (
        "Withheld — fewer than 5 districts with a complete round: Year 1 (0 districts)" in details
    )
    # Issue 13: after building a pack the header still said "illustrative benchmark".
    qtbot.waitUntil(lambda: "Onpoint national benchmark" in hq.counts.text(), timeout=10000)
    assert "illustrative" not in hq.counts.text()


def test_verify_opens_an_encrypted_bundle_with_the_stores_key(qtbot, hq, bundles, tmp_path):
    from tests.sync_support import export, signer

    with HQStore.open(hq.path) as store:
        public = store.public_key
    sealed = export(bundles["db0"], tmp_path / "sealed.onpointbundle", signer("Cara Diaz"), public)
    hq.verify(sealed)
    qtbot.waitUntil(lambda: hq.last_check is not None, timeout=10000)
    fields = {k: v.text() for k, v in hq.last_check.fields.items()}
    assert fields["Result"].startswith("Valid")
    assert fields["Consultant"] == "Cara Diaz" and fields["District"] == "District 0"
    assert "new to this HQ store" in fields["Signer key"]
    assert fields["Encrypted"] == f"yes, for HQ key {public.fingerprint}"


def test_hq_can_save_its_public_key_file_again(qtbot, hq, tmp_path, monkeypatch):
    out = tmp_path / "again.json"
    choose_file(monkeypatch, "getSaveFileName", out)
    hq.key_action.trigger()
    (box,) = message_boxes(hq)
    with HQStore.open(hq.path) as store:
        public = store.public_key
    assert public.signing_fingerprint in box.informativeText()
    from onpoint_desktop.sync import keys

    assert keys.parse_hq_key(out.read_text(), str(out)) == public


def test_the_national_picture_tab_shows_stages_and_places_every_district(
    qtbot, hq, bundles, monkeypatch
):
    # Issue 17: a dashboard tab in the HQ window (the core's hq_picture on screen).
    files = [bundles[f"d{i}"] for i in range(5)]
    _merge(qtbot, hq, monkeypatch, files)
    qtbot.waitUntil(lambda: hq.tree.model().rowCount() == 5, timeout=10000)
    hq.tabs.setCurrentWidget(hq.dashboard)
    table = hq.dashboard.stages
    planning = [table.item(0, c).text() for c in range(table.columnCount())]
    assert planning[:5] == ["Planning", "5", "5", "5", "5"]  # now, with a round, complete, placed
    ((label, placed),) = hq.dashboard.chart.rows
    assert label == "Planning (onpoint-1)" and len(placed.districts) == 5
    with HQStore.open(hq.path) as store:
        from onpoint_desktop.sync import overview

        totals = sorted(d["rounds"][0]["total"] for d in overview(store)["districts"])
    assert planning[7] == f"{totals[2]:,.0f}"  # the median of five
    assert "No district has two rounds yet." in hq.dashboard.trends.text()
    assert "no two consultants have rated the same district" in hq.dashboard.agreement_label.text()
    _merge(qtbot, hq, monkeypatch, [bundles["ben"]])  # Ben rated District 0 from a copy
    qtbot.waitUntil(lambda: hq.dashboard.agreement.rowCount() == 1, timeout=10000)
    row = [hq.dashboard.agreement.item(0, c).text() for c in range(3)]
    assert row[0] in ("Ana Ruiz and Ben Cho", "Ben Cho and Ana Ruiz") and row[1] == "1"
    assert hq.dashboard.agreement.item(0, 6).text() == "PL Rollout Plan"
    hq.dashboard.grab().save(str(hq.path.parent / "dashboard.png"))

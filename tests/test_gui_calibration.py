"""Calibration cases in the app (SPEC §13): File ▸ Open calibration case…, the banner, the
district locked but ratings, and the HQ window's calibration cases."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from onpoint_desktop.sync import HQStore, merge_bundles
from onpoint_desktop.sync.calibration_cases import publish_case
from tests.gui_support import choose_file, error_boxes, open_window
from tests.sync_support import export, signer, trusted_hq
from tests.test_calibration_cases import ANA, source_district


@pytest.fixture
def district_copy(demo_db, tmp_path):
    """A private copy of the demo district."""
    shutil.copy(demo_db, tmp_path / "Riverbend.onpoint.db")
    return tmp_path / "Riverbend.onpoint.db"


@pytest.fixture
def window(qtbot, district_copy):
    """The main window on the demo district."""
    return open_window(qtbot, district_copy)


@pytest.fixture
def case(tmp_path):
    hq_db, _ = trusted_hq(tmp_path / "hq")
    source = source_district(tmp_path / "riverside.onpoint.db")
    with HQStore.open(hq_db) as hq:
        publish_case(hq, source, tmp_path / "alder.onpointcase", name="Alder Creek")
    return hq_db, tmp_path / "alder.onpointcase"


def test_open_a_case_shows_the_banner_locks_the_district_and_rates(
    qtbot, window, case, tmp_path, monkeypatch
):
    _, case_file = case
    assert not window.case_mode.banner.isVisible()
    out = tmp_path / "mine.onpoint.db"
    choose_file(monkeypatch, "getOpenFileName", case_file)
    choose_file(monkeypatch, "getSaveFileName", out)
    window.case_mode.open_action.trigger()
    qtbot.waitUntil(lambda: window.session.path == out, timeout=10000)
    banner = window.case_mode.banner
    assert banner.isVisible()
    assert banner.title.text().startswith(
        "Calibration case Alder Creek — rate blind from the evidence; your ratings go to HQ"
    )
    window.board.select("pl_rollout_plan")
    assert banner.evidence.text() == (
        "HQ's evidence for PL Rollout Plan: Alder Creek notes on pl_rollout_plan: see the plan."
    )
    for action in (
        window.add_round_action,
        window.import_action,
        window.imports_action,
        *window.round_actions.actions,
        window.evidence.walkthrough_action,
        window.evidence.view_actions["district"],
    ):
        assert not action.isEnabled(), action.text()
    assert not window.panel.action_plan.add_button.isEnabled()
    assert window.session.rated_count()[0] == 0  # blind: nothing carried from HQ
    tile = window.board.tiles["pl_rollout_plan"]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: window.session.rating("pl_rollout_plan").level == 3, timeout=5000)
    window.grab().save(str(tmp_path.parent / "calibration-case-window.png"))


def test_a_tampered_case_is_refused_with_its_name_and_nothing_opens(qtbot, window, case, tmp_path):
    _, case_file = case
    tampered = tmp_path / "tampered.onpointcase"
    tampered.write_text(case_file.read_text().replace("Alder Creek", "Alder Crook"))
    before = window.session.path
    assert window.case_mode.open_case(tampered, tmp_path / "t.onpoint.db") is False
    (box,) = error_boxes(window)
    assert str(tampered) in box.informativeText() and "changed after HQ signed it" in (
        box.informativeText()
    )
    assert window.session.path == before and not (tmp_path / "t.onpoint.db").exists()


def test_an_ordinary_district_after_a_case_is_unlocked_again(qtbot, case, tmp_path, district_copy):
    from onpoint_desktop.sync.calibration_open import open_case

    _, case_file = case
    db = open_case(case_file, tmp_path / "case.onpoint.db")
    main = open_window(qtbot, db)
    assert main.case_mode.banner.isVisible() and not main.add_round_action.isEnabled()
    assert main.open_workspace(district_copy)
    assert not main.case_mode.banner.isVisible()
    assert main.add_round_action.isEnabled() and main.import_action.isEnabled()
    assert main.evidence.view_actions["district"].isEnabled()


def test_hq_window_shows_each_consultant_against_the_anchor(qtbot, case, tmp_path):
    from onpoint_desktop.sync.calibration_open import open_case
    from ui.hq_window import HQWindow
    from ui.settings import AppSettings

    hq_db, case_file = case
    db = open_case(case_file, tmp_path / "ana.onpoint.db")
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(db, backup=False) as ws:
        for area, level in ANA.items():
            ws.rate("2024-25", area, level)
    with HQStore.open(hq_db) as hq:
        bundle = export(db, tmp_path / "a.onpointbundle", signer("Ana Ruiz"))
        merge_bundles(hq, [bundle], trust_new_signers=True)
    hq_window = HQWindow(hq_db, AppSettings())
    qtbot.addWidget(hq_window)
    hq_window.resize(1366, 900)
    hq_window.show()
    hq_window.refresh()  # as HQ ▸ Open HQ store… does
    cases = hq_window.dashboard.cases
    qtbot.waitUntil(lambda: cases.table.rowCount() == 1, timeout=10000)
    row = [cases.table.item(0, c).text() for c in range(cases.table.columnCount())]
    assert row[:7] == ["Alder Creek", "Ana Ruiz", "5", "60%", "80%", "0.29", "no"]
    assert row[7].startswith("Initiative Alignment")
    assert "1 case published" in cases.label.text()
    assert "No bundles merged yet" not in hq_window.counts.text()  # the case's bundle was
    assert "Riverside" not in " ".join(row)
    hq_window.tabs.setCurrentWidget(hq_window.dashboard)
    hq_window.grab().save(str(tmp_path.parent / "hq-calibration.png"))
    qtbot.waitUntil(lambda: not hq_window.running, timeout=10000)


def test_hq_publishes_a_case_from_its_window(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from onpoint_desktop.sync.calibration_open import open_case
    from tests.gui_support import message_boxes
    from ui.hq_window import HQWindow
    from ui.settings import AppSettings

    hq_db, _ = trusted_hq(tmp_path / "hq")
    source = source_district(tmp_path / "riverside.onpoint.db")
    hq_window = HQWindow(hq_db, AppSettings())
    qtbot.addWidget(hq_window)
    hq_window.show()
    hq_window.refresh()
    cases = hq_window.dashboard.cases
    qtbot.waitUntil(lambda: "none published yet" in cases.label.text(), timeout=10000)
    out = tmp_path / "Alder Creek.onpointcase"
    choose_file(monkeypatch, "getOpenFileName", source)
    choose_file(monkeypatch, "getSaveFileName", out)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Alder Creek", True))
    hq_window.case_publishing.action.trigger()
    qtbot.waitUntil(lambda: cases.table.rowCount() == 1, timeout=10000)
    assert [cases.table.item(0, c).text() for c in range(2)] == ["Alder Creek", "nobody yet"]
    (box,) = [b for b in message_boxes(hq_window) if "published" in b.windowTitle()]
    assert "Alder Creek" in box.text() and "no rating travels with it" in box.informativeText()
    assert open_case(out, tmp_path / "case.onpoint.db").exists()  # the consultant's side
    qtbot.waitUntil(lambda: not hq_window.running, timeout=10000)

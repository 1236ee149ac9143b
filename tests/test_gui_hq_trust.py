"""The HQ window's trust decisions: the Signers tab (Trust / Revoke by fingerprint), the
Conflicts tab (Resolve), and a merge summary that speaks the window's language with room
for its details (issues 11 and 13)."""

# ruff: noqa: F401, F811 - fixtures are imported from test_gui_hq
from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from onpoint_desktop.sync import HQStore, conflicts, signers
from tests.sync_support import export, signer
from tests.test_gui_hq import _merge, bundles, hq


def _select(table, column, text):
    for row in range(table.rowCount()):
        if text in table.item(row, column).text():
            table.selectRow(row)
            return row
    raise AssertionError(f"{text!r} not in the table")


def _press(box, words):
    (button,) = [b for b in box.buttons() if words in b.text().replace("&", "")]
    button.click()


def test_a_new_key_is_held_aside_and_trusted_in_the_signers_tab(qtbot, hq, bundles, monkeypatch):
    summary = _merge(qtbot, hq, monkeypatch, [bundles["d1"]], trust=False)
    assert "0 merged, 0 already merged, 1 held aside, 0 refused" in summary.text()
    details = summary.outcomes.item(0, 4).text()
    assert "Signers tab" in details and "--" not in summary.text()  # the window's words
    qtbot.waitUntil(lambda: hq.signers.rowCount() == 1, timeout=10000)
    assert "1 to check" in hq.tabs.tabText(2)
    assert "held aside" in hq.counts.text()
    with HQStore.open(hq.path) as store:
        assert store.counts()["merged_bundles"] == 0
        (pending,) = signers(store)
    assert hq.signers.item(0, 0).text() == "Not trusted yet"
    assert hq.signers.item(0, 2).text() == pending.fingerprint  # the fingerprint is shown

    _select(hq.signers, 2, pending.fingerprint)
    assert hq.signer_panel.trust_button.isEnabled()
    hq.signer_panel.trust_button.click()
    question = hq.last_question
    assert pending.fingerprint in question.informativeText()
    _press(question, "Trust")
    qtbot.waitUntil(lambda: hq.last_summary is not None, timeout=20000)
    assert "1 merged" in hq.last_summary.text()
    qtbot.waitUntil(lambda: hq.tree.model().rowCount() == 1, timeout=10000)
    assert hq.signers.item(0, 0).text() == "Trusted"
    with HQStore.open(hq.path) as store:
        assert store.counts()["merged_bundles"] == 1 and store.counts()["pending_bundles"] == 0


def test_a_key_posing_as_a_trusted_colleague_is_flagged_and_can_be_revoked(
    qtbot, hq, bundles, monkeypatch, tmp_path
):
    _merge(qtbot, hq, monkeypatch, [bundles["d2"]])  # Ana, trusted
    impostor = signer("Ana Ruiz")  # a stranger's key with Ana's name
    fake = export(bundles["db0"], tmp_path / "fake.onpointbundle", impostor)
    summary = _merge(qtbot, hq, monkeypatch, [fake], trust=False)
    assert "held aside" in summary.text()
    assert "same name as trusted signer Ana Ruiz" in summary.outcomes.item(0, 4).text()
    qtbot.waitUntil(lambda: hq.signers.rowCount() == 2, timeout=10000)
    row = _select(hq.signers, 2, impostor.fingerprint)
    assert "same name as trusted key" in hq.signers.item(row, 6).text()

    hq.signer_panel.trust_button.click()
    assert "Someone may be posing" in hq.last_question.informativeText()
    hq.last_question.close()
    hq.signer_panel.revoke_button.click()
    _press(hq.last_question, "Revoke")
    qtbot.waitUntil(
        lambda: any(
            hq.signers.item(r, 0).text() == "Revoked" for r in range(hq.signers.rowCount())
        ),
        timeout=10000,
    )
    with HQStore.open(hq.path) as store:
        assert store.counts()["pending_bundles"] == 0  # its held bundle was dropped
    again = _merge(qtbot, hq, monkeypatch, [fake], trust=False)
    assert "[revoked-signer]" not in again.text() and "(revoked-signer)" in again.text()


def test_the_conflicts_tab_resolves_a_conflict(qtbot, hq, bundles, monkeypatch):
    _merge(qtbot, hq, monkeypatch, [bundles["d0"], bundles["ben"]])
    qtbot.waitUntil(lambda: hq.conflicts.rowCount() == 1, timeout=10000)
    assert "provisional" in hq.conflicts.item(0, 3).text()
    hq.conflicts.selectRow(0)
    hq.conflict_panel.resolve_button.click()
    dialog = hq.last_resolve
    dialog.level.setCurrentIndex(dialog.level.findData(2))  # Emerging
    assert dialog.set_level.isChecked()
    dialog.accept()
    qtbot.waitUntil(lambda: "decided by HQ" in hq.conflicts.item(0, 3).text(), timeout=10000)
    assert hq.tabs.tabText(1) == "&Conflicts"  # nothing left to resolve
    with HQStore.open(hq.path) as store:
        (found,) = conflicts(store.conn)
    assert found.resolved and found.current_level == 2


def test_the_merge_summary_keeps_room_for_the_details(qtbot, hq, bundles, monkeypatch, tmp_path):
    """Issue 13: the Details column was crushed to ~40 px."""
    long_name = tmp_path / ("Riverbend Unified School District visit " * 4 + ".onpointbundle")
    long_name.write_bytes(bundles["d3"].read_bytes())
    summary = _merge(qtbot, hq, monkeypatch, [long_name, bundles["d4"]], trust=False)
    summary.show()
    qtbot.waitExposed(summary)
    table = summary.outcomes
    assert table.columnWidth(4) >= 300
    assert table.columnWidth(1) <= 220  # the file name is elided in the middle instead
    assert table.item(0, 1).toolTip() == str(long_name)
    summary.grab().save(str(tmp_path / "merge-summary.png"))


def test_the_hq_window_counts_in_plain_english(qtbot, hq, bundles, monkeypatch):
    """Issue 13: "1 districts … 1 bundles" and "Merge bundles…." (four dots)."""
    assert "…." not in hq.counts.text()
    assert "0 districts, 0 rounds, 0 bundles" in hq.counts.text()
    _merge(qtbot, hq, monkeypatch, [bundles["d1"]])
    qtbot.waitUntil(lambda: hq.tree.model().rowCount() == 1, timeout=10000)
    text = hq.counts.text()
    assert "1 district, 1 round, 1 bundle from 1 trusted signer; 0 conflicts." in text
    assert "…." not in text

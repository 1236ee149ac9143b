"""The Sync menu: export and verify bundles, HQ's public key, benchmark packs."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import copy
import json

from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.sync import keys, open_bundle
from onpoint_desktop.sync.hq_store import create_hq
from tests.gui_support import choose_file, demo_copy, error_boxes, message_boxes, window
from tests.sync_support import export, signed_pack, signer, trusted_hq


def _export_through_the_menu(qtbot, window, monkeypatch, out):
    choose_file(monkeypatch, "getSaveFileName", out)
    window.sync.export_action.trigger()
    qtbot.waitUntil(lambda: bool(message_boxes(window)), timeout=20000)
    (box,) = message_boxes(window)
    box.close()
    return box.text() + "\n" + box.informativeText()


def test_export_says_it_was_not_encrypted_and_signs_with_the_preferences_name(
    qtbot, window, tmp_path, monkeypatch
):
    window.session.author = "Dana Ortiz"
    out = tmp_path / "riverbend.onpointbundle"
    said = _export_through_the_menu(qtbot, window, monkeypatch, out)
    assert out.name in said and "Not encrypted" in said
    bundle = open_bundle(out)
    assert bundle.consultant_name == "Dana Ortiz"
    assert bundle.district_name == window.session.district_name
    assert bundle.content.counts()["rounds"] == len(window.session.rounds())
    assert f"key {keys.identity().fingerprint}" in said


def test_with_hqs_key_imported_the_export_is_encrypted_and_verify_says_so(
    qtbot, window, tmp_path, monkeypatch
):
    hq, public = create_hq(tmp_path / "hq.db", tmp_path / "hq-key.json")
    hq.close()
    choose_file(monkeypatch, "getOpenFileName", tmp_path / "hq-key.json")
    window.sync.hq_key_action.trigger()
    (box,) = message_boxes(window)
    assert public.fingerprint in box.text()
    box.close()
    out = tmp_path / "sealed.onpointbundle"
    said = _export_through_the_menu(qtbot, window, monkeypatch, out)
    assert f"Encrypted for HQ (key {public.fingerprint})" in said

    window.sync.verify(out)
    qtbot.waitUntil(lambda: window.sync.last_dialog is not None, timeout=10000)
    text = window.sync.last_dialog.text()
    assert "Encrypted for HQ" in text and public.fingerprint in text


def test_verify_lists_what_a_bundle_holds(qtbot, window, tmp_path):
    ana = signer("Ana Ruiz")
    bundle = export(window.session.path, tmp_path / "ana.onpointbundle", ana)
    window.sync.verify(bundle)
    qtbot.waitUntil(lambda: window.sync.last_dialog is not None, timeout=10000)
    dialog = window.sync.last_dialog
    assert dialog.windowTitle() == "Bundle verified"
    fields = {k: v.text() for k, v in dialog.fields.items()}
    assert fields["Result"].startswith("Valid")
    assert fields["District"] == window.session.district_name
    assert fields["Consultant"] == "Ana Ruiz"
    assert fields["Signer key"].startswith(ana.fingerprint)
    for rnd in window.session.rounds():
        assert rnd.label in fields["Rounds"]
    assert "rating events" in fields["Contents"]
    assert fields["Encrypted"].startswith("no")


def test_verify_shows_why_a_damaged_bundle_is_refused(qtbot, window, tmp_path):
    bundle = export(window.session.path, tmp_path / "ana.onpointbundle", signer("Ana Ruiz"))
    cut = tmp_path / "cut.onpointbundle"
    cut.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    window.sync.verify(cut)
    qtbot.waitUntil(lambda: window.sync.last_dialog is not None, timeout=10000)
    dialog = window.sync.last_dialog
    assert dialog.windowTitle() == "Bundle refused"
    assert dialog.fields["Result"].text() == "Refused (truncated)"
    assert str(cut) in dialog.fields["Why"].text()


def _pack(tmp_path, name="HQ pack 2025-26"):
    """A pack whose Year 2 figures sit far above the demo district, signed by an HQ whose
    key this computer trusts."""
    doc = shipped_model("onpoint-1").benchmark.to_dict()
    doc.update(name=name, date="2025-09-01", source="Onpoint HQ test", illustrative=False)
    year2 = copy.deepcopy(doc["stages"]["year2"])
    year2["n_districts"] = 12
    year2["total"] = {"p25": 900, "p50": 950, "p75": 990}
    for component in year2["components"]:
        year2["components"][component] = {"p25": 900, "p50": 950, "p75": 990}
    doc["stages"] = {"year2": year2}
    return signed_pack(doc, tmp_path / "pack.json", trusted_hq(tmp_path / "hq")[1])


def test_importing_a_benchmark_pack_updates_the_panel_at_once(qtbot, window, tmp_path, monkeypatch):
    panel = window.panel
    assert window.session.current_round.stage == "year2"
    assert "illustrative" in panel.benchmark_label.text()
    assert panel.band_label.text() == "Within benchmark"
    choose_file(monkeypatch, "getOpenFileName", _pack(tmp_path))
    window.sync.pack_action.trigger()
    assert (
        panel.benchmark_label.text()
        == "Benchmark: HQ pack 2025-26, 2025-09-01 · 12 districts at Year 2"
    )
    assert panel.band_label.text() == "Below benchmark"
    assert "median 950" in panel.median_label.text()
    for row in panel.bars.rows:  # every component's band moved to 900–990
        assert (row.band.p25, row.band.p75) == (900, 990)
    (box,) = message_boxes(window)
    assert "HQ pack 2025-26" in box.text()
    assert "Withheld by HQ" in box.informativeText()


def test_a_bad_pack_is_refused_and_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "pack.json"
    bad.write_text('{"format": "onpoint-benchmark/1", "name": "broken"')
    before = window.panel.benchmark_label.text()
    choose_file(monkeypatch, "getOpenFileName", bad)
    window.sync.pack_action.trigger()
    assert error_boxes(window) and str(bad) in error_boxes(window)[0].informativeText()
    assert window.panel.benchmark_label.text() == before
    assert window.session.benchmark().illustrative


def test_replacing_hqs_key_asks_first_and_shows_both_fingerprints(qtbot, window, tmp_path):
    _, first = create_hq(tmp_path / "a.onpoint-hq.db", tmp_path / "a.json")
    _, second = create_hq(tmp_path / "b.onpoint-hq.db", tmp_path / "b.json")
    window.sync.import_key_file(tmp_path / "a.json")
    for box in message_boxes(window):
        box.close()
    window.sync.import_key_file(tmp_path / "b.json")
    question = window.sync.last_question
    assert question is not None and question.isVisible()
    said = question.informativeText()
    for key in (first, second):
        assert key.fingerprint in said and key.signing_fingerprint in said
    assert keys.configured_hq_key() == first  # nothing replaced yet
    (replace,) = [b for b in question.buttons() if "Replace" in b.text()]
    replace.click()
    assert keys.configured_hq_key() == second
    (box,) = message_boxes(window)
    assert second.signing_fingerprint in box.text()
    assert first.signing_fingerprint in box.informativeText()  # what it replaced

"""The proof of SPEC §10: HQ publishes a second scoring model and every front-end scores
with it exactly as a hand computation says, with no code change.

HQ builds a signed model pack from ``tests/fixtures/models/pilot-2`` (a folder laid out
like ``resources/``); a consultant trusts HQ's key, installs the pack, starts a round
(it takes the new current model), rates and imports surveys through the CLI. The same
numbers (``model_support``, worked by hand) then come out of ``score --json``, the GUI
score panel, the Word report read back with python-docx, and ``hq list --json`` after the
bundle is merged at HQ.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from model_support import (
    COMPONENTS,
    FOCUS_AREAS,
    LEADERS,
    ONPOINT_1_TOTAL,
    PILOT_2,
    RATINGS,
    ROUND,
    STAGE,
    STRENGTHS,
    TEACHERS,
    TOTAL,
)
from report_reading import body_text, open_report, rows_of, table_with_header

from onpoint_desktop.cli import main
from onpoint_desktop.workspace import Workspace
from tests.cli_support import run
from tests.sync_support import export, signer, trusted_hq


def _survey_file(path: Path, rows: list[dict[str, int]]) -> Path:
    """The app's own template layout: item ids as headers, one respondent per row."""
    items = sorted({item for row in rows for item in row})
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["School", *items])
        for n, row in enumerate(rows):
            writer.writerow([f"School {n % 2}", *(row.get(i, "") for i in items)])
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """HQ publishes pilot-2; a consultant installs it and records the round worked by hand."""
    folder = tmp_path_factory.mktemp("second-model")
    mp = pytest.MonkeyPatch()
    mp.setenv("ONPOINT_HOME", str(folder / "home"))
    mp.setenv("ONPOINT_AUTHOR", "Test Consultant")
    hq_db, _ = trusted_hq(folder / "hq")
    pack = folder / "pilot-2.onpoint-model.json"
    db = folder / "pilot.onpoint.db"
    steps = [
        ["hq", "model-pack", hq_db, PILOT_2, "-o", pack],
        ["init", db, "--district", "Pilot District"],
        ["round", "add", db, "2024-25", "--stage", "planning"],  # before: onpoint-1
        ["model", "import", db, pack],
        ["round", "add", db, ROUND, "--stage", STAGE],
        *(["rate", db, "--round", ROUND, area, str(level)] for area, level in RATINGS.items()),
        *(
            [
                "import-survey",
                db,
                _survey_file(folder / f"{role}.csv", rows),
                "--round",
                ROUND,
                "--role",
                role,
            ]
            for role, rows in (("teacher", TEACHERS), ("leader", LEADERS))
        ),
    ]
    for argv in steps:
        assert main([str(a) for a in argv]) == 0, argv
    yield {"folder": folder, "hq": hq_db, "pack": pack, "db": db}
    mp.undo()


def _assert_hand_computed(doc: dict) -> None:
    """A ``score --json`` object (or an ``hq list`` round) against the hand computation."""
    assert doc["model"] == "pilot-2"
    assert doc["total"] == pytest.approx(TOTAL, abs=0.01)
    assert [c["id"] for c in doc["components"]] == list(COMPONENTS)
    for got in doc["components"]:
        name, score, expert, survey, band = COMPONENTS[got["id"]]
        assert got["name"] == name and got["band"] == band
        assert got["score"] == (pytest.approx(score, abs=0.01) if score is not None else None)
        assert got["expert"] == (pytest.approx(expert, abs=1e-5) if expert is not None else None)
        assert got["survey"] == (pytest.approx(survey, abs=1e-5) if survey is not None else None)
    assert doc["strengths"] == list(STRENGTHS)
    assert doc["focus_areas"] == list(FOCUS_AREAS)


def test_cli_scores_the_new_round_with_the_published_model(published, capsys):
    code, out, _ = run(capsys, "score", published["db"], "--round", ROUND, "--json")
    assert code == 0
    doc = json.loads(out)
    _assert_hand_computed(doc)
    n = {c["id"]: (c["n_teacher"], c["n_leader"]) for c in doc["components"]}
    assert n["professional_learning"] == (3, 3)  # T06 moved here: min_n 3 is met
    code, out, _ = run(capsys, "score", published["db"], "--round", ROUND)
    assert "Infrastructure & Operations" in out and "Pilot-2 illustrative benchmark" in out
    assert "Model          pilot-2" in out and "n<3" in out
    assert "Pilot-2: Share what works in Culture of Innovation" in out
    code, out, _ = run(capsys, "score", published["db"], "--round", "2024-25", "--json")
    assert json.loads(out)["model"] == "onpoint-1"  # the earlier round keeps its model


def test_model_list_and_set_model_through_the_cli(published, tmp_path, capsys):
    db = tmp_path / "copy.onpoint.db"
    shutil.copy(published["db"], db)
    code, out, _ = run(capsys, "model", "list", db, "--json")
    models = {m["id"]: m for m in json.loads(out)["models"]}
    assert models["pilot-2"]["current"] and models["pilot-2"]["rounds"] == [ROUND]
    assert models["pilot-2"]["origin"] == "pack" and models["pilot-2"]["published_by"]
    assert models["onpoint-1"]["rounds"] == ["2024-25"]
    code, out, _ = run(capsys, "round", "set-model", db, ROUND, "onpoint-1")
    assert code == 0 and "679.0 → 688.9" in out
    code, out, _ = run(capsys, "score", db, "--round", ROUND, "--json")
    assert json.loads(out)["total"] == pytest.approx(ONPOINT_1_TOTAL, abs=0.01)
    assert run(capsys, "round", "set-model", db, ROUND, "pilot-2")[0] == 0
    code, out, _ = run(capsys, "score", db, "--round", ROUND, "--json")
    _assert_hand_computed(json.loads(out))


def test_gui_score_panel_shows_the_hand_computed_round(published, qtbot, tmp_path):
    from tests.gui_support import open_window

    db = tmp_path / "gui.onpoint.db"
    shutil.copy(published["db"], db)
    window = open_window(qtbot, db)
    window.session.set_round(ROUND)
    panel = window.panel
    assert panel.total_label.text() == f"{TOTAL:.1f}"
    assert panel.band_label.text().lower().startswith("above")
    shown = {
        panel.table.item(r, 0).text(): panel.table.item(r, 1).text()
        for r in range(panel.table.rowCount())
    }
    assert shown == {
        name: "—" if score is None else f"{score:.0f}" for name, score, *_ in COMPONENTS.values()
    }
    assert "Pilot-2 illustrative benchmark" in panel.benchmark_label.text()
    assert "fewer than 3" not in panel.provisional_label.text()
    panel.tabs.setCurrentWidget(panel.highlights)
    assert "Pilot-2: Share what works in Culture of Innovation" in panel.highlights.toHtml()
    names = [row.name for row in panel.bars.rows]
    assert names == [name for name, *_ in COMPONENTS.values()]
    bar = panel.bars.rows[names.index("Infrastructure & Operations")]
    assert bar.score == pytest.approx(740.0)
    window.session.set_round("2024-25")  # an onpoint-1 round: its own seven components
    assert "Operations" in [row.name for row in panel.bars.rows]
    assert panel.table.item(6, 0).text() == "Operations"
    panel.grab().save(str(tmp_path / "panel.png"))


def test_report_prints_the_hand_computed_round(published, tmp_path):
    from onpoint_desktop.report import write_report

    with Workspace.open(published["db"]) as ws:
        out = write_report(ws, ROUND, tmp_path / "r.docx", today=date(2026, 11, 30))
    doc = open_report(out)
    rows = rows_of(table_with_header(doc, "Component"))
    assert [rows[1][0].split("\n")[0], rows[1][1]] == ["Onpoint score (total)", f"{TOTAL:,.1f}"]
    printed = {row[0].split("\n")[0]: row for row in rows[2:]}
    assert list(printed) == [name for name, *_ in COMPONENTS.values()]
    for name, score, expert, survey, band in COMPONENTS.values():
        row = printed[name]
        assert row[1] == ("—" if score is None else f"{score:,.1f}")
        # row[2]: the 90% interval (SPEC §13)
        assert row[3] == ("—" if expert is None else f"{200 + 800 * expert:,.1f}")
        assert row[4] == ("—" if survey is None else f"{200 + 800 * survey:,.1f}")
        assert row[8] == ("—" if band is None else band.capitalize())
    text = body_text(doc)
    assert "Onpoint pilot model 2 (test fixture) (pilot-2)" in text
    assert "Pilot-2: Share what works in Culture of Innovation" in text
    assert "at least 3 respondents of that role" in text
    assert "0.4 × expert part + 0.6 × survey part" in text  # the methodology reads the model
    assert "weights teachers 0.5 and leaders 0.5" in text


def test_hq_lists_the_round_with_the_published_model(published, tmp_path, capsys):
    hq = tmp_path / "hq.onpoint-hq.db"
    for suffix in ("", ".private-key.pem", ".signing-key.pem"):
        shutil.copy(str(published["hq"]) + suffix, str(hq) + suffix)
    bundle = export(published["db"], tmp_path / "pilot.onpointbundle", signer("Pat Pilot"))
    assert main(["hq", "merge", str(hq), str(bundle), "--trust-new-signers"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "hq", "list", hq, "--json")
    assert code == 0
    (district,) = json.loads(out)["districts"]
    rounds = {r["id"]: r for r in district["rounds"]}
    assert rounds["2024-25"]["model"] == "onpoint-1"
    _assert_hand_computed(rounds[ROUND])
    assert rounds[ROUND]["respondents"] == {"teacher": 3, "leader": 3}
    code, out, _ = run(capsys, "hq", "list", hq)
    (line,) = [x for x in out.splitlines() if x.strip().startswith(ROUND)]
    assert f"{TOTAL:.1f}" in line and line.endswith("pilot-2")

"""Consultants' agreement on the same district and round (SPEC §13, calibration)."""

from __future__ import annotations

import json

import pytest

from onpoint_desktop.cli import main
from onpoint_desktop.sync import HQStore, merge_bundles
from onpoint_desktop.sync.hq_calibration import agreement, quadratic_weighted_kappa
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.backup import backup_to
from tests.sync_support import FULL_BOARD, district, export, signer

# The worked examples of Maple's EssayTools[QuadraticWeightedKappa] help page (scores on
# 1–10, the range taken from the data): 0.758620689655172 and 0.438095238095238.
FIRST = [9, 7, 8, 7, 6, 8, 3, 5, 10]


def test_kappa_matches_a_published_worked_example():
    second = [8, 8, 6, 6, 7, 6, 1, 4, 8]
    assert quadratic_weighted_kappa(list(zip(FIRST, second, strict=True)), 1, 10) == (
        pytest.approx(0.758620689655172, abs=1e-12)
    )
    third = [3, 5, 6, 6, 7, 6, 1, 4, 8]
    assert quadratic_weighted_kappa(list(zip(FIRST, third, strict=True)), 1, 10) == (
        pytest.approx(0.438095238095238, abs=1e-12)
    )


def test_identical_raters_agree_perfectly_and_degenerate_cases_give_no_kappa():
    same = [("a", 1, 1), ("b", 2, 2), ("c", 4, 4), ("d", 3, 3)]
    alike = agreement(same, 1, 4)
    assert (alike.areas, alike.exact, alike.within_one, alike.kappa) == (4, 1.0, 1.0, 1.0)
    assert alike.widest == ()  # no area of disagreement
    # One area in common: shares are given, a kappa on one area is not.
    one = agreement([("a", 2, 3)], 1, 4)
    assert (one.exact, one.within_one, one.kappa, one.widest) == (0.0, 1.0, None, (("a", 1.0),))
    # Both rated every area alike at one level: chance agreement is perfect, no kappa.
    assert agreement([("a", 3, 3), ("b", 3, 3)], 1, 4).kappa is None
    # Opposite ends: kappa below zero.
    assert quadratic_weighted_kappa([(1, 4), (4, 1), (2, 3), (3, 2)], 1, 4) < 0


@pytest.fixture(scope="module")
def two_raters(tmp_path_factory):
    """Ana rates a district; Ben rates the same round from a copy, differing on three
    areas (one of them by two levels)."""
    root = tmp_path_factory.mktemp("calibration")
    ana, ben = signer("Ana Ruiz"), signer("Ben Cho")
    db = district(root / "d.onpoint.db", "Riverside", [("2024-25", "planning")])
    copy = root / "d-ben.onpoint.db"
    with Workspace.open(db, backup=False) as ws:
        backup_to(ws.conn, copy)
        ana_levels = ws.levels("2024-25")
    changed = {}
    with Workspace.open(copy, backup=False) as ws:
        for area, step in zip(list(FULL_BOARD)[:3], (1, -1, 2), strict=True):
            level = (
                ana_levels[area] + step
                if 1 <= ana_levels[area] + step <= 4
                else (ana_levels[area] - step)
            )
            ws.rate("2024-25", area, level, "Ben's reading")
            changed[area] = level
    files = [export(db, root / "a.onpointbundle", ana), export(copy, root / "b.onpointbundle", ben)]
    hq, _ = HQStore.create(root / "hq.db")
    assert merge_bundles(hq, files, trust_new_signers=True).refused == ()
    hq.close()
    pairs = [(a, ana_levels[a], changed.get(a, ana_levels[a])) for a in ana_levels]
    return root / "hq.db", pairs


def test_hq_calibration_reports_each_pair_of_consultants(two_raters, capsys):
    hq_db, pairs = two_raters
    assert main(["hq", "calibration", str(hq_db), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (pair,) = doc["pairs"]
    assert {c["name"] for c in pair["consultants"]} == {"Ana Ruiz", "Ben Cho"}
    assert pair["rounds"] == [
        {"district": pair["rounds"][0]["district"], "name": "Riverside", "round": "2024-25"}
    ]
    assert pair["areas"] == len(pairs)
    figures = agreement(pairs, 1, 4)
    exact, within, kappa = figures.exact, figures.within_one, figures.kappa
    assert pair["exact"] == round(exact, 4) and exact == pytest.approx(
        (len(pairs) - 3) / len(pairs)
    )
    assert pair["within_one"] == round(within, 4)
    assert pair["kappa"] == round(kappa, 4) and pair["calibrated"] == (kappa >= 0.70)
    assert pair["widest_disagreement"][0]["mean_difference"] == 2.0
    assert main(["hq", "calibration", str(hq_db)]) == 0
    text = capsys.readouterr().out
    pair_line = f"{pair['consultants'][0]['name']} and {pair['consultants'][1]['name']}: 1 round"
    assert pair_line in text and "Widest disagreement:" in text


def test_no_shared_rounds_says_so(tmp_path, capsys):
    HQStore.create(tmp_path / "hq.db")[0].close()
    assert main(["hq", "calibration", str(tmp_path / "hq.db")]) == 0
    assert "No two consultants have rated the same district and round yet." in (
        capsys.readouterr().out
    )

# ruff: noqa: F811 - the demo_copy fixture is imported
"""Pack values (issue 11, SPEC §9): even a pack HQ signed is checked before it is used —
finite, 200 ≤ p25 ≤ median ≤ p75 ≤ 1000, known stages and components, at least 5
districts per stage, printable names of at most 200 characters."""

from __future__ import annotations

import copy
import json

import pytest

from onpoint_desktop.errors import BundleError
from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.sync import import_pack
from onpoint_desktop.workspace import Workspace
from tests.cli_support import run
from tests.gui_support import demo_copy  # noqa: F401 - fixture
from tests.sync_support import signed_pack, trusted_hq


def _doc(**stage_change):
    doc = shipped_model("onpoint-1").benchmark.to_dict()
    doc.update(name="HQ pack 2026", date="2026-06-30", source="Onpoint HQ", illustrative=False)
    year2 = copy.deepcopy(doc["stages"]["year2"])
    year2.update(stage_change)
    doc["stages"] = {"year2": year2}
    return doc


def _with_total(p25, p50, p75):
    return _doc(total={"p25": p25, "p50": p50, "p75": p75})


BAD = {
    "huge value (1e308 crashed report)": (_with_total(300, 400, 1e308), "p25 ≤ median ≤ p75"),
    "below the scale": (_with_total(-5, 400, 500), "200 ≤ p25"),
    "above the scale": (_with_total(600, 700, 1001), "≤ 1000"),
    "few districts": (_doc(n_districts=3), "rests on 3 districts (at least 5)"),
    "unknown stage": (
        {**_doc(), "stages": {"year9": _doc()["stages"]["year2"]}},
        "'year9' is not a stage",
    ),
    "unknown component": (
        _doc(
            components={
                **_doc()["stages"]["year2"]["components"],
                "magic": {"p25": 300, "p50": 400, "p75": 500},
            }
        ),
        "unknown component 'magic'",
    ),
    "control characters in the name (crashed report)": (
        {**_doc(), "name": "National\x1b[2J benchmark"},
        "control character",
    ),
    "a name of 201 characters": ({**_doc(), "name": "n" * 201}, "201 characters"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_signed_pack_with_values_out_of_bounds_is_refused(demo_copy, tmp_path, case):
    document, words = BAD[case]
    pack = signed_pack(document, tmp_path / "pack.json", trusted_hq(tmp_path / "hq")[1])
    with Workspace.open(demo_copy) as ws:
        with pytest.raises(BundleError) as refused:
            import_pack(ws, pack)
        assert words in str(refused.value) and str(pack) in str(refused.value)
        assert ws.benchmark("onpoint-1").illustrative  # nothing was stored


def test_infinity_never_reaches_a_score(demo_copy, tmp_path, capsys):
    """The finding: ±inf made every score "within". JSON's ``Infinity`` is refused as it
    is read, before any signature or value is looked at."""
    pack = signed_pack(
        _with_total(300, 400, 500), tmp_path / "pack.json", trusted_hq(tmp_path / "hq")[1]
    )
    text = (
        pack.read_text()
        .replace('"p75": 500', '"p75": Infinity')
        .replace('"p25": 300', '"p25": -Infinity')
    )
    pack.write_text(text)
    code, out, err = run(capsys, "benchmark", "import", demo_copy, pack)
    assert code == 1 and out == "" and "non-number" in err
    with Workspace.open(demo_copy) as ws:
        assert ws.benchmark("onpoint-1").illustrative


def test_a_sound_signed_pack_is_used(demo_copy, tmp_path):
    pack = signed_pack(
        _with_total(600, 700, 800), tmp_path / "pack.json", trusted_hq(tmp_path / "hq")[1]
    )
    with Workspace.open(demo_copy) as ws:
        assert import_pack(ws, pack).name == "HQ pack 2026"
        assert ws.score().benchmark.name == "HQ pack 2026"
    assert json.loads(pack.read_text())["kind"] == "benchmark-pack"


def test_a_pack_date_is_a_real_date(demo_copy, tmp_path):
    pack = signed_pack(
        {**_with_total(600, 700, 800), "date": "2026-13-45"},
        tmp_path / "pack.json",
        trusted_hq(tmp_path / "hq")[1],
    )
    with Workspace.open(demo_copy) as ws, pytest.raises(BundleError, match="not a date"):
        import_pack(ws, pack)

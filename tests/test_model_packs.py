"""Model packs (SPEC §10): HQ publishes signed scoring models; consultants install only
what the HQ key they trust signed, and only a complete, valid model."""

from __future__ import annotations

import json
import shutil

import pytest
from model_support import PILOT_2, ROUND, STAGE, pilot_documents

from onpoint_desktop.errors import BundleError
from onpoint_desktop.sync.hq_store import HQStore
from onpoint_desktop.sync.model_pack import (
    build_model_pack,
    import_model_pack,
    new_model_in,
)
from onpoint_desktop.sync.signed import MODEL_PACK, write_signed
from onpoint_desktop.workspace import Workspace
from tests.cli_support import run
from tests.sync_support import FULL_BOARD, export, responses, signer, trusted_hq


@pytest.fixture
def hq(tmp_path):
    path, signing_key = trusted_hq(tmp_path / "hq")
    return path, signing_key


@pytest.fixture
def pack(hq, tmp_path):
    with HQStore.open(hq[0]) as store:
        build_model_pack(store, PILOT_2, tmp_path / "pilot-2.json")
    return tmp_path / "pilot-2.json"


def _models_in(ws: Workspace) -> list[str]:
    return [r[0] for r in ws.conn.execute("SELECT id FROM scoring_models")]


def test_hq_keeps_the_model_it_publishes(hq, pack):
    with HQStore.open(hq[0]) as store:
        assert store.models.get("pilot-2").min_n == 3
        assert [r[0] for r in store.conn.execute("SELECT id FROM scoring_models")] == ["pilot-2"]
    signed = json.loads(pack.read_text())
    assert signed["kind"] == "model-pack" and signed["document"]["model"] == "pilot-2"
    assert sorted(signed["document"]["documents"]) == sorted(pilot_documents().documents)


def test_a_consultant_installs_a_signed_pack_once(pack, ws):
    model, new = import_model_pack(ws, pack)
    assert (model.id, new) == ("pilot-2", True)
    assert import_model_pack(ws, pack)[1] is False
    assert _models_in(ws) == ["pilot-2"]


def test_a_folder_whose_model_is_broken_publishes_nothing(hq, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(PILOT_2, folder)
    path = folder / "instruments" / "teacher-p2.json"
    doc = json.loads(path.read_text())
    doc["items"][0]["component"] = "no_such_component"
    path.write_text(json.dumps(doc))
    with HQStore.open(hq[0]) as store, pytest.raises(BundleError) as err:
        build_model_pack(store, folder, tmp_path / "out.json")
    assert "teacher-p2.json" in str(err.value) and "no_such_component" in str(err.value)
    assert not (tmp_path / "out.json").exists()
    with HQStore.open(hq[0]) as store:
        assert store.conn.execute("SELECT count(*) FROM scoring_models").fetchone() == (0,)


def test_the_new_model_of_a_copy_of_resources_is_found(tmp_path):
    from onpoint_desktop.resources import resources_dir

    folder = tmp_path / "resources"
    shutil.copytree(resources_dir(), folder)
    for sub in ("models", "instruments", "recommendations", "benchmarks"):
        for file in (PILOT_2 / sub).iterdir():
            shutil.copy(file, folder / sub / file.name)
    assert new_model_in(folder) == "pilot-2"
    shutil.copy(folder / "models" / "pilot-2.json", folder / "models" / "pilot-3.json")
    with pytest.raises(BundleError, match=r"exactly one new scoring model.*--model"):
        new_model_in(folder)


@pytest.mark.parametrize(
    "change",
    ["unsigned", "tampered", "extra document", "missing document", "other content"],
)
def test_a_bad_pack_is_refused_and_nothing_is_installed(pack, ws, tmp_path, hq, change):
    signed = json.loads(pack.read_text())
    document = signed["document"]
    bad = tmp_path / "bad.json"
    if change == "unsigned":
        bad.write_text(json.dumps(document))
    elif change == "tampered":
        document["documents"]["models/pilot-2.json"]["min_n"] = 1
        bad.write_text(json.dumps(signed))
    else:
        if change == "extra document":
            document["documents"]["instruments/spy.json"] = {"format": "x"}
        elif change == "missing document":
            del document["documents"]["recommendations/pilot-2.json"]
        else:  # HQ's own key signs a model that reuses the shipped id
            docs = document["documents"]
            model = docs.pop("models/pilot-2.json")
            docs["models/onpoint-1.json"] = {**model, "id": "onpoint-1"}
            docs["benchmarks/pilot-2-illustrative.json"]["model"] = "onpoint-1"
            document["model"] = "onpoint-1"
        write_signed(bad, MODEL_PACK, document, hq[1])
    with pytest.raises(BundleError) as err:
        import_model_pack(ws, bad)
    assert str(bad) in str(err.value)
    assert _models_in(ws) == []
    assert ws.current_model_id == "onpoint-1"


def test_model_import_through_the_cli_makes_it_current(pack, ws, capsys):
    db = ws.path
    ws.close()
    code, out, _ = run(capsys, "model", "import", db, pack)
    assert code == 0 and "New rounds are scored with pilot-2 (was onpoint-1)" in out
    code, out, _ = run(capsys, "round", "add", db, "2025-26", "--stage", STAGE)
    assert "scored with model pilot-2" in out
    code, out, err = run(capsys, "model", "use", db, "onpoint-9")
    assert code == 1 and "'onpoint-9' is not installed" in err


def test_benchmark_packs_are_built_and_used_per_model(hq, pack, tmp_path, capsys):
    """Five districts score a complete round with pilot-2; HQ builds pilot-2's benchmark
    pack; a consultant's pilot-2 round is compared with it, its onpoint-1 round is not."""
    hq_db = hq[0]
    bundles = []
    for n in range(5):
        db = tmp_path / f"d{n}.onpoint.db"
        with Workspace.create(db, f"Pilot {n}") as ws:
            import_model_pack(ws, pack)
            ws.set_current_model("pilot-2")
            ws.add_round(ROUND, STAGE)
            with ws.transaction():
                for area, level in FULL_BOARD.items():
                    ws.rate(ROUND, area, max(1, min(4, level + n % 2)))
            for role in ("teacher", "leader"):
                ws.add_survey_responses(ROUND, role, responses(ws, role, 4, f"{n}", 0.1 * n))
            assert ws.score(ROUND).complete
        bundles.append(str(export(db, tmp_path / f"d{n}.onpointbundle", signer(f"C{n}"))))
    assert run(capsys, "hq", "merge", hq_db, *bundles, "--trust-new-signers")[0] == 0
    out_pack = tmp_path / "bench.json"
    code, out, err = run(capsys, "hq", "benchmark", hq_db, "-o", out_pack)
    assert code == 1 and "scored with model onpoint-1" in err  # no onpoint-1 round here
    code, out, _ = run(capsys, "hq", "benchmark", hq_db, "-o", out_pack, "--model", "pilot-2")
    assert code == 0 and "model pilot-2" in out
    document = json.loads(out_pack.read_text())["document"]
    assert document["model"] == "pilot-2"
    assert "infrastructure" in document["stages"][STAGE]["components"]
    with HQStore.open(hq_db) as store:
        built = store.conn.execute("SELECT model FROM benchmark_packs").fetchall()
    assert built == [("pilot-2",)]

    mine = tmp_path / "mine.onpoint.db"
    with Workspace.create(mine, "Mine") as ws:
        ws.add_round("old", STAGE)
        import_model_pack(ws, pack)
        ws.set_current_model("pilot-2")
        ws.add_round("new", STAGE)
    assert run(capsys, "benchmark", "import", mine, out_pack)[0] == 0
    with Workspace.open(mine) as ws:
        assert ws.score("new").benchmark.label == "Onpoint national benchmark"
        assert ws.score("old").benchmark.illustrative  # onpoint-1 keeps its own

"""Benchmark packs: built by HQ from merged bundles, imported by consultants."""

from __future__ import annotations

import copy
import json
import shutil

import pytest

from onpoint_desktop.benchmark import parse_benchmark
from onpoint_desktop.cli import main
from onpoint_desktop.errors import BundleError
from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.sync import HQStore, import_pack, merge_bundles, write_pack
from onpoint_desktop.sync.benchmark_pack import percentiles
from onpoint_desktop.workspace import Workspace
from tests.sync_support import FULL_BOARD, district, export, signed_pack, signer, trusted_hq


def test_percentiles_interpolate_between_order_statistics():
    assert percentiles([800, 400, 600, 500, 900, 700]) == {"p25": 525, "p50": 650, "p75": 775}
    assert percentiles([500, 520, 540, 560, 600]) == {"p25": 520, "p50": 540, "p75": 560}


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Five districts whose latest complete round is at planning (one of them has a newer,
    incomplete Year 1 round) and four complete at Year 1."""
    root = tmp_path_factory.mktemp("national")
    ana = signer("Ana Ruiz")
    dbs, files = {}, []
    for i in range(5):
        db = district(root / f"p{i}.onpoint.db", f"Planning {i}", [("2023-24", "planning")], seed=i)
        dbs[f"p{i}"] = db
    with Workspace.open(dbs["p4"]) as ws:
        ws.add_round("2024-25", "year1")
        with ws.transaction():
            for area, level in FULL_BOARD.items():
                ws.rate("2024-25", area, level)  # ratings only: not complete
    for i in range(4):
        db = district(
            root / f"y{i}.onpoint.db", f"Year one {i}", [("2024-25", "year1")], seed=10 + i
        )
        dbs[f"y{i}"] = db
    for name, db in dbs.items():
        files.append(export(db, root / f"{name}.onpointbundle", ana))
    hq, _ = HQStore.create(root / "hq.db")
    assert merge_bundles(hq, files, trust_new_signers=True).refused == ()
    hq.close()
    return {"root": root, "hq": root / "hq.db", "dbs": dbs}


def test_hq_pack_uses_latest_complete_rounds_and_withholds_small_stages(national, tmp_path):
    out = tmp_path / "pack.json"
    with HQStore.open(national["hq"]) as hq:
        result = write_pack(hq, out, name="HQ benchmark 2025", date="2025-06-30")
    doc = json.loads(out.read_text())["document"]
    assert set(doc["stages"]) == {"planning"}
    assert result.stages_withheld == {"year1": 4, "year2": 0, "year3": 0}
    planning = doc["stages"]["planning"]
    assert planning["n_districts"] == 5

    totals, ops = [], []
    for i in range(5):
        with Workspace.open(national["dbs"][f"p{i}"]) as ws:
            score = ws.score("2023-24")
            assert score.complete
            totals.append(score.total)
            ops.append(score.component("operations").score)
    totals.sort()
    ops.sort()
    # five values: the inclusive quartiles are exactly the 2nd, 3rd and 4th smallest
    assert planning["total"] == {
        "p25": round(totals[1], 2),
        "p50": round(totals[2], 2),
        "p75": round(totals[3], 2),
    }
    assert planning["components"]["operations"]["p50"] == round(ops[2], 2)


def test_hq_pack_has_exactly_the_shipped_benchmark_format(national, tmp_path):
    out = tmp_path / "pack.json"
    with HQStore.open(national["hq"]) as hq:
        write_pack(hq, out, name="HQ benchmark 2025", date="2025-06-30")
    signed = json.loads(out.read_text())
    assert signed["format"] == "onpoint-signed/1" and signed["kind"] == "benchmark-pack"
    doc = signed["document"]
    shipped = shipped_model("onpoint-1").benchmark.to_dict()
    assert set(doc) == set(shipped)
    assert doc["format"] == "onpoint-benchmark/1" and doc["illustrative"] is False
    assert doc["name"] == "HQ benchmark 2025" and doc["date"] == "2025-06-30"
    assert "latest complete round" in doc["source"]
    stage = doc["stages"]["planning"]
    assert set(stage) == set(shipped["stages"]["planning"])
    assert list(stage["components"]) == list(shipped_model("onpoint-1").component_ids)
    parse_benchmark(doc, "pack", shipped_model("onpoint-1").component_ids)  # raises if malformed


def test_no_pack_when_every_stage_is_too_small(tmp_path):
    db = district(tmp_path / "x.onpoint.db", "Lonely", [("2024-25", "planning")])
    hq, _ = HQStore.create(tmp_path / "hq.db")
    merge_bundles(
        hq, [export(db, tmp_path / "x.onpointbundle", signer("A"))], trust_new_signers=True
    )
    with pytest.raises(BundleError, match="at least 5 districts with a complete round"):
        write_pack(hq, tmp_path / "pack.json")
    assert not (tmp_path / "pack.json").exists()
    hq.close()


def _pack(name="HQ pack 2025-26", **year2_total):
    doc = shipped_model("onpoint-1").benchmark.to_dict()
    doc.update(name=name, date="2025-09-01", source="Onpoint HQ test", illustrative=False)
    doc["stages"] = {"year2": copy.deepcopy(doc["stages"]["year2"])}
    doc["stages"]["year2"]["n_districts"] = 12
    for key in ("total", *doc["stages"]["year2"]["components"]):
        target = doc["stages"]["year2"] if key == "total" else doc["stages"]["year2"]["components"]
        target[key] = year2_total or {"p25": 900, "p50": 950, "p75": 990}
    return doc


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture
def hq_key(tmp_path):
    """HQ's signing key, its public key trusted here (as after 'hq-key import')."""
    return trusted_hq(tmp_path / "hq")[1]


def test_imported_pack_changes_bands_and_labels(demo_copy, tmp_path, capsys, hq_key):
    with Workspace.open(demo_copy) as ws:
        before = ws.score()
    assert before.stage == "year2" and before.total_band == "within"
    assert "illustrative" in before.benchmark.label
    pack = signed_pack(_pack(), tmp_path / "pack.json", hq_key)
    assert main(["benchmark", "import", str(demo_copy), str(pack)]) == 0
    out = capsys.readouterr().out
    assert "HQ pack 2025-26" in out and "below the benchmark" in out
    with Workspace.open(demo_copy) as ws:
        after = ws.score()
    assert after.benchmark.label == "HQ pack 2025-26"
    assert after.total_band == "below"
    assert {c.band for c in after.components} == {"below"}
    assert after.total_median == 950
    assert main(["score", str(demo_copy)]) == 0
    assert "Benchmark      HQ pack 2025-26, 2025-09-01, 12 districts" in capsys.readouterr().out


def test_hq_pack_round_trip_through_the_cli(national, tmp_path, capsys):
    pack = tmp_path / "pack.json"
    assert main(["hq", "benchmark", str(national["hq"]), "-o", str(pack), "--name", "HQ 2025"]) == 0
    assert "withheld: 4 districts, fewer than 5" in capsys.readouterr().out
    key_file = tmp_path / "hq-public-key.json"
    assert main(["hq", "public-key", str(national["hq"]), "-o", str(key_file)]) == 0
    assert main(["hq-key", "import", str(key_file)]) == 0
    capsys.readouterr()
    db = tmp_path / "p0.onpoint.db"
    shutil.copy(national["dbs"]["p0"], db)
    assert main(["benchmark", "import", str(db), str(pack)]) == 0
    with Workspace.open(db) as ws:
        score = ws.score("2023-24")
    assert score.benchmark.label == "HQ 2025" and score.total_band in ("below", "within", "above")


def _bad_packs():
    wrong_format = _pack()
    wrong_format["format"] = "onpoint-benchmark/7"
    missing_component = _pack()
    del missing_component["stages"]["year2"]["components"]["operations"]
    unordered = _pack(p25=700, p50=600, p75=800)
    other_model = _pack()
    other_model["model"] = "onpoint-9"
    return {
        "not JSON": "{oops",
        "wrong format": wrong_format,
        "missing component": missing_component,
        "p50 outside p25–p75": unordered,
        "another model": other_model,
    }


@pytest.mark.parametrize("case", list(_bad_packs()))
def test_malformed_packs_are_refused_and_nothing_is_stored(demo_copy, tmp_path, case, hq_key):
    doc = _bad_packs()[case]
    pack = tmp_path / "pack.json"
    if isinstance(doc, str):
        pack.write_text(doc)
    else:
        signed_pack(doc, pack, hq_key)
    with Workspace.open(demo_copy) as ws:
        with pytest.raises(BundleError) as err:
            import_pack(ws, pack)
        assert str(pack) in str(err.value)
        assert ws.conn.execute("SELECT count(*) FROM benchmark_packs").fetchone() == (0,)
        assert "illustrative" in ws.score().benchmark.label


def test_hq_list_places_each_round_by_percentile_rank_in_its_stage(national, capsys):
    # Issue 17: `hq list --json` gains percentile_rank per round (mid-rank among each
    # district's latest complete round at that stage; none below 5 districts).
    assert main(["hq", "list", str(national["hq"]), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rounds = {(d["name"], r["id"]): r for d in doc["districts"] for r in d["rounds"]}
    totals = {}
    for i in range(5):
        with Workspace.open(national["dbs"][f"p{i}"]) as ws:
            score = ws.score("2023-24")
            totals[f"Planning {i}"] = score.total
            listed = rounds[f"Planning {i}", "2023-24"]
            assert listed["total_ci"] == score.to_json()["total_ci"]  # HQ's = consultant's
            assert [c["ci_low"] for c in listed["components"]] == [
                c["ci_low"] for c in score.to_json()["components"]
            ]
    ordered = sorted(totals.values())
    for name, total in totals.items():
        below = sum(t < total for t in ordered)
        equal = sum(t == total for t in ordered)
        expected = round(100 * (below + equal / 2) / 5, 1)
        assert rounds[name, "2023-24"]["percentile_rank"] == expected
    assert sorted(rounds[n, "2023-24"]["percentile_rank"] for n in totals) == [
        10.0,
        30.0,
        50.0,
        70.0,
        90.0,
    ]
    # Year 1 has four complete districts: too few to rank anyone there.
    assert rounds["Year one 0", "2024-25"]["percentile_rank"] is None
    assert rounds["Planning 4", "2024-25"]["percentile_rank"] is None


def test_kept_summaries_equal_a_fresh_scoring_of_the_facts(national):
    from onpoint_desktop.sync.hq_summaries import score_district, summaries

    with HQStore.open(national["hq"]) as hq:
        kept = {(s.district_uuid, s.round_id): s for s in summaries(hq)}
        districts = [d for (d,) in hq.conn.execute("SELECT uuid FROM districts")]
        fresh = [r for d in districts for r in score_district(hq, d)]
    assert len(fresh) == len(kept) == 10
    for rnd in fresh:
        summary = kept[rnd.district_uuid, rnd.round_id]
        assert summary.total == rnd.score.total
        assert summary.complete == rnd.score.complete
        assert summary.scores == {c.id: c.score for c in rnd.score.components}


def test_hq_report_gives_the_national_picture(national, tmp_path, capsys):
    from docx import Document

    with HQStore.open(national["hq"]) as hq:
        write_pack(hq, tmp_path / "pack.json", name="HQ benchmark 2025", date="2025-06-30")
    out = tmp_path / "national.docx"
    assert main(["hq", "report", str(national["hq"]), "-o", str(out)]) == 0
    assert "Wrote the national picture of 9 districts (10 rounds)" in capsys.readouterr().out
    assert main(["hq", "list", str(national["hq"]), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    doc = Document(str(out))
    tables = {t.rows[0].cells[0].text + "|" + t.rows[0].cells[1].text: t for t in doc.tables}

    def rows(key):
        return [[c.text for c in r.cells] for r in tables[key].rows[1:]]

    # Districts per stage, each at its latest round's stage (Planning 4 moved to Year 1).
    assert rows("Stage|Districts") == [
        ["Planning", "4"],
        ["Year 1", "5"],
        ["Year 2", "0"],
        ["Year 3+", "0"],
    ]
    coverage = {r[0]: r[1:3] for r in rows("Stage|With a round")}
    assert coverage["Planning"] == ["5", "5"] and coverage["Year 1"] == ["5", "4"]
    assert rows("Pack|Date")[0][:3] == ["HQ benchmark 2025", "2025-06-30", "onpoint-1"]
    # Every district placed, with the rank hq list gives its round.
    ranks = {
        (d["name"], r["id"]): r["percentile_rank"] for d in listed["districts"] for r in d["rounds"]
    }
    placed = rows("District|Stage")
    assert len(placed) == 9
    for name, _stage, round_id, _total, rank in placed:
        expected = ranks[name, round_id]
        assert rank == ("—" if expected is None else f"{expected:.0f}")
    with Workspace.open(national["dbs"]["p4"]) as ws:  # the one district with two rounds
        change = ws.score("2024-25").total - ws.score("2023-24").total
    rose = "1 (100%)" if change > 0 else "0 (0%)"
    assert rows("Step|Districts") == [["Round 1 to 2", "1", f"{change:+,.1f}", rose]]


def test_hq_report_of_an_empty_store_says_so(tmp_path, capsys):
    hq, _ = HQStore.create(tmp_path / "hq.db")
    hq.close()
    assert main(["hq", "report", str(tmp_path / "hq.db"), "-o", str(tmp_path / "r.docx")]) == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(str(tmp_path / "r.docx")).paragraphs)
    assert "No district has a complete round yet." in text
    assert "HQ has not built a benchmark pack yet" in text


def test_after_a_new_pack_the_trend_shows_each_round_against_both_benchmarks(
    qtbot, demo_copy, tmp_path, hq_key
):
    # Issue 17 item 4: a new pack silently moved every band; the trend can now show the
    # previous benchmark beside the new one, each labelled with its name and date.
    from ui.score_panel import ScorePanel
    from ui.session import DistrictSession

    with Workspace.open(demo_copy) as ws:
        assert ws.previous_benchmark("onpoint-1") is None  # only the model's own so far
        import_pack(ws, signed_pack(_pack(), tmp_path / "pack.json", hq_key))
        session = DistrictSession(ws)
        panel = ScorePanel(session)
        qtbot.addWidget(panel)
        panel.tabs.setCurrentWidget(panel.trend_page)
        assert panel.compare_benchmarks.isEnabled()
        chart = panel.trend_chart
        assert "Benchmark median" in chart.legend_items()
        panel.compare_benchmarks.setChecked(True)
        default = shipped_model("onpoint-1").benchmark
        assert chart.legend_items()[-2:] == [
            "Median: HQ pack 2025-26, 2025-09-01",
            f"Median: {default.label}, {default.date}",
        ]
        rounds = ws.rounds()
        assert [p.previous for p in chart.points] == [
            default.percentiles(r.stage, "total") for r in rounds
        ]
        assert [p.percentiles for p in chart.points][-1].p50 == 950  # the new pack's Year 2
        import_pack(ws, signed_pack(_pack("HQ pack 2026-27"), tmp_path / "p2.json", hq_key))
        assert ws.previous_benchmark("onpoint-1").name == "HQ pack 2025-26"

"""Calibration cases (SPEC §13): HQ publishes a fictional district, consultants rate it
blind, their bundles carry the ratings back, HQ compares them with its anchor."""

from __future__ import annotations

import json
import shutil

import pytest

from onpoint_desktop.errors import BundleError
from onpoint_desktop.sync import HQStore, merge_bundles
from onpoint_desktop.sync.calibration_cases import publish_case
from onpoint_desktop.sync.calibration_open import open_case
from onpoint_desktop.sync.calibration_ratings import case_agreement
from onpoint_desktop.sync.hq_overview import overview
from onpoint_desktop.sync.signed import BENCHMARK_PACK, write_signed
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.calibration_case import ReadOnlyCase
from tests.sync_support import district, export, signer, trusted_hq

# HQ's anchor (the source district's levels) and Ana's blind ratings of the same areas.
ANCHOR = {
    "pl_vision_alignment": 3,
    "pl_rollout_plan": 2,
    "multi_year_roadmap": 2,
    "initiative_alignment": 3,
    "culture_of_innovation": 1,
}
ANA = {
    "pl_vision_alignment": 3,
    "pl_rollout_plan": 3,
    "multi_year_roadmap": 2,
    "initiative_alignment": 1,
    "culture_of_innovation": 1,
}
# By hand, (Ana, anchor) over levels 1–4: observed Σw·O = (0+1+0+4+0)/9 = 5/9; Ana's
# levels (2, 1, 2, 0) and the anchor's (1, 2, 2, 0) give Σw·E = 35/(9·5) = 7/9; so
# kappa = 1 − 5/7 = 2/7. Exact 3/5, within one 4/5; widest: initiative_alignment (2),
# then pl_rollout_plan (1).
ANA_KAPPA = 2 / 7


def source_district(path):
    """Riverside's workspace: one round rated on five areas, with evidence notes."""
    with Workspace.create(path, "Riverside Unified") as ws:
        ws.add_round("2024-25", "planning", "Riverside Unified 2024-25")
        for area, level in ANCHOR.items():
            ws.rate("2024-25", area, level, f"Riverside Unified notes on {area}: see the plan.")
    return path


@pytest.fixture
def published(tmp_path):
    hq_db, _ = trusted_hq(tmp_path / "hq")
    source = source_district(tmp_path / "riverside.onpoint.db")
    case_file = tmp_path / "case.onpointcase"
    with HQStore.open(hq_db) as hq:
        case = publish_case(hq, source, case_file, name="Alder Creek")
    return hq_db, case_file, case


def rate_case(db, levels, who, out):
    with Workspace.open(db, backup=False) as ws:
        for area, level in levels.items():
            ws.rate("2024-25", area, level)
    return export(db, out, who)


def test_the_case_file_carries_evidence_but_no_rating_and_no_source_identity(published, tmp_path):
    hq_db, case_file, case = published
    text = case_file.read_text(encoding="utf-8")
    doc = json.loads(text)["document"]
    assert doc["name"] == "Alder Creek" and doc["case_id"] == case.case_id
    assert '"level"' not in text and "rating_events" not in text and '"levels"' not in text
    assert "Riverside" not in text  # the source's name is replaced, even in notes and labels
    assert doc["rounds"][0]["label"] == "Alder Creek 2024-25"
    assert doc["rounds"][0]["evidence"]["pl_rollout_plan"].startswith("Alder Creek notes")
    with Workspace.open(tmp_path / "riverside.onpoint.db", backup=False) as ws:
        assert ws.district.uuid not in text and ws.workspace_uuid not in text
    with HQStore.open(hq_db) as hq:  # the anchor stays at HQ
        anchors = dict(
            hq.conn.execute(
                "SELECT area_id, level FROM calibration_anchors WHERE case_id = ?",
                (case.case_id,),
            ).fetchall()
        )
    assert anchors == ANCHOR


def test_round_trip_from_case_to_hq_calibration(published, tmp_path):
    hq_db, case_file, case = published
    ana_db = open_case(case_file, tmp_path / "ana.onpoint.db")
    ben_db = open_case(case_file, tmp_path / "ben.onpoint.db")
    with Workspace.open(ana_db, backup=False) as ws:
        assert ws.calibration_case.case_id == case.case_id
        assert ws.district.name == "Alder Creek"
        assert ws.levels("2024-25") == {}  # rated blind: the case carries no rating
        assert ws.case_evidence("2024-25")["pl_vision_alignment"].startswith("Alder Creek")
    ana_bundle = rate_case(ana_db, ANA, signer("Ana Ruiz"), tmp_path / "ana.onpointbundle")
    ben_bundle = rate_case(ben_db, ANCHOR, signer("Ben Cho"), tmp_path / "ben.onpointbundle")
    with HQStore.open(hq_db) as hq:
        summary = merge_bundles(hq, [ana_bundle, ben_bundle], trust_new_signers=True)
        assert summary.count("merged") == 2
        assert hq.counts()["districts"] == 0  # never a district: not listed, not benchmarked
        again = merge_bundles(hq, [ana_bundle])
        assert again.count("already-merged") == 1
        (result,) = case_agreement(hq)
    assert result.name == "Alder Creek" and result.anchored_areas == 5
    ana, ben = result.raters
    assert (ana.name, ana.areas) == ("Ana Ruiz", 5)
    assert ana.exact == pytest.approx(3 / 5) and ana.within_one == pytest.approx(4 / 5)
    assert ana.kappa == pytest.approx(ANA_KAPPA) and ana.calibrated is False
    assert [a for a, _ in ana.widest] == ["initiative_alignment", "pl_rollout_plan"]
    assert (ben.name, ben.exact, ben.kappa, ben.calibrated) == ("Ben Cho", 1.0, 1.0, True)


def test_case_ratings_never_reach_the_list_or_the_benchmark(published, tmp_path):
    hq_db, case_file, _ = published
    real = district(tmp_path / "real.onpoint.db", "Real District", [("2024-25", "planning")])
    case_db = open_case(case_file, tmp_path / "ana.onpoint.db")
    bundles = [
        export(real, tmp_path / "real.onpointbundle", signer("Cy")),
        rate_case(case_db, ANA, signer("Ana"), tmp_path / "ana.onpointbundle"),
    ]
    with HQStore.open(hq_db) as hq:
        merge_bundles(hq, bundles, trust_new_signers=True)
        names = [r[0] for r in hq.conn.execute("SELECT name FROM districts")]
        rounds = hq.conn.execute("SELECT count(*) FROM round_summaries").fetchone()[0]
        events = hq.conn.execute("SELECT count(*) FROM rating_events").fetchone()[0]
    assert names == ["Real District"] and rounds == 1
    assert events == 26  # the real district's board only


def test_a_bundle_for_a_case_hq_did_not_publish_is_refused(published, tmp_path):
    _, case_file, _ = published
    case_db = open_case(case_file, tmp_path / "ana.onpoint.db")
    bundle = rate_case(case_db, ANA, signer("Ana"), tmp_path / "ana.onpointbundle")
    other_hq, _ = trusted_hq(tmp_path / "other", "other")
    with HQStore.open(other_hq) as hq:
        summary = merge_bundles(hq, [bundle], trust_new_signers=True)
        (outcome,) = summary.outcomes
        assert (outcome.status, outcome.reason) == ("refused", "unknown-case")
        assert "did not publish" in outcome.message and str(bundle) in outcome.message
        assert hq.conn.execute("SELECT count(*) FROM calibration_ratings").fetchone()[0] == 0


def test_tampered_foreign_or_wrong_kind_cases_are_refused_and_nothing_is_created(
    published, tmp_path
):
    hq_db, case_file, _ = published
    out = tmp_path / "opened.onpoint.db"
    tampered = tmp_path / "tampered.onpointcase"
    tampered.write_text(case_file.read_text().replace("Alder Creek", "Alder Cre3k"))
    unsigned = tmp_path / "unsigned.onpointcase"
    unsigned.write_text(json.dumps(json.loads(case_file.read_text())["document"]))
    with HQStore.open(hq_db) as hq:
        key = hq.signing_key()
    wrong_kind = write_signed(tmp_path / "pack.json", BENCHMARK_PACK, {"x": 1}, key)
    trusted_hq(tmp_path / "foreign", "foreign")  # now the consultant trusts another HQ key
    for bad, words in (
        (tampered, "signed by key"),
        (unsigned, "not a calibration case signed by HQ"),
        (wrong_kind, "is a benchmark pack"),
        (case_file, "not by the HQ key you trust"),
    ):
        with pytest.raises(BundleError) as refused:
            open_case(bad, out)
        assert str(bad) in str(refused.value) and words in str(refused.value)
        assert not out.exists()


def test_tampered_case_under_the_trusted_key_is_refused(published, tmp_path):
    _, case_file, _ = published
    tampered = tmp_path / "tampered.onpointcase"
    tampered.write_text(case_file.read_text().replace("Alder Creek", "Alder Cre3k"))
    with pytest.raises(BundleError, match="changed after HQ signed it") as refused:
        open_case(tampered, tmp_path / "opened.onpoint.db")
    assert str(tampered) in str(refused.value)
    assert not (tmp_path / "opened.onpoint.db").exists()


def test_everything_about_a_case_district_is_read_only_but_ratings(published, tmp_path):
    _, case_file, _ = published
    db = open_case(case_file, tmp_path / "ana.onpoint.db")
    with Workspace.open(db, backup=False) as ws:
        refusals = [
            lambda: ws.rename_district("Mine"),
            lambda: ws.add_round("2025-26", "planning"),
            lambda: ws.rename_round("2024-25", "Other"),
            lambda: ws.set_round_stage("2024-25", "scaling"),
            lambda: ws.delete_round("2024-25"),
            lambda: ws.set_current_model("onpoint-1"),
            lambda: ws.add_survey_responses("2024-25", "teacher", []),
            lambda: ws.set_invited("2024-25", "teacher", 10),
            lambda: ws.add_action("2024-25", "Plan it"),
            lambda: ws.rate("2024-25", "pl_rollout_plan", 2, perspective="district"),
            lambda: ws.rate_condition("2024-25", "budget", "met"),
        ]
        for attempt in refusals:
            with pytest.raises(ReadOnlyCase, match="calibration case Alder Creek"):
                attempt()
        assert ws.district.name == "Alder Creek" and [r.id for r in ws.rounds()] == ["2024-25"]
        ws.rate("2024-25", "pl_rollout_plan", 2, "my own note")  # ratings are the point
        assert ws.levels("2024-25") == {"pl_rollout_plan": 2}


def test_surveys_travel_unless_left_out(tmp_path):
    hq_db, _ = trusted_hq(tmp_path / "hq")
    source = district(tmp_path / "d.onpoint.db", "Lakeview", [("2024-25", "planning")])
    with HQStore.open(hq_db) as hq:
        with_surveys = publish_case(hq, source, tmp_path / "a.onpointcase")
        without = publish_case(hq, source, tmp_path / "b.onpointcase", surveys=False)
    assert with_surveys.survey_responses == 18 and without.survey_responses == 0
    text = (tmp_path / "a.onpointcase").read_text()
    assert "North" not in text and "Lakeview" not in text  # no school, no district name
    db = open_case(tmp_path / "a.onpointcase", tmp_path / "case.onpoint.db")
    with Workspace.open(db, backup=False) as ws:
        assert ws.respondent_counts("2024-25") == {"teacher": 12, "leader": 6}
        assert ws.score("2024-25").components  # scored from the case's surveys


def test_cli_round_trip_from_case_to_hq_report(tmp_path, capsys):
    """hq init → a rated workspace → hq calibration-case → calibration open → rate →
    bundle export → hq merge → hq calibration --json → hq report (calibration section)."""
    from tests.cli_support import run
    from tests.report_reading import body_text, open_report, rows_of, table_with_header

    hq_db, public = tmp_path / "hq.db", tmp_path / "hq-public.json"
    assert run(capsys, "hq", "init", hq_db, "--public-key", public)[0] == 0
    assert run(capsys, "hq-key", "import", public)[0] == 0
    source = source_district(tmp_path / "riverside.onpoint.db")
    case = tmp_path / "alder.onpointcase"
    code, out, err = run(
        capsys, "hq", "calibration-case", hq_db, "--from", source, "-o", case, "--name", "Alder"
    )
    assert code == 0, err
    assert "Wrote calibration case Alder" in out and "no rating travels with it" in out
    code, out, err = run(capsys, "calibration", "open", case)
    assert code == 0, err
    db = tmp_path / "alder.onpoint.db"
    assert f"Opened calibration case Alder as {db}." in out
    code, out, _ = run(capsys, "calibration", "evidence", db)
    assert "Alder notes on pl_vision_alignment" in out and "rate blind" in out
    for area, level in ANA.items():
        assert run(capsys, "rate", db, area, level, "--round", "2024-25")[0] == 0
    code, out, err = run(capsys, "round", "add", db, "2025-26", "--stage", "planning")
    assert code == 1 and "calibration case Alder" in err and "cannot add a round" in err
    bundle = tmp_path / "ana.onpointbundle"
    code, out, _ = run(capsys, "bundle", "export", db, "-o", bundle)
    assert code == 0 and "ratings of the calibration case Alder" in out
    code, out, err = run(capsys, "hq", "merge", hq_db, bundle, "--trust-new-signers")
    assert code == 0, err
    assert "calibration case Alder" in out and "+5 calibration ratings" in out
    code, out, _ = run(capsys, "hq", "list", hq_db)
    assert "Alder" not in out
    code, out, _ = run(capsys, "hq", "calibration", hq_db, "--json")
    (case_doc,) = json.loads(out)["cases"]
    (ana,) = case_doc["consultants"]
    assert (case_doc["name"], ana["areas"], ana["exact"], ana["within_one"]) == (
        "Alder",
        5,
        0.6,
        0.8,
    )
    assert ana["kappa"] == round(ANA_KAPPA, 4) and ana["calibrated"] is False
    assert ana["widest_disagreement"][0] == {"area": "initiative_alignment", "mean_difference": 2}
    code, out, _ = run(capsys, "hq", "calibration", hq_db)
    assert "Calibration case Alder" in out and "kappa 0.29 (not calibrated)" in out
    report = tmp_path / "national.docx"
    assert run(capsys, "hq", "report", hq_db, "-o", report)[0] == 0
    doc = open_report(report)
    assert "Calibration cases" in body_text(doc)
    rows = rows_of(table_with_header(doc, "Consultant"))
    assert rows[1][:6] == ["Test Consultant", "5", "60%", "80%", "0.29", "no"]


@pytest.mark.parametrize(
    "change",
    [
        {"format": "onpoint-bundle/4"},  # a district's bundle never names a case
        {"calibration_case": "not-a-uuid"},
        {"calibration_case": ["nested", {"deep": 1}]},
        {"calibration_case": None},
    ],
)
def test_a_case_id_that_is_not_where_it_belongs_is_refused(published, tmp_path, change):
    from onpoint_desktop.sync.verify import open_bundle
    from tests.sync_support import members, replace_manifest, resign

    _, case_file, _ = published
    who = signer("Ana")
    bundle = rate_case(
        open_case(case_file, tmp_path / "ana.onpoint.db"), ANA, who, tmp_path / "a.onpointbundle"
    )
    manifest = {**json.loads(members(bundle)["manifest.json"]), **change}
    bad = replace_manifest(bundle, *resign(manifest, who), tmp_path / "bad.onpointbundle")
    with pytest.raises(BundleError, match="manifest is incomplete or malformed") as refused:
        open_bundle(bad)
    assert refused.value.reason == "corrupt"


def test_a_case_bundle_held_aside_merges_as_ratings_once_its_signer_is_trusted(published, tmp_path):
    from onpoint_desktop.sync import trust_signer

    hq_db, case_file, _ = published
    who = signer("Ana Ruiz")
    bundle = rate_case(
        open_case(case_file, tmp_path / "ana.onpoint.db"), ANA, who, tmp_path / "a.onpointbundle"
    )
    with HQStore.open(hq_db) as hq:
        (held,) = merge_bundles(hq, [bundle]).outcomes
        assert held.status == "pending" and case_agreement(hq)[0].raters == ()
        trusted = trust_signer(hq, who.fingerprint)
        assert [o.status for o in trusted.merged] == ["merged"]
        assert case_agreement(hq)[0].raters[0].kappa == pytest.approx(ANA_KAPPA)
        assert hq.counts()["districts"] == 0


def test_old_files_become_and_receive_cases(tmp_path):
    """A first-release HQ store (migrated on open) publishes a case made from a
    first-release workspace, still merges a first-release bundle, and takes the case's
    ratings back beside it."""
    from pathlib import Path

    from onpoint_desktop.sync import keys
    from onpoint_desktop.sync.hq_store import write_public_key

    fixtures = Path(__file__).parent / "fixtures"
    hq_db = tmp_path / "hq-format-1.onpoint-hq.db"
    for name in (hq_db.name, hq_db.name + ".private-key.pem"):
        shutil.copy(fixtures / name, tmp_path / name)
    source = tmp_path / "old.onpoint.db"
    shutil.copy(fixtures / "workspace-format-1.onpoint.db", source)
    with HQStore.open(hq_db) as hq:
        write_public_key(hq, tmp_path / "hq-public.json")
        case = publish_case(hq, source, tmp_path / "old.onpointcase")
        old_bundle = merge_bundles(hq, [fixtures / "format-1-consultant-a.onpointbundle"])
        assert old_bundle.outcomes[0].status == "already-merged"
    assert case.rounds == 3 and case.anchors == 78 and "Riverbend" not in case.name
    assert "Riverbend" not in (tmp_path / "old.onpointcase").read_text()
    keys.import_hq_key(tmp_path / "hq-public.json", replace=True)
    db = open_case(tmp_path / "old.onpointcase", tmp_path / "case.onpoint.db")
    with Workspace.open(db, backup=False) as ws:
        assert ws.respondent_counts("2024-25") == {"leader": 12, "teacher": 64}
        ws.rate("2024-25", "pl_vision_alignment", 2)
        ws.rate("2024-25", "pl_rollout_plan", 2)
    bundle = export(db, tmp_path / "c.onpointbundle", signer("Ana"))
    with HQStore.open(hq_db) as hq:
        assert merge_bundles(hq, [bundle], trust_new_signers=True).count("merged") == 1
        assert case_agreement(hq)[0].raters[0].areas == 2
        assert len(overview(hq)["districts"]) == 1  # the old district only


def _round(**change):
    base = {
        "id": "2024-25",
        "label": "2024-25",
        "stage": "planning",
        "position": 1,
        "created_at": "2026-01-01T00:00:00.000000Z",
        "model": "onpoint-1",
        "evidence": {"pl_rollout_plan": "A plan."},
        "responses": [],
    }
    return {**base, **change}


@pytest.mark.parametrize(
    ("rounds", "words"),
    [
        ([], "must hold 1 to 50 rounds"),
        ([_round(stage="year9")], "unknown stage"),
        ([_round(model="secret-model")], "does not ship"),
        ([_round(label="x" * 500)], "whose label has 500 characters"),
        ([_round(id="bad\x00id")], "whose id"),
        ([_round(), _round()], "repeats round"),
        ([_round(evidence={"no_such_area": "x"})], "unknown focus area"),
        ([_round(evidence={"pl_rollout_plan": "x" * 20_001})], "evidence note"),
        ([_round(evidence=[1, 2])], "without evidence notes"),
        ([_round(responses=[{"role": "teacher", "key": "plain", "answers": {}}])], "malformed"),
        (
            [
                _round(
                    responses=[{"role": "teacher", "key": "hmac-sha256:ab", "answers": {"T1": 9}}]
                )
            ],
            "malformed",
        ),
        ([_round(responses=[{"role": "pupil", "key": "hmac-sha256:ab", "answers": {}}])], "role"),
        ([_round(responses="many")], "not a list"),
    ],
)
def test_a_hostile_case_even_signed_by_hq_is_refused_and_nothing_created(tmp_path, rounds, words):
    from onpoint_desktop.sync.signed import CALIBRATION_CASE

    _, key = trusted_hq(tmp_path / "hq")
    document = {
        "format": "onpoint-calibration-case/1",
        "case_id": "3f2a0000-0000-4000-8000-000000000000",
        "name": "Alder Creek",
        "rounds": rounds,
    }
    case_file = write_signed(tmp_path / "hostile.onpointcase", CALIBRATION_CASE, document, key)
    out = tmp_path / "hostile.onpoint.db"
    with pytest.raises(BundleError, match=words) as refused:
        open_case(case_file, out)
    assert str(case_file) in str(refused.value) and "nothing was created" in str(refused.value)
    assert not out.exists() and list(tmp_path.glob("hostile.onpoint.db*")) == []

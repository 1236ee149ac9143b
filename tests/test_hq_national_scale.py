"""What HQ keeps so a national store lists, ranks and benchmarks in seconds (SPEC §14):
fact counts kept by triggers, listings kept compared with the benchmark, summaries found
missing from counts, and a merge run that waits for the disk once, at its end.

Each kept value must equal what reading the facts afresh gives: these tests compare them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onpoint_desktop.sync import HQStore, merge_bundles, write_pack
from onpoint_desktop.sync.hq_overview import overview
from onpoint_desktop.sync.merge import MergeCancelled
from onpoint_desktop.workspace import Workspace
from tests.sync_support import district, export, signer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Six districts at planning, complete, merged into a new HQ store."""
    root = tmp_path_factory.mktemp("scale")
    ana = signer("Ana Ruiz")
    files = []
    for i in range(6):
        db = district(root / f"d{i}.onpoint.db", f"District {i}", [("2023-24", "planning")], seed=i)
        files.append(export(db, root / f"d{i}.onpoint-bundle", ana))
    hq, _ = HQStore.create(root / "hq.db")
    assert merge_bundles(hq, files, trust_new_signers=True).refused == ()
    hq.close()
    return {"root": root, "hq": root / "hq.db", "files": files, "signer": ana}


def _copy(store, tmp_path):
    db = tmp_path / "hq.db"
    for f in store["root"].glob("hq.db*"):
        shutil.copy(f, tmp_path / f.name)
    return db


def _listed_afresh(hq: HQStore) -> dict:
    """The ``hq list`` document with no kept comparison: every round compared again."""
    with hq.transaction():
        hq.conn.execute("DELETE FROM round_comparisons")
    return overview(hq)


def test_kept_comparisons_list_exactly_as_comparing_afresh(store, tmp_path):
    db = _copy(store, tmp_path)
    with HQStore.open(db) as hq:
        before = overview(hq)
        keys = {k for (k,) in hq.conn.execute("SELECT compared_with FROM round_comparisons")}
        assert keys == {"model:onpoint-1"}  # compared with the shipped benchmark on merge
        write_pack(hq, tmp_path / "pack.json", name="HQ pack", date="2025-06-30")
        after = overview(hq)
        keys = {k for (k,) in hq.conn.execute("SELECT compared_with FROM round_comparisons")}
        pack_id = hq.conn.execute("SELECT max(id) FROM benchmark_packs").fetchone()[0]
        assert keys == {f"pack:{pack_id}"}  # compared again with the new pack at once
        bands_before = [
            c["band"] for d in before["districts"] for c in d["rounds"][0]["components"]
        ]
        bands_after = [c["band"] for d in after["districts"] for c in d["rounds"][0]["components"]]
        assert bands_before != bands_after  # the pack moved the bands: the test can tell
        afresh = _listed_afresh(hq)
    assert after["districts"] == afresh["districts"]


def test_a_stale_comparison_is_never_listed(store, tmp_path):
    db = _copy(store, tmp_path)
    with HQStore.open(db) as hq:
        write_pack(hq, tmp_path / "pack.json", name="HQ pack", date="2025-06-30")
        right = overview(hq)
        with hq.transaction():  # as if the pack had been kept without comparing again
            hq.conn.execute(
                "UPDATE round_comparisons SET compared = '[\"above\"]', compared_with = 'model:x'"
            )
        assert overview(hq)["districts"] == right["districts"]


def test_fact_counts_follow_every_insert_and_removal(store, tmp_path):
    db = _copy(store, tmp_path)
    workspace = tmp_path / "d0.onpoint.db"
    shutil.copy(store["root"] / "d0.onpoint.db", workspace)
    with Workspace.open(workspace) as ws:
        teacher_import = next(i for i in ws.survey_imports() if i["role"] == "teacher")
        ws.remove_survey_import(teacher_import["id"])
    later = export(workspace, tmp_path / "d0-later.onpoint-bundle", store["signer"])
    with HQStore.open(db) as hq:
        assert merge_bundles(hq, [later]).count("merged") == 1
        counts = hq.counts()
        for table in ("rating_events", "survey_responses", "districts", "rounds"):
            assert counts[table] == hq.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert counts["survey_responses"] == 6 * 18 - 12  # 12 teachers of d0 removed


def test_a_release_1_store_keeps_its_counts_after_the_upgrade(tmp_path):
    for f in FIXTURES.glob("hq-format-1.onpoint-hq.db*"):
        shutil.copy(f, tmp_path / f.name)
    with HQStore.open(tmp_path / "hq-format-1.onpoint-hq.db") as hq:
        counts = hq.counts()
        for table in ("rating_events", "survey_responses"):
            assert counts[table] == hq.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert counts[table] > 0


def test_a_missing_summary_is_made_again_beside_a_deleted_rounds_summary(store, tmp_path):
    db = _copy(store, tmp_path)
    with HQStore.open(db) as hq:
        (district_uuid,) = hq.conn.execute("SELECT uuid FROM districts LIMIT 1").fetchone()
        with hq.transaction():
            # One round's summary is missing while a deleted round keeps one: the counts of
            # summaries and of live rounds agree, and yet a summary is missing.
            hq.conn.execute(
                "INSERT INTO rounds (district_uuid, round_id, label, stage, position, "
                "created_at, described_by, model, deleted) SELECT district_uuid, 'gone', "
                "'gone', stage, 9, created_at, described_by, model, 1 FROM rounds "
                "WHERE district_uuid = ?",
                (district_uuid,),
            )
            hq.conn.execute(
                "INSERT INTO round_summaries SELECT district_uuid, 'gone', model, stage, total, "
                "complete, scores, conflicts, listing "
                "FROM round_summaries WHERE district_uuid = ?",
                (district_uuid,),
            )
            hq.conn.execute(
                "DELETE FROM round_summaries WHERE district_uuid = ? AND round_id = '2023-24'",
                (district_uuid,),
            )
    with HQStore.open(db) as hq:
        kept = hq.conn.execute(
            "SELECT total FROM round_summaries WHERE district_uuid = ? AND round_id = '2023-24'",
            (district_uuid,),
        ).fetchone()
        assert kept is not None and kept[0] is not None
        listed = {d["uuid"]: d for d in overview(hq)["districts"]}
        assert [r["id"] for r in listed[district_uuid]["rounds"]] == ["2023-24"]


def test_a_merge_run_leaves_every_commit_waiting_for_the_disk_again(store, tmp_path):
    db = _copy(store, tmp_path)
    with HQStore.open(db) as hq:
        assert hq.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        merge_bundles(hq, store["files"][:2])
        assert hq.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        with pytest.raises(MergeCancelled):
            merge_bundles(hq, store["files"], cancel=lambda: True)
        assert hq.conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_opening_compares_the_rounds_an_older_release_left_uncompared(store, tmp_path):
    db = _copy(store, tmp_path)
    with HQStore.open(db) as hq, hq.transaction():
        hq.conn.execute("DELETE FROM round_comparisons")
    with HQStore.open(db) as hq:
        kept = hq.conn.execute("SELECT count(*) FROM round_comparisons").fetchone()[0]
        assert kept == hq.conn.execute("SELECT count(*) FROM round_summaries").fetchone()[0] == 6


def test_national_commands_load_neither_matplotlib_nor_pandas(store, tmp_path):
    # A national store's budget is seconds (SPEC §14): importing matplotlib alone took one
    # and a half of them in `hq report`, whose one chart of dots Pillow now draws.
    from tests.test_cli_imports import _loaded_by

    db = str(_copy(store, tmp_path))
    watched = ("matplotlib", "pandas", "PySide6")
    report = tmp_path / "national.docx"
    assert _loaded_by("hq", "report", db, "-o", str(report), watched=watched) == []
    assert _loaded_by("hq", "list", db, "--json", watched=watched) == []
    assert _loaded_by("hq", "benchmark", db, "-o", str(tmp_path / "p.json"), watched=watched) == []
    from docx import Document

    (chart,) = Document(str(report)).inline_shapes  # the planning stage's strip chart
    assert chart.width > 0


def test_a_list_reads_one_snapshot_while_another_process_merges(store, tmp_path):
    """A list begun before a merge commits elsewhere shows none of it: not its district,
    nor its bundle in the counts at the head (the head is read first, the rest later)."""
    from onpoint_desktop.sync.hq_overview import listed_districts, overview_head, reading

    db = _copy(store, tmp_path)
    late = district(tmp_path / "late.onpoint.db", "Late District", [("2023-24", "planning")])
    bundle = export(late, tmp_path / "late.onpoint-bundle", store["signer"])
    with HQStore.open(db) as hq:
        before = overview(hq)
        with reading(hq) as read:
            with HQStore.open(db) as other:  # as another process would
                assert merge_bundles(other, [bundle]).refused == ()
            head = overview_head(read)
            listed = [d["uuid"] for d, _ in listed_districts(read)]
        assert head["counts"] == before["counts"]
        assert listed == [d["uuid"] for d in before["districts"]]
        after = overview(hq)
    assert after["counts"]["districts"] == before["counts"]["districts"] + 1
    assert len(after["districts"]) == len(listed) + 1

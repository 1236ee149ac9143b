"""Worker processes score districts exactly as HQ's own process does (``summary_pool``)."""

from __future__ import annotations

import concurrent.futures

from onpoint_desktop.sync import HQStore, hq_summaries, merge_bundles, summary_pool
from tests.sync_support import district, export, signer


def _summaries(hq):
    return hq.conn.execute(
        "SELECT * FROM round_summaries ORDER BY district_uuid, round_id"
    ).fetchall(), hq.conn.execute(
        "SELECT * FROM round_comparisons ORDER BY district_uuid, round_id"
    ).fetchall()


def test_worker_processes_summarise_as_this_process_does(tmp_path, monkeypatch):
    ana = signer("Ana Ruiz")
    files = [
        export(
            district(tmp_path / f"{n}.onpoint.db", name, rounds, seed=n, teachers=8, leaders=4),
            tmp_path / f"{n}.onpointbundle",
            ana,
        )
        for n, (name, rounds) in enumerate(
            [
                ("Ash USD", [("2023-24", "planning"), ("2024-25", "year1")]),
                ("Box ISD", [("2024-25", "year2")]),
                ("Cork SD", [("2022-23", "planning")]),
            ]
        )
    ]
    hq, _ = HQStore.create(tmp_path / "hq.db")
    merge_bundles(hq, files, trust_new_signers=True)
    here = _summaries(hq)
    assert len(here[0]) == 4
    monkeypatch.setattr(summary_pool, "MIN_DISTRICTS", 1)
    monkeypatch.setattr(summary_pool, "CHUNK", 2)  # two tasks, results kept in order
    with hq.transaction():
        hq.conn.execute("DELETE FROM round_summaries")
        hq.conn.execute("DELETE FROM round_comparisons")
    assert hq_summaries.bring_up_to_date(hq) == 3
    assert _summaries(hq) == here
    hq.close()


def test_uncommitted_facts_are_scored_here(tmp_path, monkeypatch):
    """Workers see only committed facts: inside a transaction nothing is sent to them."""
    ana = signer("Ana Ruiz")
    bundle = export(
        district(tmp_path / "d.onpoint.db", "Ash USD", [("2024-25", "year1")], teachers=6),
        tmp_path / "d.onpointbundle",
        ana,
    )
    hq, _ = HQStore.create(tmp_path / "hq.db")
    merge_bundles(hq, [bundle], trust_new_signers=True)
    here = _summaries(hq)

    def no_workers(*args, **kwargs):
        raise AssertionError("workers would not see this transaction's facts")

    monkeypatch.setattr(summary_pool, "MIN_DISTRICTS", 1)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_workers)
    with hq.transaction():
        hq.conn.execute("DELETE FROM round_summaries")
        assert hq_summaries.bring_up_to_date(hq) == 1
    assert _summaries(hq) == here
    hq.close()

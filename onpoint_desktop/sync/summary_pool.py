"""Scoring many districts' rounds on every processor: HQ's summaries at national scale.

After a merge run HQ scores again every round whose facts changed — 1,400 districts after
10,000 bundles, every round of a national store after an upgrade — and scoring is work
for the processor (each round's responses aggregated, its intervals, its listing). Past
:data:`MIN_DISTRICTS`, worker processes score them, each reading the store through a
read-only connection of its own (WAL: readers see the last commit, never wait for the
writer), while this process only stores what they send back, in order. Workers are
spawned, not forked, so a GUI process is never copied.

Only committed facts are seen by a worker, so the caller says whether its facts are all
committed (``parallel``); when not, or for a few districts, they are scored here.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_comparisons import Compared
    from onpoint_desktop.sync.hq_store import HQStore

MIN_DISTRICTS = 200  # fewer are scored here: starting the workers costs about a second
CHUNK = 20  # districts per task
MAX_WORKERS = 8

Scored = tuple[list[tuple[Any, ...]], list["Compared"]]  # summary rows, comparisons

_worker_hq: HQStore | None = None  # a worker's read-only view of the store


def scored(
    hq: HQStore, todo: dict[str, list[str] | None], *, parallel: bool = True
) -> Iterator[Scored]:
    """Each district's summary rows and comparisons (``hq_summaries.summary_rows``) for
    ``todo`` (district → its rounds to score, or None for all), in ``todo``'s order."""
    from onpoint_desktop.sync.hq_summaries import summary_rows

    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if not parallel or workers < 2 or len(todo) < MIN_DISTRICTS:
        for district_uuid, round_ids in todo.items():
            yield summary_rows(hq, district_uuid, round_ids)
        return
    import multiprocessing  # here, not on import: listing a store starts no process
    from concurrent.futures import ProcessPoolExecutor

    items = list(todo.items())
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_open_store,
        initargs=(str(hq.path),),
    )
    try:
        for results in pool.map(_score_chunk, chunks):
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _open_store(path: str) -> None:
    """A worker's store: read-only, no migration, no summaries made on opening."""
    global _worker_hq
    from onpoint_desktop.sync.hq_store import HQStore

    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    _worker_hq = HQStore(Path(path), conn)


def _score_chunk(chunk: list[tuple[str, list[str] | None]]) -> list[Scored]:
    from onpoint_desktop.sync.hq_summaries import summary_rows

    assert _worker_hq is not None
    return [
        summary_rows(_worker_hq, district_uuid, round_ids) for district_uuid, round_ids in chunk
    ]

"""ReadStat in a process of its own: a damaged SPSS file cannot take the app down.

pyreadstat parses SPSS files in C (ReadStat). On some damaged files (bytes flipped,
truncated, spliced: found by ``tests/test_hostile_surveys.py``) ReadStat reads out of
bounds and the whole process dies with a segmentation fault — the consultant's app, with
nothing saved said. So every ``read_sav`` runs in a child process (spawned, not forked:
the app has threads), kept for the next call; if the child dies or takes longer than
``SECONDS``, the file is reported damaged and a new child is started for the next file.
The child returns the rows as a data frame (one block of rows at a time, so memory stays
within the reader's budget) and the few metadata fields the reader uses.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

SECONDS = 120  # one call (a block of rows, or the dictionary) at most

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


class ReaderStopped(Exception):
    """The child reading the file died (the file crashed ReadStat) or took too long."""


@dataclass(frozen=True)
class SavMeta:
    """What the reader uses of pyreadstat's metadata."""

    column_names: list[str]
    column_labels: list[str | None]
    variable_value_labels: dict[str, dict[Any, Any]]
    number_rows: int | None


def read_sav(path: str, **options: Any) -> tuple[Any, SavMeta]:
    """``pyreadstat.read_sav(path, **options)`` in the reading process: (frame, metadata).
    ReadStat's own errors are raised as they are; :class:`ReaderStopped` when the child
    died or ran out of time."""
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        pool = _pool
    future = pool.submit(_read, path, options)
    try:
        return future.result(timeout=SECONDS)
    except (BrokenProcessPool, FutureTimeout) as exc:
        _discard(pool)
        raise ReaderStopped(
            "the SPSS reader stopped on it"
            if isinstance(exc, BrokenProcessPool)
            else f"reading it took more than {SECONDS} s"
        ) from None


def _discard(pool: ProcessPoolExecutor) -> None:
    """Forget a pool whose child died or hangs (its processes are ended)."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()  # a hung ReadStat never returns: shutdown alone would wait for it
    pool.shutdown(wait=False, cancel_futures=True)


def _read(path: str, options: dict[str, Any]) -> tuple[Any, SavMeta]:
    """In the child: the call itself."""
    import pyreadstat

    frame, meta = pyreadstat.read_sav(path, **options)
    return frame, SavMeta(
        list(meta.column_names or []),
        list(meta.column_labels or []),
        dict(meta.variable_value_labels or {}),
        meta.number_rows,
    )

"""Reading a large store on a second core: a query's rows fetched by a thread ahead of
the code that formats them.

SQLite reads pages with Python's lock released, so while ``hq list`` formats one chunk of
a national store's 39,000 listings (Python), a thread on its own read-only connection
(WAL: readers never wait for each other) already reads the next. At most ``depth`` chunks
wait between the two, so memory stays bounded whatever the store's size; a consumer that
stops early (an error, a closed pipe) stops the thread at its next chunk.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from onpoint_desktop.workspace.connection import connect_read_only

T = TypeVar("T")
_DONE = object()


def rows_ahead(
    path: Path, sql: str, args: tuple[Any, ...] = (), *, chunk: int = 256, depth: int = 8
) -> Iterator[tuple[Any, ...]]:
    """The rows of a read-only query on the store at ``path``, read by a thread ahead."""
    waiting: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            conn = connect_read_only(path)
            try:
                cursor = conn.execute(sql, args)
                while rows := cursor.fetchmany(chunk):
                    if not put(rows):
                        return
            finally:
                conn.close()
            put(_DONE)
        except BaseException as exc:  # raised again in the reading thread
            put(exc)

    thread = threading.Thread(target=read, name="onpoint-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := waiting.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        thread.join()


def in_background(path: Path, work: Callable[[sqlite3.Connection], T]) -> Future[T]:
    """``work(conn)`` on a thread with its own read-only connection to the store at
    ``path``; its result (or its exception) from the returned future."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            conn = connect_read_only(path)
            try:
                future.set_result(work(conn))
            finally:
                conn.close()
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="onpoint-background-read", daemon=True).start()
    return future

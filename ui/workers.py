"""One way to do slow work off the GUI thread (after Anki's CollectionOp and superqt).

A :class:`Worker` runs a core function on the global ``QThreadPool``. The function is
called with two extra keyword arguments, ``progress(done, total)`` and ``cancel()``,
exactly the callables the core's long operations accept; the worker turns progress into
a Qt signal and answers ``cancel()`` from a flag the GUI sets. Results and errors come
back as signals on the GUI thread.

Do not touch widgets from the function: it runs on another thread. Open a separate
``Workspace`` connection inside it rather than sharing the GUI's.

:func:`run_with_progress` wraps a worker in a window-modal progress dialog with Cancel,
for work that has no page of its own (reports, bundles, merges).
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from onpoint_desktop.errors import Cancelled, OnpointError

_RUNNING: set[Worker] = set()  # started workers, kept alive until they finish


class WorkerSignals(QObject):
    progress = Signal(int, int)  # done, total
    result = Signal(object)
    error = Signal(object)  # the exception (OnpointError, Cancelled, or a programming error)
    finished = Signal()  # always, after result or error


class Worker(QRunnable):
    """Run ``fn(*args, progress=..., cancel=..., **kwargs)`` on the thread pool."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self._delivered = False  # ``finished`` has reached the GUI thread
        self.setAutoDelete(False)  # the GUI keeps it until ``finished``

    def cancel(self) -> None:
        """Ask the work to stop; the core raises ``Cancelled`` at its next check."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self, pool: QThreadPool | None = None) -> Worker:
        """Queue the work. The worker stays alive until ``finished``, even if the caller
        drops it (e.g. a dialog closed while its work was being cancelled)."""
        # Workers whose ``finished`` was delivered are let go here, never inside their own
        # ``finished`` slot: dropping the last reference there deletes ``signals`` (the
        # sender) while Qt is still dispatching to it, a use-after-free.
        _RUNNING.difference_update([w for w in _RUNNING if w._delivered])
        _RUNNING.add(self)
        self.signals.finished.connect(self._mark_delivered)
        (pool or QThreadPool.globalInstance()).start(self)
        return self

    def _mark_delivered(self) -> None:
        self._delivered = True

    def detach(self) -> None:
        """Stop reporting to whoever started the work (its window is going away)."""
        for signal in (self.signals.progress, self.signals.result, self.signals.error):
            with contextlib.suppress(RuntimeError, TypeError):  # nothing was connected
                signal.disconnect()

    def run(self) -> None:
        try:
            result = self.fn(
                *self.args,
                progress=lambda done, total: self.signals.progress.emit(int(done), int(total)),
                cancel=self._cancel.is_set,
                **self.kwargs,
            )
        except OnpointError as exc:  # includes Cancelled
            self.signals.error.emit(exc)
        except Exception as exc:  # a programming error: keep the traceback visible
            traceback.print_exc()
            self.signals.error.emit(exc)
        else:
            self.signals.result.emit(result)
        finally:
            self.signals.finished.emit()


def run_with_progress(
    parent: QWidget,
    title: str,
    fn: Callable[..., Any],
    *args: Any,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    **kwargs: Any,
) -> Worker:
    """Run ``fn`` on a worker behind a modal progress dialog with a Cancel button.

    ``on_result`` gets the return value; ``on_error`` gets the exception (a
    ``Cancelled`` when the user pressed Cancel); ``on_finished`` runs after either. All
    run on the GUI thread, and are connected before the work starts.
    """
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setMinimumWidth(360)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    worker = Worker(fn, *args, **kwargs)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def finished() -> None:
        if shiboken6.isValid(dialog):
            dialog.close()
            dialog.deleteLater()

    def cancel() -> None:
        dialog.setLabelText("Cancelling…")
        worker.cancel()

    worker.signals.progress.connect(progress)
    if on_result:
        worker.signals.result.connect(on_result)
    if on_error:
        worker.signals.error.connect(on_error)
    worker.signals.finished.connect(finished)
    if on_finished:
        worker.signals.finished.connect(on_finished)
    # The window went away (and its dialog with it): the work winds down unseen.
    dialog.destroyed.connect(worker.detach)
    dialog.canceled.disconnect()  # keep the dialog up until the work has stopped
    dialog.canceled.connect(cancel)
    worker.start()
    return worker


__all__ = ["Cancelled", "Worker", "WorkerSignals", "run_with_progress"]

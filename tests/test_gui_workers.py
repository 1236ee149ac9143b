"""The one worker helper: progress, result, errors and cancel as the core expects them."""

from __future__ import annotations

import pytest

from onpoint_desktop.errors import Cancelled, InputError
from ui.workers import Worker


def _count(n, *, progress, cancel):
    for i in range(n):
        if cancel():
            raise Cancelled()
        progress(i + 1, n)
    return n * 2


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    worker = Worker(_count, 5)
    seen = []
    worker.signals.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(worker.signals.result, timeout=5000) as result:
        worker.start()
    assert result.args == [10]
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert seen[-1] == (5, 5)


def test_cancel_reaches_the_core_as_cancelled(qtbot):
    worker = Worker(_count, 10)
    worker.cancel()
    with qtbot.waitSignal(worker.signals.error, timeout=5000) as error:
        worker.start()
    assert isinstance(error.args[0], Cancelled)


def test_user_errors_come_back_as_error_signals(qtbot):
    def refuse(*, progress, cancel):
        raise InputError("Round '2030-31' does not exist.")

    worker = Worker(refuse)
    results = []
    worker.signals.result.connect(results.append)
    with qtbot.waitSignal(worker.signals.error, timeout=5000) as error:
        worker.start()
    assert isinstance(error.args[0], InputError) and "2030-31" in str(error.args[0])
    qtbot.waitSignal(worker.signals.finished, timeout=5000)
    assert results == []


@pytest.mark.parametrize("n", [0, 3])
def test_finished_always_follows(qtbot, n):
    worker = Worker(_count, n)
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        worker.start()

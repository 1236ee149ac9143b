"""Helpers for the GUI tests (pytest-qt, offscreen): a window on a copy of the demo."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def open_window(qtbot, path: Path):
    from onpoint_desktop.workspace import Workspace
    from ui.main_window import MainWindow
    from ui.session import DistrictSession
    from ui.settings import AppSettings

    window = MainWindow(DistrictSession(Workspace.open(path)), AppSettings())
    qtbot.addWidget(window, before_close_func=lambda w: (w.close(), w.shutdown()))
    window.resize(1366, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    path = tmp_path / "Riverbend.onpoint.db"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture
def window(qtbot, demo_copy):
    """The main window on a private copy of the demo district (latest round on screen)."""
    return open_window(qtbot, demo_copy)


_POLLS: list[QTimer] = []  # answer_modal's timers, stopped when each GUI test ends


def answer_modal(qtbot, act: Callable[[QWidget], None], timeout_ms: int = 10_000) -> list[QWidget]:
    """Arrange for ``act`` to run on the next modal dialog (opened with ``exec``).

    Polls every 10 ms until a modal dialog shows, at most ``timeout_ms`` and never beyond
    the test: a stray poll must not answer a later test's dialog.
    """
    seen: list[QWidget] = []
    timer = QTimer()
    timer.setInterval(10)
    left = [timeout_ms // 10]

    def poll() -> None:
        left[0] -= 1
        dialog = QApplication.activeModalWidget()
        if dialog is None and left[0] > 0:
            return
        timer.stop()
        if dialog is not None:
            seen.append(dialog)
            act(dialog)

    timer.timeout.connect(poll)
    _POLLS.append(timer)
    timer.start()
    return seen


def stop_modal_answers() -> None:
    while _POLLS:
        _POLLS.pop().stop()


def error_boxes(parent: QWidget) -> list[QMessageBox]:
    """The error dialogs shown (window-modal, non-blocking) over ``parent``."""
    return [b for b in parent.findChildren(QMessageBox, "errorBox") if b.isVisible()]


def message_boxes(parent: QWidget) -> list[QMessageBox]:
    """The result messages shown (window-modal, non-blocking) over ``parent``."""
    return [b for b in parent.findChildren(QMessageBox, "messageBox") if b.isVisible()]


def choose_file(monkeypatch, method: str, chosen, asked: list | None = None) -> None:
    """Answer the next ``QFileDialog.<method>`` with ``chosen`` (a path or a list of paths);
    the arguments the app passed are appended to ``asked``."""
    from PySide6.QtWidgets import QFileDialog

    def answer(*args, **kwargs):
        if asked is not None:
            asked.append(args)
        if isinstance(chosen, list):
            return [str(p) for p in chosen], ""
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, method, staticmethod(answer))

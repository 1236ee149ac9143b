"""The Qt binding in use does not corrupt the interpreter while painting.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every call of an
overloaded void method such as ``QPainter.fillRect``, ``drawLine`` or ``setPen``: the
window then painted itself about thirty times before the interpreter aborted with
"none_dealloc: deallocating None". pyproject.toml excludes that release; this test keeps
any other release with the same fault out.
"""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import sys

import pytest

from tests.gui_support import demo_copy, window


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_painting_the_window_keeps_none_alive(window):
    window.repaint()
    before = sys.getrefcount(None)
    for _ in range(3):
        window.repaint()
        window.board.repaint()
    assert sys.getrefcount(None) >= before - 30

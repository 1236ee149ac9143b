"""A command whose reader goes away (``onpoint board DB | head``) ends quietly."""

from __future__ import annotations

import os
import subprocess
import sys


def _run_into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        return subprocess.run(
            [sys.executable, "-m", "onpoint_desktop", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)


def test_board_into_a_closed_pipe_ends_without_a_traceback(demo_db):
    result = _run_into_a_closed_pipe("board", str(demo_db))
    assert result.stderr == ""
    assert result.returncode == 141


def test_areas_into_a_closed_pipe_ends_without_a_traceback():
    result = _run_into_a_closed_pipe("areas")
    assert result.stderr == ""

"""Where Qt could not open a window, the app says why in one line (and names the CLI)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui import display

ROOT = Path(__file__).resolve().parent.parent


def test_missing_qt_libraries_are_named_in_one_line(monkeypatch, capsys):
    from ui import app

    absent = "libonpoint-absent-cursor.so.0"
    monkeypatch.setattr(display, "XCB_LIBRARIES", (*display.XCB_LIBRARIES, absent))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(sys, "platform", "linux")
    assert app.run([]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert absent in lines[0]
    assert "sudo apt install libonpoint-absent-cursor0" in lines[0]
    assert "onpoint --help" in lines[0]


def test_an_x_server_that_does_not_answer_gives_one_line(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "ONPOINT_HOME": str(tmp_path),
        "DISPLAY": ":1999",  # no X server listens there
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot connect to the display :1999" in lines[0] and "onpoint --help" in lines[0]
    assert not list(tmp_path.rglob("*.onpoint.db"))


def test_the_library_list_covers_what_the_xcb_plugin_links():
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    ldd = shutil.which("ldd")
    if not plugin.exists() or ldd is None:
        pytest.skip("no xcb plugin or ldd here")
    needed = set()
    for library in (plugin, plugin.parents[2] / "lib" / "libQt6XcbQpa.so.6"):
        output = subprocess.run([ldd, str(library)], capture_output=True, text=True).stdout
        needed |= set(re.findall(r"^\s*(lib(?:xcb|xkbcommon|X11-xcb)\S*\.so\.\d+)", output, re.M))
    assert needed and needed <= set(display.XCB_LIBRARIES), needed - set(display.XCB_LIBRARIES)


def test_debian_package_names():
    assert display.debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert display.debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert display.debian_package("libxcb-keysyms.so.1") == "libxcb-keysyms1"
    assert display.debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"


def test_qt_uses_x11_only_where_it_will():
    assert display.uses_xcb({"DISPLAY": ":0"}, "linux")
    assert not display.uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not display.uses_xcb(
        {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux"
    )
    assert not display.uses_xcb({"DISPLAY": ":0"}, "darwin")

"""Can a window open here? Asked before Qt is loaded, so the answer is one clear line.

Qt itself, when it cannot open a window, prints several lines about platform plugins and
aborts. This module answers first, in the app's words, and points to the command line:

- no display at all (``DISPLAY`` and ``WAYLAND_DISPLAY`` unset, e.g. over SSH);
- an X11 display Qt cannot use because system libraries of its xcb plugin are missing
  (a minimal Linux install lacks libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1 or
  libxkbcommon-x11-0), naming the libraries and the Debian/Ubuntu packages;
- an X11 display that does not answer (``DISPLAY`` names a server that is not running or
  refuses this user).

Nothing here imports Qt.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Callable, Mapping

from onpoint_desktop import APP_NAME

# Qt platforms that draw without a windowing system (tests, kiosks, VNC).
HEADLESS_PLATFORMS = {
    "offscreen",
    "minimal",
    "minimalegl",
    "vnc",
    "eglfs",
    "linuxfb",
    "vkkhrdisplay",
}

# What Qt's xcb platform plugin (libqxcb.so and libQt6XcbQpa) loads from the system;
# tests/test_gui_display.py checks this list against the plugin's own dependencies.
XCB_LIBRARIES = (
    "libxcb.so.1",
    "libX11-xcb.so.1",
    "libxcb-cursor.so.0",
    "libxcb-icccm.so.4",
    "libxcb-image.so.0",
    "libxcb-keysyms.so.1",
    "libxcb-randr.so.0",
    "libxcb-render.so.0",
    "libxcb-render-util.so.0",
    "libxcb-shape.so.0",
    "libxcb-shm.so.0",
    "libxcb-sync.so.1",
    "libxcb-util.so.1",
    "libxcb-xfixes.so.0",
    "libxcb-xkb.so.1",
    "libxkbcommon.so.0",
    "libxkbcommon-x11.so.0",
)
CLI_HINT = "or use the command line instead: onpoint --help"


def display_problem(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why a window cannot be shown here, or None when it can (as far as we can tell).

    Only X11/Wayland systems can lack a display; Windows and macOS always have one.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if _qpa(env) in HEADLESS_PLATFORMS:
        return None
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        f"{APP_NAME}: no graphical display here (neither DISPLAY nor WAYLAND_DISPLAY is set); "
        f"run it on a desktop, {CLI_HINT}"
    )


def _qpa(env: Mapping[str, str]) -> str:
    return env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()


def uses_xcb(env: Mapping[str, str], platform: str) -> bool:
    """Whether Qt will open its windows through X11 (xcb) here."""
    if not platform.startswith("linux") and "bsd" not in platform:
        return False
    qpa = _qpa(env)
    if qpa:
        return qpa == "xcb"
    wayland_session = env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY")
    return bool(env.get("DISPLAY")) and not wayland_session


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships a library, by Debian's naming rule:
    ``libxcb-cursor.so.0`` → ``libxcb-cursor0``, ``libxkbcommon-x11.so.0`` →
    ``libxkbcommon-x11-0``.

    >>> debian_package("libxcb-icccm.so.4"), debian_package("libX11-xcb.so.1")
    ('libxcb-icccm4', 'libx11-xcb1')
    """
    match = re.fullmatch(r"(.+)\.so\.(\d+)", soname)
    if not match:
        return soname
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(
    libraries: tuple[str, ...] | None = None, loads: Callable[[str], bool] = _loads
) -> list[str]:
    """The libraries (default: Qt's xcb plugin's) the system loader cannot find."""
    return [name for name in libraries or XCB_LIBRARIES if not loads(name)]


def x_server_answers(display: str) -> bool:
    """Whether the X server ``display`` accepts a connection from this user (via libxcb)."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return connection is not None and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection is not None:
            xcb.xcb_disconnect(connection)


def xcb_problem(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why Qt's X11 plugin could not open a window here, or None (also when Qt will not
    use X11 at all)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not uses_xcb(env, platform):
        return None
    missing = missing_libraries()
    if missing:
        packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
        return (
            f"{APP_NAME}: cannot open a window: Qt needs system libraries that are missing "
            f"({', '.join(missing)}); install them (Debian/Ubuntu: sudo apt install {packages}), "
            f"{CLI_HINT}"
        )
    display = env.get("DISPLAY", "")
    if display and not x_server_answers(display):
        return (
            f"{APP_NAME}: cannot connect to the display {display} (is the X server running, "
            f"and may this user use it?); {CLI_HINT}"
        )
    return None

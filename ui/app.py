"""Start the desktop application: ``onpoint-desktop [WORKSPACE]`` or ``python main.py``.

Opens WORKSPACE, else the last workspace used, else (first run) the demo district, and
shows the window as fast as it can (what the first write needs is imported in the
background once the window is painted). Where there is no display the app says so in one line and
points to the ``onpoint`` command line instead of aborting inside Qt; so it does where Qt
lacks a system library or the X server does not answer (``ui.display``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from onpoint_desktop import APP_NAME, __version__
from ui.display import display_problem, xcb_problem

__all__ = ["display_problem", "main", "run"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onpoint-desktop",
        description=f"{APP_NAME}: rate a district's personalized-learning implementation.",
    )
    parser.add_argument(
        "workspace", nargs="?", type=Path, help="a district workspace (*.onpoint.db) to open"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="",
        metavar="FOLDER",
        help="offscreen: build the demo, open it, score it, write a report and a bundle "
        "(in FOLDER, default a temporary one), then exit 0 if all went well",
    )
    return parser


def open_start_workspace(requested: Path | None, last: Path | None):
    """The workspace to start with, and the error that stopped the requested one (if any).

    Tries the requested file, then the last one used, then the demo district (created
    at ``paths.demo_workspace_path()`` on first run).
    """
    from onpoint_desktop import paths
    from onpoint_desktop.demo import build_demo
    from onpoint_desktop.errors import OnpointError, WorkspaceError
    from onpoint_desktop.workspace import Workspace

    problem = None
    for candidate in (requested, last):
        if candidate is None:
            continue
        try:
            return Workspace.open(candidate), problem
        except OnpointError as exc:
            problem = problem or exc
    demo = paths.demo_workspace_path()
    if demo.exists():
        try:
            return Workspace.open(demo), problem
        except OnpointError as exc:
            # The demo is rebuilt rather than repaired; the broken file is kept aside.
            aside = set_aside(demo)
            problem = problem or WorkspaceError(
                f"The demo district could not be opened ({exc}). A fresh demo district was "
                f"built; the old file is kept as {aside}."
            )
    return build_demo(demo), problem


def set_aside(path: Path) -> Path:
    """Move a workspace that cannot be opened (and its WAL files) out of the way."""
    from onpoint_desktop.workspace import utc_now

    stamp = utc_now().replace(":", "").replace("-", "").split(".")[0]
    aside = path.with_name(f"{path.name}.unopenable-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            source.replace(Path(str(aside) + suffix))
    return aside


def prepare_first_write() -> None:
    """Import what the core needs for its first write (sqlite-utils, which pulls in pandas)
    on a background thread once the window is up, so the first rating does not stall."""

    def load() -> None:
        importlib.import_module("sqlite_utils")

    threading.Thread(target=load, name="prepare-first-write", daemon=True).start()


def run(argv: Sequence[str] | None = None, on_shown: Callable[[], None] | None = None) -> int:
    """Run the application; ``on_shown`` is called once the window is first painted."""
    args, qt_args = _parser().parse_known_args(argv)
    if args.self_test is not None:
        from ui.selftest import run_self_test

        return run_self_test(Path(args.self_test) if args.self_test else None)
    problem = display_problem() or xcb_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Onpoint")

    from PySide6.QtCore import QTimer

    from onpoint_desktop.errors import DamagedWorkspaceError, OnpointError
    from ui.dialogs import show_error
    from ui.icons import app_icon
    from ui.main_window import MainWindow
    from ui.session import DistrictSession
    from ui.settings import AppSettings

    app.setWindowIcon(app_icon())
    settings = AppSettings()
    try:
        workspace, problem_opening = open_start_workspace(args.workspace, settings.last_workspace())
    except OnpointError as exc:
        QMessageBox.critical(None, APP_NAME, f"{APP_NAME} cannot start: {exc}")
        return 1
    session = DistrictSession(workspace, settings.last_round(workspace.workspace_uuid))
    window = MainWindow(session, settings)
    if on_shown is not None:
        window.firstShown.connect(on_shown)
    window.firstShown.connect(prepare_first_write)
    window.show()
    if isinstance(problem_opening, DamagedWorkspaceError) and problem_opening.path:
        QTimer.singleShot(0, lambda: window.offer_recovery(problem_opening))
    elif problem_opening is not None:
        show_error(window, "Could not open the workspace", problem_opening)
    code = app.exec()
    window.shutdown()
    return code


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()

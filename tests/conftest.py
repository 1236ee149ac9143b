"""Shared fixtures. GUI tests run offscreen; per-user folders are redirected to tmp."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# HYPOTHESIS_PROFILE=soak runs the hostile-input properties with many more examples
# (tests/hostile_support.py); the default profile keeps the everyday run fast.
settings.register_profile("soak", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# A copy of ../shared/samples (real-layout exports with truth.json), kept in the repo so
# the tests run from any clean clone.
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep tests away from the real per-user data, config and keys."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ONPOINT_HOME", str(home))
    monkeypatch.setenv("ONPOINT_AUTHOR", "Test Consultant")


@pytest.fixture(autouse=True)
def _collect_qt_garbage_on_the_gui_thread(request):
    """End a GUI test cleanly: stop its pending modal answers (a stray poll must not answer
    a later test's dialog) and finalise its dead widgets here, on the GUI thread.

    Python's cycle collector runs in whichever thread happens to allocate. Left for later,
    a test's dead windows (held in reference cycles) could be collected on a worker
    thread of a later test, deleting Qt widgets off the GUI thread: a segmentation fault.
    """
    yield
    if "qtbot" in request.fixturenames:
        from gui_support import stop_modal_answers

        stop_modal_answers()
        gc.collect()


@pytest.fixture
def ws(tmp_path):
    """An empty district workspace with one planning round ``r1``."""
    from onpoint_desktop.workspace import Workspace

    workspace = Workspace.create(tmp_path / "district.onpoint.db", "Test District")
    workspace.add_round("r1", "planning")
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo district built once per session; tests that change it must copy it."""
    from onpoint_desktop.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.onpoint.db"
    build_demo(path).close()
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo district, free to change."""
    import shutil

    path = tmp_path / "demo.onpoint.db"
    shutil.copy(demo_db, path)
    return path

"""The self-test of the installed app, and (slow) of the frozen PyInstaller build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("ONPOINT_HOME", None)  # the self-test must isolate itself
    env["HOME"] = str(tmp_path / "home")  # ...so nothing lands in the real home if it fails
    return env


def _check(result: subprocess.CompletedProcess, folder: Path) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    for step in ("demo district", "main window + score", "Word report", "sync bundle"):
        assert f"ok   {step}" in result.stdout
    assert (folder / "report.docx").stat().st_size > 10_000
    assert (folder / "demo.onpointbundle").exists()
    assert "self-test passed" in (folder / "self-test.log").read_text()


def test_self_test_of_the_installed_app(tmp_path):
    folder = tmp_path / "selftest"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--self-test", str(folder)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=300,
    )
    _check(result, folder)
    leaked = [p for p in (tmp_path / "home").rglob("*") if "onpoint" in p.name.lower()]
    assert leaked == []  # only library caches (matplotlib, fontconfig) may appear


def test_self_test_reports_a_broken_install(tmp_path):
    env = _env(tmp_path)
    broken = tmp_path / "resources"
    broken.mkdir()
    env["ONPOINT_RESOURCES"] = str(broken)  # an install that lost its resources
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--self-test", str(tmp_path / "st")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 1
    assert "FAILED" in result.stdout and "framework.json is missing" in result.stdout


@pytest.mark.slow
def test_frozen_app_builds_and_passes_its_self_test(tmp_path):
    pytest.importorskip("PyInstaller")
    build = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--dist",
            str(tmp_path / "dist"),
            "--work",
            str(tmp_path / "build"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    app_dir = tmp_path / "dist" / "OnpointDesktop"
    exe = app_dir / ("OnpointDesktop.exe" if sys.platform == "win32" else "OnpointDesktop")
    folder = tmp_path / "selftest"
    result = subprocess.run(
        [str(exe), "--self-test", str(folder)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=300,
    )
    _check(result, folder)
    assert (app_dir / "_internal" / "resources" / "framework.json").exists()

"""Build the one-folder desktop application with PyInstaller, prune it, report its size.

    python packaging/build.py [--dist DIR] [--self-test]

Produces ``DIR/OnpointDesktop/`` (default ``dist/``), containing the ``OnpointDesktop``
executable (``Onpoint Desktop.app`` beside it on macOS). After PyInstaller, files Qt ships
but the app never loads (translations, QML, plugins for SQL, multimedia, positioning...)
are removed. With ``--self-test`` the built app runs its offscreen self-test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "onpoint.spec"
APP = "OnpointDesktop"

# Inside PySide6/Qt: folders the app never reads.
PRUNE_DIRS = ["translations", "qml", "resources/qtwebengine_devtools_resources.pak"]
# Inside PySide6/Qt/plugins: only platforms, imageformats, iconengines, styles,
# platformthemes, platforminputcontexts and xcbglintegrations are used.
PRUNE_PLUGINS = [
    "sqldrivers",
    "multimedia",
    "position",
    "geoservices",
    "texttospeech",
    "webview",
    "networkinformation",
    "tls",
    "canbus",
    "sensors",
    "gamepads",
    "designer",
    "renderers",
    "qmltooling",
    "scxmldatamodel",
    "assetimporters",
    "qmllint",
    "printsupport",
    "egldeviceintegrations",
    "wayland-graphics-integration-server",
    "vectorimageformats",
]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def prune(app_dir: Path) -> int:
    """Remove unused Qt payload; returns the bytes removed."""
    before = folder_size(app_dir)
    for qt in app_dir.rglob("PySide6/Qt"):
        for name in PRUNE_DIRS:
            target = qt / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        for name in PRUNE_PLUGINS:
            shutil.rmtree(qt / "plugins" / name, ignore_errors=True)
    return before - folder_size(app_dir)


def executable(app_dir: Path) -> Path:
    return app_dir / (f"{APP}.exe" if sys.platform == "win32" else APP)


def build(dist: Path, work: Path) -> Path:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC),
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
        ],
        check=True,
        cwd=ROOT,
    )
    app_dir = dist / APP
    removed = prune(app_dir)
    size = folder_size(app_dir)
    print(
        f"built {app_dir} in {time.perf_counter() - started:.0f}s: {size / 1e6:.0f} MB "
        f"({removed / 1e6:.0f} MB of unused Qt files pruned)"
    )
    return app_dir


def self_test(app_dir: Path) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    result = subprocess.run([str(executable(app_dir)), "--self-test"], env=env, check=False)
    print(f"self-test exit code {result.returncode} in {time.perf_counter() - started:.1f}s")
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--self-test", action="store_true", help="run the built app's self-test")
    args = parser.parse_args()
    app_dir = build(args.dist.resolve(), args.work.resolve())
    return self_test(app_dir) if args.self_test else 0


if __name__ == "__main__":
    raise SystemExit(main())

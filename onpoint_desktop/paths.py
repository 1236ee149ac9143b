"""Per-user folders, platform-correct (platformdirs), overridable with ``ONPOINT_HOME``.

``ONPOINT_HOME`` puts everything (data, config, keys) under one folder: tests and the
frozen app's ``--self-test`` use it to stay away from the user's real files.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "OnpointDesktop"
APP_AUTHOR = "Onpoint"


def _home() -> Path | None:
    value = os.environ.get("ONPOINT_HOME", "").strip()
    return Path(value) if value else None


def data_dir() -> Path:
    """Where the demo district, keys and default workspaces live."""
    home = _home()
    path = home / "data" if home else Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    home = _home()
    path = home / "config" if home else Path(platformdirs.user_config_dir(APP_DIR_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents_dir() -> Path:
    """A sensible default folder for reports and bundles the user saves."""
    home = _home()
    return home / "documents" if home else Path(platformdirs.user_documents_dir())


def demo_workspace_path() -> Path:
    return data_dir() / "Riverbend demo.onpoint.db"

"""The user's settings: recent workspaces, window geometry, author name, theme, default
folder, last round.

Kept with ``QSettings`` in an INI file in the per-user config folder
(``onpoint_desktop.paths.config_dir``), so ``ONPOINT_HOME`` moves it along with every
other per-user file (tests and the frozen app's self-test rely on that).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from onpoint_desktop import paths
from onpoint_desktop.workspace import default_author

MAX_RECENT = 8


class AppSettings:
    def __init__(self) -> None:
        self.store = QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)

    # --- recent workspaces -------------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        """Most recent first; files that no longer exist are left out."""
        value = self.store.value("recent/files", [])
        if isinstance(value, str):  # QSettings returns a lone string for one-item lists
            value = [value]
        return [Path(p) for p in value or [] if p and Path(p).exists()]

    def add_recent(self, path: Path) -> None:
        resolved = Path(os.path.abspath(path))
        files = [resolved] + [p for p in self.recent_files() if p != resolved]
        self.store.setValue("recent/files", [str(p) for p in files[:MAX_RECENT]])

    def clear_recent(self) -> None:
        self.store.setValue("recent/files", [])

    def last_workspace(self) -> Path | None:
        files = self.recent_files()
        return files[0] if files else None

    # --- window and author ---------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)

    def window_state(self) -> QByteArray | None:
        value = self.store.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def set_window_state(self, state: QByteArray) -> None:
        self.store.setValue("window/state", state)

    # --- preferences -------------------------------------------------------------------------

    def theme(self) -> str:
        """ "system", "light" or "dark"."""
        value = str(self.store.value("appearance/theme", "system") or "system")
        return value if value in ("system", "light", "dark") else "system"

    def set_theme(self, theme: str) -> None:
        self.store.setValue("appearance/theme", theme)

    def default_folder(self) -> Path:
        """Where new workspaces, reports and copies are suggested (Preferences), if it
        still exists; else the documents folder."""
        value = self.store.value("files/default_folder")
        if value and Path(value).is_dir():
            return Path(value)
        return paths.documents_dir()

    def set_default_folder(self, folder: Path | None) -> None:
        self.store.setValue("files/default_folder", os.path.abspath(folder) if folder else "")

    def author(self) -> str:
        return str(self.store.value("author/name", "") or "").strip() or default_author()

    def set_author(self, name: str) -> None:
        self.store.setValue("author/name", name.strip())

    # --- HQ ----------------------------------------------------------------------------------

    def last_hq_store(self) -> Path | None:
        """The HQ store opened last, if it still exists."""
        value = self.store.value("hq/last_store")
        return Path(value) if value and Path(value).exists() else None

    def set_last_hq_store(self, path: Path) -> None:
        self.store.setValue("hq/last_store", os.path.abspath(path))

    # --- per workspace -------------------------------------------------------------------------

    def last_round(self, workspace_uuid: str) -> str | None:
        value = self.store.value(f"rounds/{workspace_uuid}")
        return str(value) if value else None

    def set_last_round(self, workspace_uuid: str, round_id: str) -> None:
        self.store.setValue(f"rounds/{workspace_uuid}", round_id)

    def sync(self) -> None:
        self.store.sync()

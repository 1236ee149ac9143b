"""The HQ menu of the main window: create or open an HQ store in its own window.

The last HQ store opened is remembered in the settings and offered again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu

from onpoint_desktop import paths
from onpoint_desktop.errors import OnpointError
from ui.dialogs import show_error, show_message
from ui.settings import AppSettings

if TYPE_CHECKING:  # the HQ window and the sync package load on first use, not at start-up
    from ui.hq_window import HQWindow

HQ_SUFFIX = ".hq.db"
HQ_FILTER = "Onpoint HQ stores (*.hq.db);;All files (*)"


def public_key_path(store: Path) -> Path:
    """Where a new store's shareable public key goes: beside it, named after it."""
    stem = store.name[: -len(HQ_SUFFIX)] if store.name.endswith(HQ_SUFFIX) else store.stem
    return store.with_name(f"{stem} public key.json")


class HQActions:
    """New / Open HQ store, each shown in an :class:`HQWindow`."""

    def __init__(self, window: QMainWindow, settings: AppSettings) -> None:
        self.window = window
        self.settings = settings
        self.windows: list[HQWindow] = []
        self.new_action = QAction("&New HQ store…", window)
        self.new_action.setStatusTip("Create a headquarters store to merge consultants' bundles")
        self.new_action.triggered.connect(self.new_store)
        self.open_action = QAction("&Open HQ store…", window)
        self.open_action.setStatusTip("Open a headquarters store")
        self.open_action.triggered.connect(self.choose_store)
        self.last_action = QAction("Open &last HQ store", window)
        self.last_action.triggered.connect(self._open_last)

    def fill_menu(self, menu: QMenu) -> None:
        menu.clear()
        menu.addActions([self.new_action, self.open_action])
        last = self.settings.last_hq_store()
        self.last_action.setText(f"Open &last: {last.name}" if last else "Open &last HQ store")
        self.last_action.setEnabled(last is not None)
        menu.addAction(self.last_action)

    def _start_folder(self) -> str:
        last = self.settings.last_hq_store()
        return str(last.parent if last else paths.documents_dir())

    def new_store(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self.window,
            "New HQ store",
            str(Path(self._start_folder()) / f"Onpoint HQ{HQ_SUFFIX}"),
            HQ_FILTER,
        )
        if chosen:
            path = Path(chosen)
            self.create(
                path if path.name.endswith(".db") else path.with_name(path.name + HQ_SUFFIX)
            )

    def create(self, path: Path) -> HQWindow | None:
        """Create the store, HQ's key pair and the public key file, then open it."""
        from onpoint_desktop.sync import keys
        from onpoint_desktop.sync.hq_store import create_hq

        key_file = public_key_path(path)
        try:
            if path.exists():
                raise OnpointError(f"{path} already exists; choose another name for the HQ store.")
            hq, public = create_hq(path, key_file)
            hq.close()
        except OnpointError as exc:
            show_error(self.window, "The HQ store was not created", exc)
            return None
        window = self.open_store(path)
        show_message(
            window or self.window,
            "HQ store created",
            f"{path.name} is ready. HQ's public keys were saved as {key_file.name}.",
            f"HQ's {public.describe()}.\n\n"
            f"Send {key_file} to your consultants: they import it once (Sync ▸ Import HQ "
            "public key…); their bundles are then encrypted for HQ, and they accept only "
            "benchmark packs this HQ signed.\n\n"
            f"HQ's private keys are {keys.hq_private_key_path(path)} and "
            f"{keys.hq_signing_key_path(path)}, readable by you only. Keep them with the "
            "store and back all three up: without them, encrypted bundles cannot be opened "
            "and packs cannot be signed.",
            path=key_file,
        )
        return window

    def choose_store(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Open HQ store", self._start_folder(), HQ_FILTER
        )
        if chosen:
            self.open_store(Path(chosen))

    def _open_last(self) -> None:
        last = self.settings.last_hq_store()
        if last is not None:
            self.open_store(last)

    def open_store(self, path: Path) -> HQWindow | None:
        """Show the HQ store at ``path`` (raising its window if it is open already)."""
        from onpoint_desktop.sync import HQStore
        from ui.hq_window import HQWindow

        for window in self.windows:
            if window.path.resolve() == path.resolve():
                window.raise_()
                window.activateWindow()
                return window
        try:
            HQStore.open(path).close()  # a clear refusal before any window opens
        except OnpointError as exc:
            show_error(self.window, "Could not open the HQ store", exc)
            return None
        self.settings.set_last_hq_store(path)
        window = HQWindow(path, self.settings)
        window.destroyed.connect(lambda _=None, w=window: self._forget(w))
        self.windows.append(window)
        window.show()
        window.refresh()
        return window

    def _forget(self, window: HQWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def close_all(self) -> None:
        for window in list(self.windows):
            window.close()

"""Opening a workspace, and recovering a damaged one from its latest good backup.

When the core finds a workspace damaged (``DamagedWorkspaceError``), the user is offered
the latest good rolling backup (``workspace.backup``), with its date and size. Restoring
keeps the damaged file aside — nothing is ever deleted — and says where. Without a
usable backup the user is told so plainly, and the app goes on with what it had open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from onpoint_desktop.errors import DamagedWorkspaceError, OnpointError
from onpoint_desktop.workspace import Workspace, backup
from ui.dialogs import show_error, show_message


def open_workspace_or_recover(parent: QWidget, path: Path) -> Workspace | None:
    """Open ``path``; a damaged file is offered for restore. None when nothing opened
    (the reason has been shown)."""
    try:
        return Workspace.open(path)
    except DamagedWorkspaceError as exc:
        return recover(parent, Path(exc.path or path), exc)
    except OnpointError as exc:
        show_error(parent, "Could not open the workspace", exc)
        return None


def recover(parent: QWidget, path: Path, damage: DamagedWorkspaceError) -> Workspace | None:
    """Offer the latest good backup of the damaged workspace at ``path``; restore and open
    it when the user agrees. None when there is no backup or the user declines."""
    good = backup.latest_good_backup(path)
    if good is None:
        show_error(
            parent,
            "The workspace is damaged",
            f"{path} is damaged and no usable backup of it was found on this computer, so it "
            "cannot be restored here. The file was left as it is; if you have a copy of it "
            "(e.g. one you saved with Save a Copy, or one sent to HQ), open that instead.",
        )
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "The workspace is damaged",
        f"{path.name} is damaged and cannot be opened.",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("recoveryBox")
    box.setInformativeText(
        f"The latest good backup was taken {good.label}. Restore it? Changes made after "
        "that backup are not in it. The damaged file is kept aside, not deleted."
    )
    box.setDetailedText(f"Damage found: {damage}\n\nBackup: {good.path}")
    restore_button = box.addButton("&Restore backup", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(restore_button)
    box.exec()
    if box.clickedButton() is not restore_button:
        return None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        aside = backup.restore(good.path, path)
        workspace = Workspace.open(path)
    except OnpointError as exc:
        QApplication.restoreOverrideCursor()
        show_error(parent, "The backup was not restored", exc)
        return None
    QApplication.restoreOverrideCursor()
    show_message(
        parent,
        "Workspace restored",
        f"{path.name} was restored from the backup of {good.label}.",
        f"The damaged file is kept as {aside}.",
    )
    return workspace

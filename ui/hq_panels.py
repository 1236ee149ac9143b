"""The HQ window's decision panels: Signers (Trust / Revoke) and Conflicts (Resolve).

Both only show what ``sync`` lists and turn a choice into one core call
(``trust_signer``, ``revoke_signer``, ``resolve``); the window runs it and refreshes.
Signers are shown by key fingerprint — the thing to compare with the consultant — and a
key sharing a trusted signer's name or consultant id is flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop import framework
from onpoint_desktop.english import counted
from ui.merge_dialogs import conflict_table, fill_conflict_table

if TYPE_CHECKING:
    from onpoint_desktop.sync import Conflict, Signer

SIGNER_COLUMNS = (
    "Status",
    "Name",
    "Key fingerprint",
    "Consultant id",
    "Districts",
    "Bundles",
    "Check",
)
STATUS_WORDS = {"trusted": "Trusted", "pending": "Not trusted yet", "revoked": "Revoked"}


def signer_flags(signer: Signer) -> str:
    """What to check before trusting a key, in words ("" when nothing)."""
    flags = []
    if signer.same_name_as:
        flags.append(f"same name as trusted key {', '.join(k[:8] for k in signer.same_name_as)}")
    if signer.same_consultant_id_as:
        keys = ", ".join(k[:8] for k in signer.same_consultant_id_as)
        flags.append(f"same consultant id as trusted key {keys}")
    return "; ".join(flags)


class SignersPanel(QWidget):
    """Every signer key HQ has seen, with Trust and Revoke for the selected one."""

    def __init__(self, trust: Callable[[Signer], None], revoke: Callable[[Signer], None]):
        super().__init__()
        layout = QVBoxLayout(self)
        self.explanation = QLabel(
            "A key is trusted by its fingerprint, never by its name. Before trusting a key, "
            "compare its fingerprint with the one the consultant sees when exporting a bundle."
        )
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.table = QTableWidget(0, len(SIGNER_COLUMNS))
        self.table.setHorizontalHeaderLabels(SIGNER_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setAccessibleName("Signers")
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.trust_button = QPushButton("&Trust key…")
        self.revoke_button = QPushButton("Re&voke key…")
        for button in (self.trust_button, self.revoke_button):
            button.setEnabled(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.trust_button.clicked.connect(lambda: self._act(trust))
        self.revoke_button.clicked.connect(lambda: self._act(revoke))
        self.table.itemSelectionChanged.connect(self._selection_changed)

    def show_signers(self, signers: list[Signer]) -> None:
        self.table.setRowCount(len(signers))
        for row, s in enumerate(signers):
            held = f" + {s.pending_bundles} held aside" if s.pending_bundles else ""
            cells = (
                STATUS_WORDS[s.status],
                s.name,
                s.fingerprint,
                s.consultant_id,
                ", ".join(name for _, name in s.districts) or "—",
                f"{s.bundles}{held}",
                signer_flags(s),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s)
                item.setToolTip(text)
                if col in (0, 6) and (s.status == "pending" or s.flagged):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        self._selection_changed()

    def selected(self) -> Signer | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select(self, fingerprint: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 2).text() == fingerprint:
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        signer = self.selected()
        self.trust_button.setEnabled(signer is not None and signer.status != "trusted")
        self.revoke_button.setEnabled(signer is not None and signer.status != "revoked")

    def _act(self, action: Callable[[Signer], None]) -> None:
        signer = self.selected()
        if signer is not None:
            action(signer)


def trust_question(signer: Signer) -> tuple[str, str]:
    """The confirmation asked before trusting a key: headline and details."""
    text = f"Trust the key of {signer.name}?"
    details = (
        f"Key fingerprint: {signer.fingerprint}\n\nCompare it, character by character, with "
        "the fingerprint the consultant sees when exporting a bundle. Once trusted, the key's "
        f"{counted(signer.pending_bundles, 'bundle')} held aside are merged, and its future "
        "bundles too."
    )
    flags = signer_flags(signer)
    if flags:
        details += f"\n\nCareful: this key uses the {flags}. Someone may be posing as them."
    return text, details


def revoke_question(signer: Signer) -> tuple[str, str]:
    text = f"Revoke the key of {signer.name}?"
    details = (
        f"Key fingerprint: {signer.fingerprint}\n\nBundles signed with this key will be "
        f"refused from now on. The {counted(signer.bundles, 'bundle')} merged before stay"
        + (
            f"; the {counted(signer.pending_bundles, 'bundle')} held aside are dropped."
            if signer.pending_bundles
            else "."
        )
    )
    return text, details


class ConflictsPanel(QWidget):
    """The conflicts, with Resolve… for the selected one."""

    def __init__(self, resolve: Callable[[Conflict], None]):
        super().__init__()
        layout = QVBoxLayout(self)
        self.explanation = QLabel(
            "Views of the same focus area and round differ. Until HQ resolves a conflict, it "
            "keeps the latest rating, marked provisional; a resolution wins whatever is "
            "merged later."
        )
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.table = conflict_table()
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.resolve_button = QPushButton("&Resolve…")
        self.resolve_button.setEnabled(False)
        buttons.addWidget(self.resolve_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.resolve_button.clicked.connect(lambda: self._resolve(resolve))
        self.table.itemSelectionChanged.connect(
            lambda: self.resolve_button.setEnabled(self.selected() is not None)
        )

    def show_conflicts(self, conflicts: list[Conflict]) -> None:
        fill_conflict_table(self.table, conflicts)
        self.resolve_button.setEnabled(self.selected() is not None)

    def selected(self) -> Conflict | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _resolve(self, resolve: Callable[[Conflict], None]) -> None:
        conflict = self.selected()
        if conflict is not None:
            resolve(conflict)


class ResolveDialog(QDialog):
    """HQ's decision on one conflict: keep one signer's view, or set the level."""

    def __init__(self, conflict: Conflict, parent: QWidget | None = None):
        super().__init__(parent)
        self.conflict = conflict
        fw = framework.framework()
        area = (
            fw.areas[conflict.area_id].label if conflict.area_id in fw.areas else conflict.area_id
        )
        self.setWindowTitle("Resolve conflict")
        layout = QVBoxLayout(self)
        heading = QLabel(
            f"<b>{conflict.district}</b>, round {conflict.round_id}: {area}. HQ's decision "
            "wins over every view, whatever is merged later."
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.choices = QButtonGroup(self)
        self.keep_buttons: dict[QRadioButton, str] = {}
        seen = set()
        for view in conflict.views:
            if view.fingerprint in seen:
                continue
            seen.add(view.fingerprint)
            button = QRadioButton(
                f"Keep {view.name}'s view: {fw.level_label(view.level)} "
                f"(key {view.fingerprint[:8]}…, {view.created_at[:16].replace('T', ' ')} UTC)"
            )
            self.choices.addButton(button)
            self.keep_buttons[button] = view.fingerprint
            layout.addWidget(button)
        row = QHBoxLayout()
        self.set_level = QRadioButton("Set the &level:")
        self.choices.addButton(self.set_level)
        self.level = QComboBox()
        self.level.addItem(fw.level_label(None), 0)
        for level in range(1, fw.max_level + 1):
            self.level.addItem(fw.level_label(level), level)
        self.level.currentIndexChanged.connect(lambda _: self.set_level.setChecked(True))
        row.addWidget(self.set_level)
        row.addWidget(self.level, 1)
        layout.addLayout(row)
        next(iter(self.keep_buttons), self.set_level).setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Resolve")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def decision(self) -> dict[str, object]:
        """The core call's arguments: ``{"keep": fingerprint}`` or ``{"level": n}``."""
        for button, fingerprint in self.keep_buttons.items():
            if button.isChecked():
                return {"keep": fingerprint}
        return {"level": self.level.currentData()}

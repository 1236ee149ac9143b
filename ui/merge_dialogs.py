"""The HQ merge's two dialogs: what to merge, and what the merge did — bundles merged,
already merged, held aside (their signer's key is not trusted yet) or refused with the
reason, and the conflicts in the districts it touched. Every sentence speaks of the
window (the Signers tab, the Conflicts tab), never of command-line options.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.english import counted
from onpoint_desktop.sync import BundleOutcome, Conflict, MergeCancelled, MergeSummary
from onpoint_desktop.sync.conflict_text import conflict_text

STATUS_WORDS = {
    "merged": "Merged",
    "already-merged": "Already merged",
    "pending": "Held aside",
    "refused": "Refused",
}
DETAILS_MIN_WIDTH = 320  # px: the column that says what happened is never squeezed
FILE_MAX_WIDTH = 220  # px: a long file name is elided in the middle (its tooltip is whole)


class MergeOptionsDialog(QDialog):
    """The chosen bundle files, and what a merge does with them, before merging."""

    def __init__(self, files: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Merge bundles")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Merge {counted(len(files), 'bundle')} into the HQ store:"))
        self.files = QListWidget()
        self.files.addItems([str(f) for f in files])
        self.files.setMaximumHeight(140)
        layout.addWidget(self.files)
        why = QLabel(
            "Every bundle is signed by the key of its consultant's computer. Bundles signed "
            "by a key this HQ store trusts are merged, each whole or not at all; merging a "
            "bundle twice changes nothing. A bundle signed by a key HQ does not trust yet is "
            "kept aside, unread: check the key's fingerprint with the consultant, then trust "
            "it in the Signers tab, and its bundles are merged then."
        )
        why.setWordWrap(True)
        layout.addWidget(why)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Merge")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(540)


def headline(summary: MergeSummary, cancelled: MergeCancelled | None = None) -> str:
    merged, again, held, refused = (
        summary.count(s) for s in ("merged", "already-merged", "pending", "refused")
    )
    counts = f"{merged} merged, {again} already merged, {held} held aside, {refused} refused"
    if cancelled is not None:
        done = len(summary.outcomes)
        return (
            f"Merge cancelled after {done} of {counted(cancelled.total, 'bundle')} ({counts}). "
            f"The other {cancelled.total - done} were not touched."
        )
    return f"{counted(len(summary.outcomes), 'bundle')}: {counts}."


def outcome_details(outcome: BundleOutcome) -> str:
    """What happened to one bundle, in the window's words."""
    look_alikes = "".join(
        f" Its signer uses the same {kind} as trusted signer {', '.join(others)}."
        for kind, others in (
            ("name", outcome.same_name_as),
            ("consultant id", outcome.same_consultant_id_as),
        )
        if others
    )
    if outcome.status == "merged":
        words = (
            ("rounds", "round"),
            ("rating_events", "rating event"),
            ("survey_responses", "survey response"),
            ("calibration_ratings", "calibration rating"),
        )
        added = [f"+{counted(n, word)}" for key, word in words if (n := outcome.added.get(key, 0))]
        text = ", ".join(added) or "nothing new"
        return text + look_alikes
    if outcome.status == "already-merged":
        return "Merged before; nothing changed."
    if outcome.status == "pending":
        return (
            f"Signed by key {outcome.fingerprint}, which this HQ store does not trust yet; "
            "nothing of it was merged. Check the fingerprint with the consultant, then trust "
            f"the key in the Signers tab to merge it.{look_alikes}"
        )
    return f"{outcome.message} ({outcome.reason})"


def conflict_cells(conflict: Conflict) -> list[str]:
    text = conflict_text(conflict)
    return [conflict.district, conflict.round_id, text.area, text.keeps, text.views]


CONFLICT_COLUMNS = (
    "District",
    "Round",
    "Focus area",
    "HQ keeps",
    "Each view's level",
)


def conflict_table(conflicts: Sequence[Conflict] = ()) -> QTableWidget:
    """A read-only, sortable table of conflicts (each row keeps its ``Conflict``)."""
    table = QTableWidget(0, len(CONFLICT_COLUMNS))
    table.setHorizontalHeaderLabels(CONFLICT_COLUMNS)
    _finish_table(table)
    table.setAccessibleName("Conflicts")
    fill_conflict_table(table, conflicts)
    return table


def fill_conflict_table(table: QTableWidget, conflicts: Sequence[Conflict]) -> None:
    table.setSortingEnabled(False)
    table.setRowCount(len(conflicts))
    for row, conflict in enumerate(conflicts):
        for col, text in enumerate(conflict_cells(conflict)):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, conflict)
            if col == 3 and not conflict.resolved:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(row, col, item)
    table.setSortingEnabled(True)
    table.resizeRowsToContents()


def _finish_table(table: QTableWidget) -> None:
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as given
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(table.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    # Wrapped rows take their height from the final column widths, known once laid out.
    header.sectionResized.connect(lambda *_: table.resizeRowsToContents())


class MergeSummaryDialog(QDialog):
    """What a merge run did, bundle by bundle, and the conflicts it left to look at."""

    def __init__(
        self,
        summary: MergeSummary,
        cancelled: MergeCancelled | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.summary = summary
        self.setObjectName("mergeSummary")
        self.setWindowTitle("Merge cancelled" if cancelled else "Merge finished")
        layout = QVBoxLayout(self)
        self.headline = QLabel(f"<b>{html.escape(headline(summary, cancelled))}</b>")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        notes = []
        if cancelled is not None:
            notes.append(
                "The bundles merged before you cancelled are in the HQ store, each complete. "
                "Merging the same files again is safe: merged bundles are recognised and "
                "skipped."
            )
        if summary.pending:
            notes.append(
                "Bundles held aside wait, unread, until you trust their signer's key in the "
                "Signers tab; check the fingerprint with the consultant first."
            )
        if summary.refused:
            notes.append(
                "Nothing of a refused bundle was written. Ask its consultant for a fresh "
                "export once the reason is dealt with."
            )
        self.notes = QLabel(" ".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        layout.addWidget(self.notes)
        # What needs doing first (refused, held aside); the rest in the order merged.
        first = {"refused": 0, "pending": 1}
        ordered = sorted(summary.outcomes, key=lambda o: first.get(o.status, 2))
        self.outcomes = self._outcome_table(tuple(ordered))
        layout.addWidget(self.outcomes, 3)
        n = len(summary.conflicts)
        title = (
            f"Conflicts in the merged districts: {n} — views of the same focus area and round "
            "differ. Until you resolve one (Conflicts tab), HQ keeps the latest, marked "
            "provisional."
            if n
            else "No conflicts in the merged districts."
        )
        self.conflict_label = QLabel(title)
        self.conflict_label.setWordWrap(True)
        layout.addWidget(self.conflict_label)
        self.conflicts = conflict_table(summary.conflicts)
        self.conflicts.setVisible(bool(n))
        layout.addWidget(self.conflicts, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
        self.setMinimumWidth(760)
        self.resize(980, 540 if n else 420)

    def _outcome_table(self, outcomes: tuple[BundleOutcome, ...]) -> QTableWidget:
        columns = ("Result", "File", "District", "Consultant", "Details")
        table = QTableWidget(len(outcomes), len(columns))
        table.setHorizontalHeaderLabels(columns)
        for row, o in enumerate(outcomes):
            cells = [
                STATUS_WORDS[o.status],
                Path(o.source).name,
                o.district,
                o.consultant,
                outcome_details(o),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(o.source if col == 1 else text)
                if col == 0 and o.status in ("refused", "pending"):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)
        _finish_table(table)
        header = table.horizontalHeader()
        # The file name may be long: it gets a bounded column, elided in the middle, so the
        # details (what happened, what to do) keep their room.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        table.resizeColumnToContents(1)
        table.setColumnWidth(1, min(table.columnWidth(1), FILE_MAX_WIDTH))
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            table.resizeColumnToContents(column)
            table.setColumnWidth(column, min(table.columnWidth(column), FILE_MAX_WIDTH))
        header.setMinimumSectionSize(48)
        table.setMinimumWidth(sum(table.columnWidth(c) for c in range(4)) + DETAILS_MIN_WIDTH)
        table.resizeRowsToContents()
        table.setAccessibleName("Bundles")
        return table

    def text(self) -> str:
        """What the dialog says, as plain text (for tests)."""
        lines = [self.headline.text(), self.notes.text(), self.conflict_label.text()]
        for table in (self.outcomes, self.conflicts):
            for row in range(table.rowCount()):
                lines.append(
                    " | ".join(table.item(row, c).text() for c in range(table.columnCount()))
                )
        return "\n".join(lines)

"""The HQ merge's two dialogs: what to merge (and whether to trust new consultants), and
what the merge did — bundles merged, already merged or refused with the reason, and the
conflicts in the districts it touched.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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

from onpoint_desktop import framework
from onpoint_desktop.sync import BundleOutcome, Conflict, MergeCancelled, MergeSummary

STATUS_WORDS = {"merged": "Merged", "already-merged": "Already merged", "refused": "Refused"}


class MergeOptionsDialog(QDialog):
    """The chosen bundle files and the "trust new signers" choice, before merging."""

    def __init__(self, files: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Merge bundles")
        layout = QVBoxLayout(self)
        count = len(files)
        layout.addWidget(
            QLabel(f"Merge {count} bundle{'s' if count != 1 else ''} into the HQ store:")
        )
        self.files = QListWidget()
        self.files.addItems([str(f) for f in files])
        self.files.setMaximumHeight(140)
        layout.addWidget(self.files)
        self.trust = QCheckBox("&Trust consultants not seen before")
        layout.addWidget(self.trust)
        why = QLabel(
            "Every bundle is signed by the key of the consultant's computer. A consultant "
            "seen before must sign with the same key, or the bundle is refused. A consultant "
            "never seen before is refused unless you tick this box; tick it only for bundles "
            "you received from your own consultants. Each bundle is merged whole or not at "
            "all, and merging a bundle twice changes nothing."
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

    def trust_new_signers(self) -> bool:
        return self.trust.isChecked()


def headline(summary: MergeSummary, cancelled: MergeCancelled | None = None) -> str:
    merged, again, refused = (summary.count(s) for s in ("merged", "already-merged", "refused"))
    counts = f"{merged} merged, {again} already merged, {refused} refused"
    if cancelled is not None:
        done = len(summary.outcomes)
        return (
            f"Merge cancelled after {done} of {cancelled.total} bundles ({counts}). "
            f"The other {cancelled.total - done} were not touched."
        )
    return f"{len(summary.outcomes)} bundles: {counts}."


def outcome_details(outcome: BundleOutcome) -> str:
    if outcome.status == "merged":
        words = (
            ("rounds", "round"),
            ("rating_events", "rating event"),
            ("survey_responses", "survey response"),
        )
        added = [
            f"+{n:,} {word}{'s' if n != 1 else ''}"
            for key, word in words
            if (n := outcome.added.get(key, 0))
        ]
        text = ", ".join(added) or "nothing new"
        return text + ("; new consultant, now trusted" if outcome.new_signer else "")
    if outcome.status == "already-merged":
        return "Merged before; nothing changed."
    return f"[{outcome.reason}] {outcome.message}"


def conflict_cells(conflict: Conflict) -> list[str]:
    fw = framework.framework()
    area = fw.areas[conflict.area_id].label if conflict.area_id in fw.areas else conflict.area_id
    views = "; ".join(
        f"{v.name}: {fw.level_label(v.level)} ({v.created_at[:16].replace('T', ' ')})"
        for v in conflict.views
    )
    return [
        conflict.district,
        conflict.round_id,
        area,
        fw.level_label(conflict.current_level),
        views,
    ]


CONFLICT_COLUMNS = (
    "District",
    "Round",
    "Focus area",
    "HQ keeps (latest)",
    "Each consultant's level",
)


def conflict_table(conflicts: Sequence[Conflict] = ()) -> QTableWidget:
    """A read-only, sortable table of conflicts."""
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
            table.setItem(row, col, item)
    table.setSortingEnabled(True)
    table.resizeRowsToContents()


def _finish_table(table: QTableWidget) -> None:
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
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
        if summary.refused:
            notes.append(
                "Nothing of a refused bundle was written. Ask its consultant for a fresh "
                "export, or tick “Trust consultants not seen before” if it is a new colleague."
            )
        self.notes = QLabel(" ".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        layout.addWidget(self.notes)
        # Refused bundles first: they are what needs doing; the rest in the order merged.
        ordered = sorted(summary.outcomes, key=lambda o: o.status != "refused")
        self.outcomes = self._outcome_table(tuple(ordered))
        layout.addWidget(self.outcomes, 3)
        n = len(summary.conflicts)
        title = (
            f"Conflicts in the merged districts: {n} — consultants set different levels for "
            "the same focus area and round; HQ keeps the latest."
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
        self.resize(900, 520 if n else 400)

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
                if col == 0 and o.status == "refused":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)
        _finish_table(table)
        table.resizeRowsToContents()
        table.setAccessibleName("Bundles")
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
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

"""The survey imports of the round on screen (file, format, when, rows, who), and removing
one: the core removes it and its responses in one transaction and the score follows. The
removal asks first, and Edit ▸ Undo puts the import back (the core's
``restore_survey_import``)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from onpoint_desktop.changes import Changes
from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from ui.dialogs import show_error
from ui.session import DistrictSession

COLUMNS = ("Id", "Role", "File", "Format", "Imported", "Rows", "By")


class SurveyImports(QDialog):
    def __init__(self, session: DistrictSession, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.shown: list[dict] = []
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Survey imports")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.remove_button = QPushButton("&Remove import…")
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.remove_button.clicked.connect(self.ask_remove)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        session.changed.connect(self._changed)
        self.resize(760, 360)
        self.refresh()

    def _changed(self, change: Changes) -> None:
        if change.rounds or change.responses_of(self.session.round_id):
            self.refresh()

    def refresh(self) -> None:
        rnd = self.session.current_round
        self.shown = self.session.survey_imports()
        self.table.setRowCount(len(self.shown))
        for row, i in enumerate(self.shown):
            cells = (
                str(i["id"]),
                i["role"],
                i["source_name"],
                i["source_format"],
                i["imported_at"][:16].replace("T", " ") + " UTC",
                str(i["rows_imported"]),
                i["author"],
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        where = f"round {rnd.label}" if rnd else "no round yet"
        self.setWindowTitle(f"Survey imports — {where}")
        self.summary.setText(
            f"{counted(len(self.shown), 'survey import')} in {where}. Removing one removes the "
            "responses it added; the score follows at once."
        )
        self._selection_changed()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(
            self.selected() is not None and not self.session.district_locked
        )

    def confirmation(self, record: dict) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove survey import",
            f"Remove {record['source_name']} from round {record['round_id']}?",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            f"The {counted(record['rows_imported'], 'response')} of {record['role']}s it "
            "added are removed and the score is recomputed. This cannot be undone here: to "
            "get them back, import the file again."
        )
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setProperty("removeButton", remove)
        return box

    def ask_remove(self) -> QMessageBox | None:
        record = self.selected()
        if record is None:
            return None
        box = self.confirmation(record)
        box.finished.connect(
            lambda _r: box.clickedButton() is box.property("removeButton") and self.remove(record)
        )
        box.open()
        return box

    def remove(self, record: dict) -> bool:
        try:
            self.session.remove_survey_import(record["id"])
        except OnpointError as exc:
            show_error(self, "Could not remove the survey import", exc)
            return False
        return True

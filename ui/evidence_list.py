"""The evidence overview: every note of the round on screen in one searchable list
(the core's ``evidence_notes`` filters); activating a row selects its tile on the board."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from onpoint_desktop.changes import Changes
from onpoint_desktop.english import counted
from ui.session import DistrictSession, follow

COLUMNS = ("Focus area", "Category", "Level", "Evidence note", "By", "When")
WIDTHS = (13, 7, 8, 20, 9, 7)  # initial column widths in "m"s
ANY = None


class EvidenceList(QDialog):
    """A non-modal window beside the board; ``areaActivated`` names the tile to select."""

    areaActivated = Signal(str)

    def __init__(self, session: DistrictSession, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evidence notes")
        self.session: DistrictSession | None = None
        self.shown: list = []
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find words in notes, areas, authors…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search evidence notes")
        self.search.textChanged.connect(self.refresh)
        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        self.level = QComboBox()
        self.level.setAccessibleName("Level")
        self.author = QComboBox()
        self.author.setAccessibleName("Author")
        self.has_note = QCheckBox("&With a note only")
        for box in (self.category, self.level, self.author):
            box.currentIndexChanged.connect(self.refresh)
        self.has_note.toggled.connect(self.refresh)
        find = QLabel("&Find:")
        find.setBuddy(self.search)
        filters.addWidget(find)
        filters.addWidget(self.search, 2)
        for box in (self.category, self.level, self.author):
            filters.addWidget(box, 1)
        filters.addWidget(self.has_note)
        layout.addLayout(filters)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Evidence notes")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("m")
        for col, width in enumerate(WIDTHS):  # in "m"s; the note takes the rest
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width * em)
        header.setSectionResizeMode(COLUMNS.index("Evidence note"), QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.itemActivated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.resize(900, 480)
        self.set_session(session)

    def set_session(self, session: DistrictSession) -> None:
        follow(
            self.session,
            session,
            {
                "changed": self._changed,
                "roundShown": self._round_shown,
            },
        )
        self.session = session
        self._fill_filters()
        self.refresh()

    def _fill_filters(self) -> None:
        fw = self.session.framework
        for box in (self.category, self.level, self.author):
            box.blockSignals(True)
        current = self.category.currentData(), self.level.currentData(), self.author.currentData()
        self.category.clear()
        self.category.addItem("Every category", ANY)
        for cat in fw.categories:
            self.category.addItem(cat.label, cat.id)
        self.level.clear()
        self.level.addItem("Every level", ANY)
        for level in fw.levels:
            self.level.addItem(f"{level.level} {level.label}", level.level)
        self.author.clear()
        self.author.addItem("Every author", ANY)
        for name in sorted({n.author for n in self.session.evidence_notes()}):
            self.author.addItem(name, name)
        for box, data in zip((self.category, self.level, self.author), current, strict=True):
            box.setCurrentIndex(max(box.findData(data), 0))
            box.blockSignals(False)

    def _changed(self, change: Changes) -> None:
        if change.rounds or change.rated_areas(self.session.round_id):
            self._fill_filters()
            self.refresh()

    def _round_shown(self, *_args) -> None:
        self._fill_filters()
        self.refresh()

    def refresh(self, *_args) -> None:
        rnd = self.session.current_round
        self.shown = self.session.evidence_notes(
            search=self.search.text() or None,
            category=self.category.currentData(),
            level=self.level.currentData(),
            has_note=True if self.has_note.isChecked() else None,
            author=self.author.currentData(),
        )
        self.table.setRowCount(len(self.shown))
        for row, n in enumerate(self.shown):
            cells = (
                n.area,
                n.category,
                f"{n.level} {n.level_label}",
                n.note or "(no note)",
                n.author,
                n.created_at[:10],
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, n.area_id)
                item.setToolTip(text)
                if col == 3 and not n.note:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        where = f"round {rnd.label}" if rnd else "no round yet"
        self.count.setText(
            f"{counted(len(self.shown), 'rated area')} shown ({where}). "
            "Enter or double-click selects its tile on the board."
        )
        self.setWindowTitle(f"Evidence notes — {where}")

    def resizeEvent(self, event) -> None:  # notes re-wrap to the new width
        super().resizeEvent(event)
        QTimer.singleShot(0, self.table.resizeRowsToContents)  # once the header has laid out

    def _activated(self, item: QTableWidgetItem) -> None:
        self.areaActivated.emit(item.data(Qt.ItemDataRole.UserRole))

"""The score panel's table: one row per component of the round's model, with its score,
expert and survey sub-scores, respondents per role and status."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
)

from onpoint_desktop.scoring import ComponentScore, RoundScore
from ui.round_status import BAND_WORDS, STATUS_WORDS, number, respondents_cell

COLUMNS = ("Component", "Score", "Expert", "Survey", "Teachers", "Leaders", "Status")
TIPS = {
    1: "Component score, 200–1,000",
    2: "Expert sub-score (ratings), on the 200–1,000 scale",
    3: "Survey sub-score (teachers and leaders), on the 200–1,000 scale",
    4: "Teachers who answered this component's items",
    5: "Leaders who answered this component's items",
}


class ComponentTable(QTableWidget):
    """The components of a round's score; cells change only when their text does."""

    def __init__(self, rows: int) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels(COLUMNS)
        for col, tip in TIPS.items():
            self.horizontalHeaderItem(col).setToolTip(tip)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            # Fixed, and widened by fill() only when a text needs more room: measuring
            # every cell on each change (ResizeToContents) cost 2 ms per rating.
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, self.cell_width(COLUMNS[col], "888"))
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setAccessibleName("Component details")
        self.fit(rows)

    def fit(self, rows: int) -> None:
        """One row per component of the round's model (models may differ in components)."""
        if self.rowCount() == rows:
            return
        old = self.rowCount()
        self.setRowCount(rows)
        for row in range(old, rows):
            for col in range(len(COLUMNS)):
                item = QTableWidgetItem()
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.setItem(row, col, item)
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += rows * self.verticalHeader().defaultSectionSize()
        self.setFixedHeight(height)

    def cell_width(self, *texts: str) -> int:
        metrics = self.fontMetrics()
        return max(metrics.horizontalAdvance(t) for t in texts) + 18

    def fill(self, score: RoundScore) -> None:
        scoring = score.model
        self.fit(len(score.components))
        header = self.horizontalHeader()
        for row, comp in enumerate(score.components):
            cells = [
                comp.name,
                number(comp.score),
                number(scoring.to_score(comp.expert) if comp.expert is not None else None),
                number(scoring.to_score(comp.survey) if comp.survey is not None else None),
                respondents_cell(comp, "teacher", scoring.min_n),
                respondents_cell(comp, "leader", scoring.min_n),
                _status(comp),
            ]
            for col, text in enumerate(cells):
                item = self.item(row, col)
                if item.text() != text:
                    item.setText(text)
                    width = self.cell_width(text)
                    if col and width > header.sectionSize(col):
                        header.resizeSection(col, width)
            tip = f"{BAND_WORDS[comp.band]} (median {comp.median:.0f})" if comp.band else ""
            if self.item(row, 0).toolTip() != tip:
                self.item(row, 0).setToolTip(tip)

    def blank(self) -> None:
        """Every cell empty (no round to show)."""
        for row in range(self.rowCount()):
            for col in range(self.columnCount()):
                self.item(row, col).setText("")


def _status(comp: ComponentScore) -> str:
    words = [STATUS_WORDS[comp.status]] if comp.status != "complete" else []
    if comp.held_back_roles:
        words.append("few respondents")
    return ", ".join(words)

"""The import wizard's answer page: every answer in the item columns and its value.

The core's answer mapping (``SurveyPreview.answers``) lists, per item column, each answer
with how many respondents gave it and the value it will be scored as. This page shows them
grouped by answer (one row for "Agree" across all 23 columns), and per column for a column
asked on another scale (a seven-point or frequency scale must be mapped column by
column). The consultant gives a value to any answer — a typo ("Disgree"), a label in
another language, each point of another scale — or makes it missing; the file is then
inspected again, and the values set by hand are saved with the mapping when it is
confirmed by importing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.english import counted
from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys import MISSING_VALUE, SurveyPreview
from onpoint_desktop.surveys.text import normalise
from ui.review_page import ReviewPage

HEADERS = ("Answer", "Respondents", "In columns", "Value", "Why")
NEEDS_VALUE = "needs"  # combobox data of "— give it a value —"


@dataclass
class AnswerRow:
    """One row of the page: an answer, in one column or in every column on the scale."""

    text: str
    count: int = 0
    columns: list[int] = field(default_factory=list)  # file column indexes
    labels: list[str] = field(default_factory=list)  # items, for the "In columns" cell
    value: int | None = None
    unknown: bool = False
    how: str = ""
    scale: str | None = None  # the other scale of its one column


def answer_rows(preview: SurveyPreview) -> list[AnswerRow]:
    """The page's rows: answers needing a value first, then by value."""
    rows: dict[tuple, AnswerRow] = {}
    for column in preview.answers.columns:
        index = column.use.column.index
        for choice in column.choices:
            key = (index if column.other_scale else "*", normalise(choice.text))
            row = rows.setdefault(key, AnswerRow(choice.text, scale=column.other_scale))
            row.count += choice.count
            row.columns.append(index)
            row.labels.append(column.use.item or column.use.column.letter)
            row.value = choice.value
            row.unknown = row.unknown or choice.kind == "unknown"
            row.how = choice.how
    return sorted(
        rows.values(),
        key=lambda r: (not r.unknown, r.value is None, r.value or 0, -r.count, r.text),
    )


class AnswerPage(ReviewPage):
    """Shows the answer mapping of a preview; sets values by hand; asks for a re-inspection."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(HEADERS, "Answer mapping", parent)
        self.setTitle("Check the answers")
        self.setSubTitle(
            "Every answer in the survey's columns and the value it will be scored as. Give a "
            "value to answers that are not on the agreement scale, or make them missing."
        )
        self.rows: list[AnswerRow] = []
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.unknown_as_missing = QCheckBox("Import answers without a value as &missing")
        self.unknown_as_missing.toggled.connect(self._refresh_problems)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.unknown_as_missing)
        layout.addWidget(self.problems)

    # --- showing ---------------------------------------------------------------------------

    def show_preview(self, preview: SurveyPreview, instrument: Instrument) -> None:
        self.preview, self.instrument = preview, instrument
        self.inspecting = False
        self.rows = answer_rows(preview)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            answer = QTableWidgetItem(row.text)
            answer.setToolTip(row.text)
            count = QTableWidgetItem(f"{row.count:,}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            where = QTableWidgetItem(self._columns_text(row))
            where.setToolTip(", ".join(row.labels))
            why = QTableWidgetItem(self._why(row))
            why.setToolTip(why.text())
            for c, cell in enumerate((answer, count, where)):
                self.table.setItem(r, c, cell)
            self.table.setCellWidget(r, 3, self._value_box(r, row))
            self.table.setItem(r, 4, why)
        self.table.resizeRowsToContents()
        needing = sum(1 for row in self.rows if row.unknown)
        columns = len(preview.answers.columns)
        self.summary.setText(
            f"{counted(len(self.rows), 'different answer')} in "
            f"{counted(columns, 'item column')}"
            + (
                f"; <b>{counted(needing, 'answer needs', 'answers need')} a value</b>."
                if needing
                else "."
            )
        )
        self.unknown_as_missing.setEnabled(bool(preview.unknown_count) or needing > 0)
        if not self.unknown_as_missing.isEnabled():
            self.unknown_as_missing.setChecked(False)
        self._refresh_problems()

    @staticmethod
    def _why(row: AnswerRow) -> str:
        if row.scale and not row.how.startswith("on "):
            return f"{row.how} (its column: {row.scale.split(' (')[0]})"
        return row.how

    def _columns_text(self, row: AnswerRow) -> str:
        if len(row.columns) == len(self.preview.answers.columns) and len(row.columns) > 1:
            return f"all {len(row.columns)}"
        shown = ", ".join(row.labels[:3])
        return shown + (f" +{len(row.labels) - 3}" if len(row.labels) > 3 else "")

    def _value_box(self, r: int, row: AnswerRow) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(f"Value of the answer {row.text}")
        if row.unknown:
            box.addItem("— give it a value —", NEEDS_VALUE)
        for value, label in self.instrument.scale:
            box.addItem(f"{value} {label}", value)
        box.addItem("Missing", MISSING_VALUE)
        current = (
            NEEDS_VALUE if row.unknown else (MISSING_VALUE if row.value is None else row.value)
        )
        box.setCurrentIndex(max(0, box.findData(current)))
        box.currentIndexChanged.connect(lambda _i, n=r, b=box: self._changed(n, b.currentData()))
        return box

    def _refresh_problems(self) -> None:
        if self.preview is None:
            return
        preview = self.preview
        shown = [self._short(c) for c in preview.answers.columns if c.refused]
        if preview.unknown_count and not self.unknown_as_missing.isChecked():
            shown.append(
                f"{counted(preview.unknown_count, 'answer')} in the file "
                f"{'has' if preview.unknown_count == 1 else 'have'} no value: give each a "
                "value above, or import them as missing."
            )
        if preview.rows_read == 0:
            shown += preview.answer_problems
        self.problems.setText("\n".join(f"• {text}" for text in shown))
        self.completeChanged.emit()

    @staticmethod
    def _short(column) -> str:
        return (
            f"C{column.use.column.label[1:]} ({column.use.item}) is answered on "
            f"{column.other_scale}: give each of its answers a value on the agreement scale, "
            "or go back and do not import the column."
        )

    # --- editing ---------------------------------------------------------------------------

    def _changed(self, r: int, value) -> None:
        row = self.rows[r]
        for index in row.columns:
            self.mapping.set_answer(index, row.text, None if value == NEEDS_VALUE else value)
        self.changed("Checking the file with the new values…")

    def row_of(self, answer: str, item: str | None = None) -> int:
        """The table row of ``answer`` (in the column of ``item``, for another scale)."""
        key = normalise(answer)
        return next(
            n
            for n, row in enumerate(self.rows)
            if normalise(row.text) == key and (item is None or item in row.labels)
        )

    def set_value(self, answer: str, value: int | None, item: str | None = None) -> None:
        """Give ``answer`` a value through its combobox, as a user would (None: missing)."""
        box = self.table.cellWidget(self.row_of(answer, item), 3)
        box.setCurrentIndex(box.findData(MISSING_VALUE if value is None else value))

    # --- completeness ----------------------------------------------------------------------

    def isComplete(self) -> bool:
        """Ready to import: every answer has a value (or those without one are to be read
        as missing) and no column is left on another scale."""
        if self.preview is None or self.inspecting:
            return False
        if any(c.refused for c in self.preview.answers.columns):
            return False
        return not self.preview.unknown_count or self.unknown_as_missing.isChecked()

"""The import wizard's mapping page: what the file is and which column holds which item.

The page shows the detected format and counts, then every column of the file with what
it will be used for, how sure the automatic mapping is and why. The consultant can send
any column (except those identifying a person, which are never imported) to another item,
to the school, to comments, or nowhere. After each change the file is inspected again on
a worker, so counts, unknown answers and problems always match the mapping on screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys import ColumnMapping, ColumnUse, SurveyPreview

ITEM, SCHOOL, COMMENT, IGNORED = "item", "school", "comment", "ignored"
IDENTIFYING = "identifying"
ORIGINAL = "original"
USE_WORDS = {
    IGNORED: "Not imported",
    SCHOOL: "School (for per-school results)",
    COMMENT: "Comment (free text)",
    "response_id": "Response id (recognises re-imports)",
    "status": "Response status (previews and tests skipped)",
    "metadata": "Survey-tool field (not imported)",
    IDENTIFYING: "Identifies a person — never imported",
}
SKIP_WORDS = {
    "preview": "previews",
    "test": "test responses",
    "spam": "spam",
    "empty": "empty responses",
    "duplicate": "duplicates in the file",
    "already_imported": "already in this round",
}
HEADERS = ("Column", "Header", "Used as", "Confidence", "Why")


def describe_skipped(skipped: dict[str, int]) -> str:
    parts = [f"{n} {SKIP_WORDS.get(reason, reason)}" for reason, n in skipped.items() if n]
    return ", ".join(parts) if parts else "none"


def header_text(column) -> str:
    """A column as the table shows it: its tool id (if any) and the statement of a matrix
    question ("Question - Statement", "Question [Statement]") rather than the stem."""
    text = " ".join(column.text.split())
    if text.endswith("]") and " [" in text:
        text = text[text.rindex(" [") + 2 : -1]
    elif " - " in text:
        text = text.rsplit(" - ", 1)[1]
    name = column.name.strip()
    is_tool_id = name and len(name) <= 20 and name not in column.text
    return f"{name}: {text}" if is_tool_id else text


class MappingPage(QWizardPage):
    """Shows a :class:`SurveyPreview`; edits its mapping; asks for a fresh inspection."""

    reinspect = Signal(object)  # the edited ColumnMapping

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("Check the column mapping")
        self.setSubTitle(
            "Each question column should be matched to an item of the survey. Change any "
            "row's “Used as” if it is wrong; the counts below update after each change."
        )
        self.preview: SurveyPreview | None = None
        self.instrument: Instrument | None = None
        self.original: list[ColumnUse] = []
        self.rows: list[int] = []  # table row → column index (questions first)
        self.inspecting = False
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.detected.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Column mapping")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(2, 290)
        self.table.setColumnWidth(4, 200)
        self.unknown_label = QLabel()
        self.unknown_list = QListWidget()
        self.unknown_list.setAccessibleName("Unknown answers")
        self.unknown_as_missing = QCheckBox("Import unknown answers as &missing")
        self.unknown_as_missing.toggled.connect(self.completeChanged)
        self.keep_comments = QCheckBox("&Keep free-text comments")
        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unknown_list.setMaximumHeight(110)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addWidget(self.table, 1)
        for widget in (self.unknown_label, self.unknown_list, self.unknown_as_missing):
            layout.addWidget(widget)
        layout.addWidget(self.keep_comments)
        layout.addWidget(self.problems)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.reinspect.emit(self.mapping))

    # --- showing a preview -----------------------------------------------------------------

    @property
    def mapping(self) -> ColumnMapping | None:
        return self.preview.mapping if self.preview else None

    def show_preview(self, preview: SurveyPreview, instrument: Instrument, fresh: bool) -> None:
        """Show an inspection; ``fresh`` when it is a new file (not a re-inspection)."""
        self.preview = preview
        self.instrument = instrument
        self.inspecting = False
        if fresh:
            self.original = list(preview.mapping.uses)
            self._fill_table()
        self._show_counts()
        self.completeChanged.emit()

    def _show_counts(self) -> None:
        p = self.preview
        mapping = p.mapping
        schools = [s for s in p.schools if not s.startswith("(")]
        self.detected.setText(
            f"<b>{p.format_label}</b>"
            + (f", {p.encoding}" if p.encoding else "")
            + f" — {p.rows_read} rows, {p.rows_to_import} to import"
            + f" (skipped: {describe_skipped(p.skipped)}). "
            + f"{len(mapping.item_columns)} of {len(self.instrument.items)} items found"
            + (f"; {len(schools)} schools." if schools else "; no school column.")
            + (f" Mapping: {mapping.origin}." if mapping.origin != "automatic" else "")
        )
        self.unknown_list.clear()
        for unknown in p.unknown_answers:
            self.unknown_list.addItem(f'Row {unknown.row}, {unknown.column}: "{unknown.value}"')
        more = p.unknown_count - len(p.unknown_answers)
        if more > 0:
            self.unknown_list.addItem(f"… and {more} more")
        self.unknown_label.setText(
            f"<b>{p.unknown_count} answer(s) are not on the agreement scale:</b>"
            if p.unknown_count
            else "Every answer is on the agreement scale or counts as missing."
        )
        self.unknown_list.setVisible(bool(p.unknown_count))
        self.unknown_as_missing.setEnabled(bool(p.unknown_count))
        if not p.unknown_count:
            self.unknown_as_missing.setChecked(False)
        shown = [
            text
            for text in p.problems
            if not (self.unknown_as_missing.isChecked() and "not on the agreement scale" in text)
        ]
        self.problems.setText("\n".join(f"• {text}" for text in shown))

    def _fill_table(self) -> None:
        """One row per column: questions (items, school, comments) first, in file order,
        then what the survey tool added (ids, status, metadata, identifying fields)."""
        uses = self.preview.mapping.uses
        first = [u.column.index for u in uses if u.use in (ITEM, SCHOOL, COMMENT, IGNORED)]
        self.rows = first + [u.column.index for u in uses if u.column.index not in first]
        self.table.setRowCount(len(uses))
        for row, index in enumerate(self.rows):
            use = uses[index]
            column = use.column
            self.table.setItem(row, 0, QTableWidgetItem(column.letter))
            header = QTableWidgetItem(header_text(column))
            header.setToolTip(column.text)
            self.table.setItem(row, 1, header)
            if use.use == IDENTIFYING:
                self.table.setItem(row, 2, QTableWidgetItem(USE_WORDS[IDENTIFYING]))
            else:
                self.table.setCellWidget(row, 2, self._use_box(row, use))
            self._show_confidence(row, use)
        self.table.resizeRowsToContents()

    def _use_box(self, row: int, use: ColumnUse) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(f"Use of column {use.column.letter}")
        original = self.original[use.column.index]
        if original.use not in (ITEM, SCHOOL, COMMENT, IGNORED):
            box.addItem(USE_WORDS.get(original.use, original.use), ORIGINAL)
        box.addItem(USE_WORDS[IGNORED], IGNORED)
        box.addItem(USE_WORDS[SCHOOL], SCHOOL)
        box.addItem(USE_WORDS[COMMENT], COMMENT)
        for item in self.instrument.items:
            text = f"{item.id} — {item.text}"
            box.addItem(text, f"{ITEM}:{item.id}")
            box.setItemData(box.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        box.setCurrentIndex(max(0, box.findData(self._choice(use))))
        box.currentIndexChanged.connect(lambda _i, r=row, b=box: self._changed(r, b.currentData()))
        return box

    @staticmethod
    def _choice(use: ColumnUse) -> str:
        """The combobox key of a use: ``item:T01``, ``school``, ``comment``, ``ignored``
        or ``original`` (what the survey tool says the column is)."""
        if use.use == ITEM:
            return f"{ITEM}:{use.item}"
        return use.use if use.use in (SCHOOL, COMMENT, IGNORED) else ORIGINAL

    def _show_confidence(self, row: int, use: ColumnUse) -> None:
        sure = f"{use.confidence:.0%}" if use.use in (ITEM, SCHOOL) else ""
        if use.suggestion and use.use == IGNORED:
            sure = f"{use.confidence:.0%}?"
        confidence = QTableWidgetItem(sure)
        confidence.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.setItem(row, 3, confidence)
        reason = use.reason + (f" (closest: {use.suggestion})" if use.suggestion else "")
        why = QTableWidgetItem(reason)
        why.setToolTip(reason)
        self.table.setItem(row, 4, why)

    # --- editing ---------------------------------------------------------------------------

    def _changed(self, row: int, choice: str) -> None:
        use, _, item = choice.partition(":")
        mapping = self.preview.mapping
        index = self.rows[row]
        if use == ORIGINAL:
            mapping.uses[index] = self.original[index]
        elif use == ITEM:
            mapping.set_item(index, item)
        else:
            mapping.set_use(index, use)
        self._show_confidence(row, mapping.uses[index])
        self.inspecting = True
        self.problems.setText("Checking the file with the new mapping…")
        self.completeChanged.emit()
        self._debounce.start()

    def row_of(self, letter: str) -> int:
        """The table row showing the file's column ``letter`` (e.g. "R")."""
        return next(r for r, i in enumerate(self.rows) if self.original[i].column.letter == letter)

    def set_choice(self, letter: str, use: str, item: str | None = None) -> None:
        """Choose what column ``letter`` is used for, through its combobox (as a user would)."""
        box = self.table.cellWidget(self.row_of(letter), 2)
        index = box.findData(f"{use}:{item}" if item else use)
        if index < 0:
            raise ValueError(f"column {letter} cannot be used as {use} {item or ''}")
        box.setCurrentIndex(index)

    # --- completeness ----------------------------------------------------------------------

    def isComplete(self) -> bool:
        """Ready to import: an inspection is shown, items are mapped, the mapping is sound,
        and unknown answers are either absent or to be read as missing."""
        if self.preview is None or self.inspecting:
            return False
        mapping = self.preview.mapping
        if not mapping.item_columns or mapping.problems(self.instrument):
            return False
        return not self.preview.unknown_count or self.unknown_as_missing.isChecked()

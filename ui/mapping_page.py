"""The import wizard's column page: what the file is and which column holds which item.

The page shows the detected format and counts, then every column of the file with what
it will be used for, how sure the automatic mapping is and why. The consultant can send
any column (except those identifying a person, which are never imported) to another item,
to the school, to comments, or nowhere. After each change the file is inspected again on
a worker, so counts and problems always match the mapping on screen. The "Used as" labels
are shortened at a word, never cut inside one; the full text is in their tooltips.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QStyle,
    QStyleOptionComboBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop.english import counted
from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys import ColumnUse, SurveyPreview
from ui.review_page import ReviewPage

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
# Skipped rows in words: (one, many).
SKIP_WORDS = {
    "preview": ("preview", "previews"),
    "test": ("test response", "test responses"),
    "spam": ("spam response", "spam responses"),
    "answered_nothing": ("row that answered nothing", "rows that answered nothing"),
    "duplicate": ("duplicate in the file", "duplicates in the file"),
    "already_imported": ("response already in this round", "responses already in this round"),
}
HEADERS = ("Column", "Header", "Used as", "Confidence", "Why")
USE_LABEL_CHARS = 44  # "Used as" labels are shortened (at a word) to about this many


def describe_skipped(skipped: dict[str, int]) -> str:
    """ "1 test response, 2 previews" (plurals through ``english.counted``)."""
    parts = []
    for reason, n in skipped.items():
        if n:
            one, many = SKIP_WORDS.get(reason, (reason, reason))
            parts.append(counted(n, one, many))
    return ", ".join(parts) if parts else "none"


def shorten_at_word(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` if it fits ``width`` pixels, else its longest run of whole words that fits
    with "…" after it (never a word cut in two)."""
    text = " ".join(text.split())
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:—-") + "…"
        if metrics.horizontalAdvance(candidate) <= width:
            return candidate
    return words[0]


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


def detected_text(p: SurveyPreview, instrument: Instrument) -> str:
    """The line above the table: format, encoding in words, rows, items, schools."""
    schools = [s for s in p.schools if not s.startswith("(")]
    partial = f"; {counted(p.partial, 'partial response')}" if p.partial else ""
    return (
        f"<b>{p.format_label}</b>"
        + (f", {p.encoding_label}" if p.encoding_label else "")
        + f" — {counted(p.rows_read, 'row')}, {p.rows_to_import:,} to import"
        + f" (skipped: {describe_skipped(p.skipped)}){partial}. "
        + f"{len(p.mapping.item_columns)} of {len(instrument.items)} items found"
        + (f"; {counted(len(schools), 'school')}." if schools else "; no school column.")
        + (f" Mapping: {p.mapping.origin}." if p.mapping.origin != "automatic" else "")
    )


class MappingPage(ReviewPage):
    """Shows a :class:`SurveyPreview`; edits its column mapping; asks for a re-inspection."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(HEADERS, "Column mapping", parent)
        self.setTitle("Check the column mapping")
        self.setSubTitle(
            "Each question column should be matched to an item of the survey. Change any "
            "row's “Used as” if it is wrong; the counts above update after each change."
        )
        self.original: list[ColumnUse] = []
        self.rows: list[int] = []  # table row → column index (questions first)
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.detected.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(4, 220)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addWidget(self.table, 1)
        self.keep_comments = QCheckBox("&Keep free-text comments (columns used as comments)")
        layout.addWidget(self.keep_comments)
        layout.addWidget(self.problems)

    # --- showing a preview -----------------------------------------------------------------

    def show_preview(self, preview: SurveyPreview, instrument: Instrument, fresh: bool) -> None:
        """Show an inspection; ``fresh`` when it is a new file (not a re-inspection)."""
        self.preview = preview
        self.instrument = instrument
        self.inspecting = False
        if fresh:
            self.original = list(preview.mapping.uses)
            self._fill_table()
        self.detected.setText(detected_text(preview, instrument))
        self.problems.setText("\n".join(f"• {text}" for text in preview.column_problems))
        self.completeChanged.emit()

    def _fill_table(self) -> None:
        """One row per column: questions (items, school, comments) first, in file order,
        then what the survey tool added (ids, status, metadata, identifying fields)."""
        uses = self.preview.mapping.uses
        first = [u.column.index for u in uses if u.use in (ITEM, SCHOOL, COMMENT, IGNORED)]
        self.rows = first + [u.column.index for u in uses if u.column.index not in first]
        self.table.setRowCount(len(uses))
        width = self._use_width()
        self.table.setColumnWidth(2, width)
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
                self.table.setCellWidget(row, 2, self._use_box(row, use, width))
            self._show_confidence(row, use)
        self.table.resizeRowsToContents()

    def _use_width(self) -> int:
        """The "Used as" column: wide enough for every label, each shortened at a word."""
        metrics = self.fontMetrics()
        text_width = metrics.horizontalAdvance("n" * USE_LABEL_CHARS)
        longest = max(metrics.horizontalAdvance(w) for w in USE_WORDS.values())
        return max(text_width, longest) + self._combo_chrome()

    def _combo_chrome(self) -> int:
        """Pixels a combobox adds around its text (frame, margins, arrow)."""
        option = QStyleOptionComboBox()
        option.initFrom(self)
        size = self.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, option, self.fontMetrics().size(0, "x"), self
        )
        return size.width() - self.fontMetrics().horizontalAdvance("x") + 8

    def _use_box(self, row: int, use: ColumnUse, width: int) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(f"Use of column {use.column.letter}")
        text_width = width - self._combo_chrome()
        metrics = box.fontMetrics()
        original = self.original[use.column.index]

        def add(text: str, data: str) -> None:
            box.addItem(shorten_at_word(text, metrics, text_width), data)
            box.setItemData(box.count() - 1, text, Qt.ItemDataRole.ToolTipRole)

        if original.use not in (ITEM, SCHOOL, COMMENT, IGNORED):
            add(USE_WORDS.get(original.use, original.use), ORIGINAL)
        add(USE_WORDS[IGNORED], IGNORED)
        add(USE_WORDS[SCHOOL], SCHOOL)
        add(USE_WORDS[COMMENT], COMMENT)
        for item in self.instrument.items:
            add(f"{item.id} — {item.text}", f"{ITEM}:{item.id}")
        box.setCurrentIndex(max(0, box.findData(self._choice(use))))
        box.setToolTip(box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole))
        box.view().setMinimumWidth(metrics.horizontalAdvance("n" * 90))
        box.setMinimumContentsLength(1)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.currentIndexChanged.connect(lambda _i, r=row, b=box: self._changed(r, b))
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

    def _changed(self, row: int, box: QComboBox) -> None:
        use, _, item = box.currentData().partition(":")
        box.setToolTip(box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole))
        mapping = self.preview.mapping
        index = self.rows[row]
        if use == ORIGINAL:
            mapping.uses[index] = self.original[index]
        elif use == ITEM:
            mapping.set_item(index, item)
        else:
            mapping.set_use(index, use)
        self._show_confidence(row, mapping.uses[index])
        self.changed("Checking the file with the new mapping…")

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
        """Ready for the answers: an inspection is shown, items are mapped, the mapping is
        sound (unknown answers and other scales are the next page's)."""
        if self.preview is None or self.inspecting:
            return False
        mapping = self.preview.mapping
        return bool(mapping.item_columns) and not mapping.problems(self.instrument)

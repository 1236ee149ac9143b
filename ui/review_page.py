"""What the import wizard's two review pages share (columns, answers): a table of the
file's preview, a problems line, and a re-inspection of the file shortly after each
change, so the counts and problems on screen always match the mapping."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget, QWidget, QWizardPage

from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys import ColumnMapping, SurveyPreview

REINSPECT_AFTER_MS = 250


class ReviewPage(QWizardPage):
    """A wizard page that shows a :class:`SurveyPreview` and edits its mapping."""

    reinspect = Signal(object)  # the edited ColumnMapping (its columns and answer values)

    def __init__(self, headers: tuple[str, ...], name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview: SurveyPreview | None = None
        self.instrument: Instrument | None = None
        self.inspecting = False
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setAccessibleName(name)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(REINSPECT_AFTER_MS)
        self._debounce.timeout.connect(lambda: self.reinspect.emit(self.mapping))

    @property
    def mapping(self) -> ColumnMapping | None:
        return self.preview.mapping if self.preview else None

    def changed(self, checking: str) -> None:
        """The mapping was edited: show ``checking`` until the file is inspected again."""
        self.inspecting = True
        self.problems.setText(checking)
        self.completeChanged.emit()
        self._debounce.start()

    def retry_soon(self) -> None:
        """Ask again shortly (an inspection is still running)."""
        self._debounce.start()

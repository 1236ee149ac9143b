"""The evidence-note dialog: a focus area's level and the note that supports it."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from ui.session import DistrictSession


def local_time(stamp: str) -> str:
    """A stored UTC time as the computer's local time, e.g. "3 Dec 2026, 14:05"."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return f"{stamp} (UTC)"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone()
    return f"{moment.day} {moment:%b %Y, %H:%M}"


class NoteDialog(QDialog):
    """Edit the level and evidence note of one area in the round on screen.

    A note belongs to a rating, so a note needs a level; clearing the level clears the note.
    """

    def __init__(self, session: DistrictSession, area_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        framework = session.framework
        area = framework.areas[area_id]
        rating = session.rating(area_id)
        self.setWindowTitle(f"Evidence note — {area.label}")
        form = QFormLayout(self)
        heading = QLabel(f"<b>{area.label}</b>")
        heading.setWordWrap(True)
        form.addRow(heading)
        self.level_box = QComboBox()
        self.level_box.addItem("Unrated", None)
        for level in framework.levels:
            self.level_box.addItem(f"{level.level} · {level.label}", level.level)
        self.level_box.setCurrentIndex(self.level_box.findData(rating.level))
        form.addRow("&Level:", self.level_box)
        self.note_edit = QPlainTextEdit(rating.note or "")
        self.note_edit.setPlaceholderText(
            "What did you see or hear? Documents, interviews, classroom visits…"
        )
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumSize(440, 140)
        form.addRow("Evidence &note:", self.note_edit)
        event = session.last_event(area_id)
        if event is not None:
            self.last_set = QLabel(f"Last set by {event.author}, {local_time(event.created_at)}")
            self.last_set.setToolTip(f"{event.created_at} (UTC)")
            form.addRow(self.last_set)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip("Save (Ctrl+Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.note_edit.installEventFilter(self)
        self.note_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the note saves (Enter alone starts a new line)."""
        if (
            watched is self.note_edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def level(self) -> int | None:
        return self.level_box.currentData()

    def note(self) -> str | None:
        return self.note_edit.toPlainText().strip() or None

    def accept(self) -> None:
        if self.note() and self.level() is None:
            self.problem.setText("Choose a level: an evidence note belongs to a rating.")
            self.level_box.setFocus()
            return
        super().accept()

"""The evidence-note dialog: a focus area's level and the note that supports it."""

from __future__ import annotations

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

from onpoint_desktop.clock import parse_instant
from onpoint_desktop.limits import MAX_NOTE
from ui.session import DistrictSession


def local_time(stamp: str) -> str:
    """A stored UTC instant as the computer's local time, e.g. "3 Dec 2026, 14:05"."""
    moment = parse_instant(stamp)
    if moment is None:
        return f"{stamp} (UTC)"
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
        self.length = QLabel()  # characters used of the note's limit
        self.length.setObjectName("noteLength")
        form.addRow("", self.length)
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
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.note_edit.textChanged.connect(self._count)
        self._count()
        self.note_edit.installEventFilter(self)
        self.note_edit.setFocus()

    def _count(self) -> None:
        """Show the note's length against its limit; over the limit it cannot be saved."""
        used = len(self.note_edit.toPlainText().strip())
        over = used > MAX_NOTE
        self.length.setText(
            f"{used:,} of {MAX_NOTE:,} characters"
            + (f" — {used - MAX_NOTE:,} too many: shorten the note to save it" if over else "")
        )
        self.length.setStyleSheet("color: #b00020; font-weight: bold;" if over else "")
        self.save_button.setEnabled(not over)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the note saves, as Save would (Enter alone starts a new line)."""
        if (
            watched is self.note_edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if self.save_button.isEnabled():
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

"""Record a classroom walkthrough in under a minute, from the keyboard.

The form reads top to bottom in the order a consultant fills it in a corridor: school,
grade band, subject, date, observer (all remembered for the next classroom), then the
four Core Four elements. Each element is a row of four levels (0 Not observed … 3
Strong): Tab moves between rows, arrow keys or the digit keys 0–3 choose within one;
"Quick levels" takes all four at once as digits (``2132``). Enter saves; Ctrl+Enter
saves and starts the next classroom in the same school. There is no field for a
teacher's or a student's name. The elements, levels and grade bands are the instrument's
(``resources/evidence``), never written here.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from onpoint_desktop.english import counted
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.evidence.instruments import WalkthroughElement, walkthrough_instrument
from ui.dialogs import show_error
from ui.session import DistrictSession

SUBJECTS = ("Math", "English language arts", "Science", "Social studies")


class DateField(QDateEdit):
    """A date field that Tab leaves at once (QDateEdit's Tab walks its day, month and
    year first: three key presses to pass one field)."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


class LevelRow(QWidget):
    """One element's level: four exclusive buttons, chosen by arrows or digits."""

    def __init__(self, element: WalkthroughElement, levels, parent: QWidget | None = None):
        super().__init__(parent)
        self.element = element
        self.group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for value, label in levels:
            button = QRadioButton(f"{value} {label}")
            button.setAccessibleName(f"{element.label}: {value} {label}")
            self.group.addButton(button, value)
            row.addWidget(button)
        row.addStretch(1)
        self.setToolTip(element.look_for)
        self.setFocusProxy(self.group.buttons()[0])

    def level(self) -> int | None:
        checked = self.group.checkedId()
        return None if checked < 0 else checked

    def set_level(self, level: int | None) -> None:
        if level is None:
            self.group.setExclusive(False)
            for button in self.group.buttons():
                button.setChecked(False)
            self.group.setExclusive(True)
            return
        self.group.button(level).setChecked(True)

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if text.isdigit() and self.group.button(int(text)) is not None:
            self.set_level(int(text))
            self.group.button(int(text)).setFocus()
            return
        super().keyPressEvent(event)


class WalkthroughDialog(QDialog):
    """Record observed classrooms into the round on screen (see the module docstring)."""

    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.instrument = walkthrough_instrument()
        self.saved = 0
        rnd = session.current_round
        self.setWindowTitle(f"Classroom walkthrough — {rnd.label if rnd else ''}")
        form = QFormLayout(self)
        intro = QLabel(
            "One observed classroom. No teacher or student names: the school, grade band "
            "and subject are enough."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.school = _editable_combo(session.known_schools())
        form.addRow("&School:", self.school)
        self.grade_band = _editable_combo(self.instrument.grade_bands)
        form.addRow("&Grade band:", self.grade_band)
        self.subject = _editable_combo(SUBJECTS)
        form.addRow("Su&bject:", self.subject)
        self.date = DateField(QDate.currentDate())
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        form.addRow("&Date:", self.date)
        self.observer = QLineEdit(session.author or "")
        form.addRow("&Observer:", self.observer)
        self.quick = QLineEdit()
        self.quick.setPlaceholderText(
            f"{len(self.instrument.elements)} digits 0–{self.instrument.top_level}, e.g. 2132"
        )
        self.quick.setMaxLength(len(self.instrument.elements))
        self.quick.textEdited.connect(self._quick_levels)
        form.addRow("&Quick levels:", self.quick)
        self.rows: dict[str, LevelRow] = {}
        self.notes: dict[str, QLineEdit] = {}
        for element in self.instrument.elements:
            row = LevelRow(element, self.instrument.levels)
            self.rows[element.id] = row
            label = QLabel(f"<b>{element.label}</b>")
            label.setToolTip(element.look_for)
            label.setBuddy(row)
            form.addRow(label, row)
            note = QLineEdit()
            note.setPlaceholderText("What you saw (optional)")
            note.setAccessibleName(f"Note on {element.label}")
            self.notes[element.id] = note
            form.addRow("", note)
        self.note = QLineEdit()
        self.note.setPlaceholderText("About the classroom as a whole (optional)")
        form.addRow("&Note:", self.note)
        self.status = QLabel()
        self.status.setObjectName("walkthroughStatus")
        form.addRow(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.next_button = QPushButton("Save && &next classroom")
        self.next_button.setToolTip("Ctrl+Enter: save and record another classroom here")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.next_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save_and_close)
        self.next_button.clicked.connect(self.save_and_next)
        form.addRow(buttons)
        self.school.setFocus()

    def keyPressEvent(self, event) -> None:
        """Ctrl+Enter saves and starts the next classroom (plain Enter: Save)."""
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save_and_next()
            return
        super().keyPressEvent(event)

    # --- values ------------------------------------------------------------------------------

    def _quick_levels(self, text: str) -> None:
        top = self.instrument.top_level
        for element, char in zip(self.instrument.elements, text, strict=False):
            if char.isdigit() and int(char) <= top:
                self.rows[element.id].set_level(int(char))

    def levels(self) -> dict[str, int | None]:
        return {e: row.level() for e, row in self.rows.items()}

    def observation(self) -> dict:
        """The fields for ``Workspace.add_walkthrough`` (checked by the core)."""
        return {
            "school": self.school.currentText(),
            "grade_band": self.grade_band.currentText(),
            "subject": self.subject.currentText(),
            "levels": {e: v for e, v in self.levels().items() if v is not None},
            "observed_on": self.date.date().toString("yyyy-MM-dd"),
            "observer": self.observer.text() or None,
            "note": self.note.text() or None,
            "notes": {e: box.text() for e, box in self.notes.items() if box.text().strip()},
        }

    # --- saving ------------------------------------------------------------------------------

    def save(self) -> bool:
        try:
            self.session.add_walkthrough(**self.observation())
        except OnpointError as exc:
            show_error(self, "Could not save the walkthrough", exc)
            return False
        self.saved += 1
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def save_and_next(self) -> None:
        """Save, then clear the levels and notes for the next classroom (school, band,
        subject, date and observer stay)."""
        if not self.save():
            return
        for row in self.rows.values():
            row.set_level(None)
        for box in (*self.notes.values(), self.note, self.quick):
            box.clear()
        n = len(self.session.walkthroughs())
        self.status.setText(f"Saved. {counted(n, 'classroom')} observed in this round.")
        self.quick.setFocus(Qt.FocusReason.OtherFocusReason)


def _editable_combo(items) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems(list(items))
    box.setCurrentIndex(-1)
    return box

"""The level strip under the board: the legend of the level colours, and buttons that
rate the selected tile with the mouse (a click on a tile only selects it)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from onpoint_desktop.framework import FocusArea, Framework
from ui.commands import Rating
from ui.palette import focus_ring, level_colours, outline_on, text_on
from ui.tile import note_marker_icon


class Swatch(QAbstractButton):
    """A level's colour and word (or the dashed "Unrated"), as a button of the strip;
    checked when it is the selected tile's level. Painted directly: a style sheet made
    every rating's repaint of the strip three times dearer."""

    def __init__(self, text: str, fill: QColor | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setText(text)
        self.fill = fill
        self.setCheckable(fill is not None)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.on_enter = None  # called when the pointer comes onto the swatch (what-if)
        self.on_leave = None

    def enterEvent(self, event) -> None:
        if self.on_enter is not None and self.isEnabled():
            self.on_enter()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        if self.on_leave is not None:
            self.on_leave()
        super().leaveEvent(event)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 18, metrics.height() + 10)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        box = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        if self.fill is None:
            painter.setBrush(pal.base())
            painter.setPen(
                QPen(outline_on(pal.mid().color(), pal.window().color()), 1.5, Qt.PenStyle.DashLine)
            )
            ink = pal.text().color()
        else:
            painter.setBrush(self.fill)
            painter.setPen(QPen(outline_on(self.fill, pal.window().color()), 1))
            ink = text_on(self.fill)
        if not self.isEnabled():
            painter.setOpacity(0.45)
        painter.drawRoundedRect(box, 4, 4)
        if self.isChecked() or (self.underMouse() and self.isEnabled()):
            ring = focus_ring(
                self.fill or pal.base().color(), pal.window().color(), pal.highlight().color()
            )
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(
                QPen(ring[0] if self.isChecked() else ring[1], 3 if self.isChecked() else 1.5)
            )
            painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), 3, 3)
        painter.setPen(ink)
        font = self.font()
        font.setBold(self.isChecked())
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()


class LevelStrip(QWidget):
    """The legend that rates: one swatch per level (colour and word), Clear and Evidence
    note, each acting on the board's selected tile. Its buttons take no focus, so the
    selected tile keeps it (and its keys) while the mouse rates."""

    levelChosen = Signal(object)  # level, or None to clear
    noteChosen = Signal()
    levelConsidered = Signal(object)  # the pointer is on a level (None: Unrated): what-if
    considerationEnded = Signal()  # … and left it

    def __init__(self, framework: Framework, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("levelStrip")
        self.setAccessibleName("Level strip")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.setSpacing(6)
        self.target = QLabel()
        self.target.setObjectName("stripTarget")
        self.target.setMinimumWidth(60)
        self.target.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.target, 1)
        self.level_buttons: dict[int, Swatch] = {}
        fills = level_colours(len(framework.levels))
        for level, fill in zip(framework.levels, fills, strict=True):
            button = self._explain(
                Swatch(f"{level.level} {level.label}", fill), f"Rate {level.level} {level.label}"
            )
            button.clicked.connect(lambda _=False, lv=level.level: self.levelChosen.emit(lv))
            button.on_enter = lambda lv=level.level: self.levelConsidered.emit(lv)
            button.on_leave = self.considerationEnded.emit
            self.level_buttons[level.level] = button
            row.addWidget(button)
        self.clear_button = self._explain(Swatch("Unrated", None), "Clear the rating")
        self.clear_button.clicked.connect(lambda: self.levelChosen.emit(None))
        self.clear_button.on_enter = lambda: self.levelConsidered.emit(None)
        self.clear_button.on_leave = self.considerationEnded.emit
        row.addWidget(self.clear_button)
        self.note_button = self._explain(QPushButton("Note…"), "Edit the evidence note")
        self.note_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note_button.setIcon(note_marker_icon(self.palette().windowText().color()))
        self.note_button.setFlat(True)
        self.note_button.clicked.connect(self.noteChosen.emit)
        row.addWidget(self.note_button)

    @staticmethod
    def _explain(button: QAbstractButton, tip: str) -> QAbstractButton:
        button.setToolTip(f"{tip} (of the selected focus area)")
        button.setAccessibleName(tip)
        return button

    def show_target(self, area: FocusArea | None, rating: Rating, enabled: bool) -> None:
        """Say which area the strip rates and check its current level."""
        self.target.setText(f"{area.label}:" if area else "")
        self.target.setToolTip(area.label if area else "")
        for level, button in self.level_buttons.items():
            button.setChecked(level == rating.level)
            button.setEnabled(enabled)
        self.clear_button.setEnabled(enabled and rating.level is not None)
        self.note_button.setEnabled(enabled)

    def changeEvent(self, event) -> None:
        if event.type() == event.Type.PaletteChange:
            self.note_button.setIcon(note_marker_icon(self.palette().windowText().color()))
        super().changeEvent(event)

"""The bingo board, read like the framework poster.

Five category columns with their headers, five focus-area tiles under each, and the
cross-cutting data row spanning the full width below. A tile shows the area's name and its
level as colour *and* word; unrated tiles are hatched and outlined; a folded-corner marker
means an evidence note exists.

A click never rates: it selects a tile. A level is set by a key (the tile's keys are
listed in :data:`TILE_KEYS`, which the keyboard help reads), by the level strip under the
board (its swatches are the legend and act on the selected tile), or by the tile's menu
(right-click, the menu key or Shift+F10). A double-click opens the evidence note. The board
is one stop in the Tab order: Tab enters it on the selected tile, arrows move within it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from onpoint_desktop.changes import Changes
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.framework import FocusArea, Framework
from ui.commands import Rating
from ui.dialogs import show_error
from ui.palette import focus_ring, level_colours, outline_on, text_on
from ui.session import DistrictSession

TOOLTIP_NOTE_CHARS = 600  # a tooltip shows the start of a long note; the dialog shows all

Key = Qt.Key
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@dataclass(frozen=True)
class TileKey:
    """One key binding of a focused tile: what the keyboard help lists and what the tile
    does. ``command`` is "rate" (the key's digit is the level), "clear", "note", "menu" or
    "move" (``step`` is the direction)."""

    keys: tuple[Qt.Key, ...]
    shown: str
    does: str
    command: str
    modifiers: Qt.KeyboardModifier = NO_MODIFIER
    step: tuple[int, int] = (0, 0)


def tile_keys(framework: Framework) -> tuple[TileKey, ...]:
    """The keys of a focused tile, in the order the keyboard help lists them."""
    top = framework.max_level
    words = f"{framework.level_label(1)} … {top} {framework.level_label(top)}"
    levels = tuple(Key(Key.Key_1.value + i) for i in range(top))
    return (
        TileKey(levels, f"1 – {top}", f"Rate the selected focus area: 1 {words}", "rate"),
        TileKey(
            (Key.Key_0, Key.Key_Delete, Key.Key_Backspace), "0, Delete", "Clear the rating", "clear"
        ),
        TileKey((Key.Key_Return, Key.Key_Enter), "Enter", "Edit the evidence note", "note"),
        TileKey((Key.Key_Menu,), "Menu key", "Open the rating menu", "menu"),
        TileKey((Key.Key_F10,), "Shift+F10", "Open the rating menu", "menu", SHIFT),
        TileKey((Key.Key_Left,), "Left", "Select the focus area to the left", "move", step=(-1, 0)),
        TileKey(
            (Key.Key_Right,), "Right", "Select the focus area to the right", "move", step=(1, 0)
        ),
        TileKey((Key.Key_Up,), "Up", "Select the focus area above", "move", step=(0, -1)),
        TileKey((Key.Key_Down,), "Down", "Select the focus area below", "move", step=(0, 1)),
    )


MOUSE_GESTURES = (
    ("Click", "Select a focus area (a click never rates)"),
    ("Double-click", "Edit the evidence note"),
    ("Right-click", "Open the rating menu"),
    ("Level strip under the board", "Rate or clear the selected focus area"),
)


def accessible_name(area: FocusArea, rating: Rating, framework: Framework) -> str:
    """What a screen reader says for a tile, e.g. "PL Vision Alignment: Developing, has note"."""
    text = f"{area.label}: {framework.level_label(rating.level)}"
    return text + ", has note" if rating.note else text


def tooltip_html(name: str, note: str | None) -> str:
    """A tile's tooltip as rich text, so Qt wraps a long note into a readable block."""
    if not note:
        return html.escape(name)
    shown = note if len(note) <= TOOLTIP_NOTE_CHARS else note[:TOOLTIP_NOTE_CHARS].rstrip() + "…"
    body = html.escape(shown).replace("\n", "<br>")
    return f"<p><b>{html.escape(name)}</b></p><p>{body}</p>"


class Tile(QWidget):
    """One focus area. Paints itself; tells the board what the user asked for."""

    levelRequested = Signal(str, object)  # area id, level (None clears)
    noteRequested = Signal(str)
    menuRequested = Signal(str, QPoint)  # area id, global position
    moveRequested = Signal(str, int, int)  # area id, dx, dy
    selected = Signal(str)  # area id: the tile took the keyboard focus

    def __init__(
        self,
        area: FocusArea,
        framework: Framework,
        keys: tuple[TileKey, ...],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.area = area
        self.framework = framework
        self.keys = keys
        self.fills = level_colours(len(framework.levels))
        self.rating = Rating()
        self.current = False  # the board's selected tile (shown even without focus)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        # It paints every pixel (its corners in the window colour), so a rating repaints
        # this tile alone, not the board and window behind it.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleDescription(
            "Press 1 to 4 to rate, 0 to clear, Enter for the evidence note, "
            "arrows to move between focus areas."
        )
        self.set_rating(Rating())

    def set_rating(self, rating: Rating) -> None:
        self.rating = rating
        name = accessible_name(self.area, rating, self.framework)
        self.setAccessibleName(name)
        self.setToolTip(tooltip_html(name, rating.note))
        self.update()

    def set_current(self, current: bool) -> None:
        """Make this the board's one Tab stop (roving focus) and mark it selected."""
        self.current = current
        policy = Qt.FocusPolicy.StrongFocus if current else Qt.FocusPolicy.ClickFocus
        self.setFocusPolicy(policy)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(150, 78)

    def minimumSizeHint(self) -> QSize:
        return QSize(118, 62)

    # --- input -----------------------------------------------------------------------------

    def binding(self, event: QKeyEvent) -> TileKey | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        return next((b for b in self.keys if key in b.keys and modifiers == b.modifiers), None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        binding = self.binding(event)
        if binding is None:
            event.ignore()
            return
        command = binding.command
        if command == "rate":
            self.levelRequested.emit(self.area.id, event.key() - Key.Key_0.value)
        elif command == "clear":
            self.levelRequested.emit(self.area.id, None)
        elif command == "note":
            self.noteRequested.emit(self.area.id)
        elif command == "menu":
            self.menuRequested.emit(self.area.id, self.mapToGlobal(self.rect().center()))
        elif command == "move":
            self.moveRequested.emit(self.area.id, *binding.step)

    def mousePressEvent(self, event) -> None:
        # Select only. A click never rates, so a double-click that drifts cannot either.
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.noteRequested.emit(self.area.id)

    def contextMenuEvent(self, event) -> None:
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.menuRequested.emit(self.area.id, event.globalPos())

    def focusInEvent(self, event) -> None:
        self.selected.emit(self.area.id)
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)

    # --- painting --------------------------------------------------------------------------

    def colours(self) -> tuple[QColor, QColor, QColor]:
        """Fill, ink (text) and outline of the tile in the current palette."""
        pal = self.palette()
        level = self.rating.level
        if level is None:
            return pal.base().color(), pal.text().color(), pal.mid().color()
        fill = self.fills[level - 1]
        return fill, text_on(fill), outline_on(fill, pal.window().color())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.window())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        level = self.rating.level
        fill, ink, outline = self.colours()
        path = QPainterPath()
        path.addRoundedRect(box, 6, 6)
        painter.fillPath(path, fill)
        if level is None:
            hatch = QColor(pal.text().color())
            hatch.setAlpha(40)
            painter.fillPath(path, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            painter.setPen(QPen(outline, 1.5, Qt.PenStyle.DashLine))
        else:
            painter.setPen(QPen(outline, 1.2))
        painter.drawPath(path)
        if self.hasFocus() or self.current:
            outer, inner = focus_ring(fill, pal.window().color(), pal.highlight().color())
            if self.hasFocus():
                # Outside: the highlight, readable against the window; inside: the tile's
                # ink, readable against its fill. Visible on every level colour.
                painter.setPen(QPen(outer, 2.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(box.adjusted(-2, -2, 2, 2), 8, 8)
            painter.setPen(QPen(inner, 2.5 if self.hasFocus() else 1.5))
            painter.drawRoundedRect(box.adjusted(2.5, 2.5, -2.5, -2.5), 4, 4)

        inner_box = box.adjusted(8, 5, -8, -5)
        painter.setPen(ink)
        label_font = QFont(self.font())
        painter.setFont(label_font)
        word_height = painter.fontMetrics().height()
        label_box = inner_box.adjusted(0, 0, -12 if self.rating.note else 0, -word_height)
        painter.drawText(
            label_box, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, self.area.label
        )
        word_font = QFont(label_font)
        word_font.setBold(True)
        painter.setFont(word_font)
        word = self.framework.level_label(level)
        if level is not None:
            word = f"{level} · {word}"
        painter.drawText(inner_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, word)
        if self.rating.note:
            paint_note_marker(painter, box.right() - 16, box.top() + 6, ink)
        painter.end()


def paint_note_marker(painter: QPainter, x: float, y: float, ink: QColor) -> None:
    """The evidence-note marker: a small page with a folded corner (10 × 13 px)."""
    w, h, fold = 10.0, 13.0, 4.0
    page = QPainterPath()
    page.moveTo(x, y)
    page.lineTo(x + w - fold, y)
    page.lineTo(x + w, y + fold)
    page.lineTo(x + w, y + h)
    page.lineTo(x, y + h)
    page.closeSubpath()
    painter.setPen(QPen(ink, 1.2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(page)
    for i in range(3):
        ly = y + 6 + i * 2.5
        painter.drawLine(QPointF(x + 2, ly), QPointF(x + w - 2, ly))


def swatch_icon(fill: QColor, size: int = 14) -> QIcon:
    """A small square of a level colour, for menus."""
    pixmap = QPixmap(size, size)
    pixmap.fill(fill)
    painter = QPainter(pixmap)
    painter.setPen(QPen(fill.darker(160), 1))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


def _note_marker_icon(ink: QColor) -> QIcon:
    pixmap = QPixmap(14, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_note_marker(painter, 2, 1.5, ink)
    painter.end()
    return QIcon(pixmap)


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
            self.level_buttons[level.level] = button
            row.addWidget(button)
        self.clear_button = self._explain(Swatch("Unrated", None), "Clear the rating")
        self.clear_button.clicked.connect(lambda: self.levelChosen.emit(None))
        row.addWidget(self.clear_button)
        self.note_button = self._explain(QPushButton("Note…"), "Edit the evidence note")
        self.note_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note_button.setIcon(_note_marker_icon(self.palette().windowText().color()))
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
            self.note_button.setIcon(_note_marker_icon(self.palette().windowText().color()))
        super().changeEvent(event)


class Board(QWidget):
    """The whole framework for the round on screen, wired to a :class:`DistrictSession`."""

    selectionChanged = Signal(str)  # area id

    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: DistrictSession | None = None
        framework = session.framework
        self.framework = framework
        self.keys = tile_keys(framework)
        self.tiles: dict[str, Tile] = {}
        self.positions: dict[tuple[int, int], str] = {}  # (column, row) → area id
        self.wide_areas: list[str] = []  # the cross-cutting row(s), top to bottom
        self._last_column = 0
        self.setAccessibleName("Bingo board")
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setHorizontalSpacing(2)
        grid.setVerticalSpacing(2)
        columns = [c for c in framework.categories if not c.cross_cutting]
        crossing = [c for c in framework.categories if c.cross_cutting]
        self.depth = max(len(c.areas) for c in columns)
        for col, category in enumerate(columns):
            grid.addWidget(_header(category.label), 0, col)
            for row, area in enumerate(category.areas):
                grid.addWidget(self._tile(area), row + 1, col)
                self.positions[col, row] = area.id
            grid.setColumnStretch(col, 1)
        for row in range(1, self.depth + 1):
            grid.setRowStretch(row, 3)
        next_row = self.depth + 1
        for category in crossing:
            grid.addWidget(_header(category.label), next_row, 0, 1, len(columns))
            next_row += 1
            for area in category.areas:
                grid.addWidget(self._tile(area), next_row, 0, 1, len(columns))
                grid.setRowStretch(next_row, 2)
                self.wide_areas.append(area.id)
                next_row += 1
        self.strip = LevelStrip(framework)
        self.strip.levelChosen.connect(lambda level: self._rate(self.selected_area, level))
        self.strip.noteChosen.connect(lambda: self.edit_note(self.selected_area))
        grid.addWidget(self.strip, next_row, 0, 1, len(columns))
        first = self.positions[0, 0]
        self.selected_area = first
        self.tiles[first].set_current(True)
        self.setFocusProxy(self.tiles[first])
        self.set_session(session)

    def _tile(self, area: FocusArea) -> Tile:
        tile = Tile(area, self.framework, self.keys, self)
        tile.levelRequested.connect(self._rate)
        tile.noteRequested.connect(self.edit_note)
        tile.menuRequested.connect(self._menu)
        tile.moveRequested.connect(self._move)
        tile.selected.connect(self.select)
        self.tiles[area.id] = tile
        return tile

    def set_session(self, session: DistrictSession) -> None:
        if self.session is not None:
            self.session.changed.disconnect(self._changed)
            self.session.roundShown.disconnect(self.refresh)
        self.session = session
        session.changed.connect(self._changed)
        session.roundShown.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        """Show every tile of the round on screen."""
        enabled = self.session.round_id is not None
        for area_id, tile in self.tiles.items():
            tile.set_rating(self.session.rating(area_id))
            tile.setEnabled(enabled)
        self._show_selection()

    def _changed(self, change: Changes) -> None:
        if change.rounds:
            self.refresh()
            return
        areas = change.rated_areas(self.session.round_id)
        for area_id in areas:
            self.tiles[area_id].set_rating(self.session.rating(area_id))
        if self.selected_area in areas:
            self._show_selection()

    # --- selection -------------------------------------------------------------------------

    def select(self, area_id: str) -> None:
        """Make ``area_id`` the selected tile (the board's Tab stop and the strip's target)."""
        if area_id != self.selected_area:
            self.tiles[self.selected_area].set_current(False)
            self.selected_area = area_id
            tile = self.tiles[area_id]
            tile.set_current(True)
            self.setFocusProxy(tile)
            self.selectionChanged.emit(area_id)
        self._show_selection()

    def _show_selection(self) -> None:
        area = self.framework.areas[self.selected_area]
        enabled = self.session.round_id is not None
        self.strip.show_target(area, self.session.rating(area.id), enabled)

    def focus_selected(self) -> None:
        self.tiles[self.selected_area].setFocus(Qt.FocusReason.OtherFocusReason)

    # --- actions ---------------------------------------------------------------------------

    def _rate(self, area_id: str, level: int | None) -> None:
        try:
            self.session.set_level(area_id, level)
        except OnpointError as exc:
            show_error(self, "Could not save the rating", exc)

    def edit_note(self, area_id: str) -> None:
        from ui.note_dialog import NoteDialog

        dialog = NoteDialog(self.session, area_id, self)
        if dialog.exec():
            try:
                self.session.set_rating(area_id, dialog.level(), dialog.note())
            except OnpointError as exc:
                show_error(self, "Could not save the evidence note", exc)

    def rating_menu(self, area_id: str) -> QMenu:
        """The menu of a tile: each level (current one checked), clear, evidence note."""
        menu = QMenu(self)
        current = self.session.rating(area_id).level
        fills = level_colours(len(self.framework.levels))
        for level in self.framework.levels:
            action = QAction(f"&{level.level}  {level.label}", menu)
            action.setIcon(swatch_icon(fills[level.level - 1]))
            action.setCheckable(True)
            action.setChecked(level.level == current)
            action.triggered.connect(lambda _=False, lv=level.level: self._rate(area_id, lv))
            menu.addAction(action)
        clear = menu.addAction("&0  Clear rating")
        clear.setEnabled(current is not None)
        clear.triggered.connect(lambda: self._rate(area_id, None))
        menu.addSeparator()
        note = menu.addAction("Evidence &note…")
        note.triggered.connect(lambda: self.edit_note(area_id))
        return menu

    def _menu(self, area_id: str, where: QPoint) -> None:
        self.rating_menu(area_id).exec(where)

    def _move(self, area_id: str, dx: int, dy: int) -> None:
        target = self.neighbour(area_id, dx, dy)
        if target:
            self.tiles[target].setFocus(Qt.FocusReason.OtherFocusReason)

    def neighbour(self, area_id: str, dx: int, dy: int) -> str | None:
        """The area one step away. The data row is below every column; going back up
        returns to the column the user came down from."""
        if area_id in self.wide_areas:
            if dx:
                return None
            index = self.wide_areas.index(area_id) + dy
            if index < 0:
                return self.positions.get((self._last_column, self.depth - 1))
            return self.wide_areas[index] if index < len(self.wide_areas) else None
        col, row = next(pos for pos, a in self.positions.items() if a == area_id)
        self._last_column = col
        if row + dy == self.depth and self.wide_areas:
            return self.wide_areas[0]
        return self.positions.get((col + dx, row + dy))


def _header(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("categoryHeader")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setStyleSheet(
        "QLabel#categoryHeader { padding: 4px 2px; border-bottom: 2px solid palette(mid); }"
    )
    return label

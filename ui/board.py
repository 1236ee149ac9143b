"""The bingo board, read like the framework poster.

Five category columns with their headers, five focus-area tiles under each, and the
cross-cutting data row spanning the full width below. A tile shows the area's name and its
level as colour *and* word; unrated tiles are hatched and outlined; a folded-corner marker
means an evidence note exists.

Mouse: click or right-click a tile for the rating menu. Keyboard: arrows move between
tiles, 1–4 set the level, 0 / Delete clear it, Enter opens the evidence note, the menu
key (or Shift+F10) opens the rating menu.
"""

from __future__ import annotations

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
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QMenu, QSizePolicy, QWidget

from onpoint_desktop.errors import OnpointError
from onpoint_desktop.framework import FocusArea, Framework
from ui.dialogs import show_error
from ui.palette import level_colours, luminance, text_on
from ui.session import DistrictSession, Rating

CLEAR_KEYS = (Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MOVES = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


def accessible_name(area: FocusArea, rating: Rating, framework: Framework) -> str:
    """What a screen reader says for a tile, e.g. "PL Vision Alignment: Developing, has note"."""
    text = f"{area.label}: {framework.level_label(rating.level)}"
    return text + ", has note" if rating.note else text


class Tile(QWidget):
    """One focus area. Paints itself; tells the board what the user asked for."""

    levelRequested = Signal(str, object)  # area id, level (None clears)
    noteRequested = Signal(str)
    menuRequested = Signal(str, QPoint)  # area id, global position

    def __init__(self, area: FocusArea, framework: Framework, parent: QWidget | None = None):
        super().__init__(parent)
        self.area = area
        self.framework = framework
        self.fills = level_colours(len(framework.levels))
        self.rating = Rating()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
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
        self.setToolTip(f"{name}\n\n{rating.note}" if rating.note else name)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(150, 78)

    def minimumSizeHint(self) -> QSize:
        return QSize(118, 62)

    # --- input -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        top = self.framework.max_level
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_1 + top - 1 and not event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier
        ):
            self.levelRequested.emit(self.area.id, key - Qt.Key.Key_0)
        elif key in CLEAR_KEYS:
            self.levelRequested.emit(self.area.id, None)
        elif key in ENTER_KEYS:
            self.noteRequested.emit(self.area.id)
        elif key == Qt.Key.Key_Menu or (
            key == Qt.Key.Key_F10 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.menuRequested.emit(self.area.id, self.mapToGlobal(self.rect().center()))
        else:
            event.ignore()  # arrows go up to the board

    def mousePressEvent(self, event) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() == Qt.MouseButton.LeftButton:
            self.menuRequested.emit(self.area.id, event.globalPosition().toPoint())

    def mouseDoubleClickEvent(self, event) -> None:
        self.noteRequested.emit(self.area.id)

    def contextMenuEvent(self, event) -> None:
        self.menuRequested.emit(self.area.id, event.globalPos())

    def focusInEvent(self, event) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        box = QRectF(self.rect()).adjusted(3, 3, -3, -3)
        level = self.rating.level
        if level is None:
            fill = pal.base().color()
            ink = pal.text().color()
            outline = pal.mid().color()
        else:
            fill = self.fills[level - 1]
            ink = text_on(fill)
            outline = _edge(fill, pal.window().color())
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
        if self.hasFocus():
            painter.setPen(QPen(pal.highlight().color(), 3))
            painter.drawRoundedRect(box.adjusted(-1.5, -1.5, 1.5, 1.5), 7, 7)

        inner = box.adjusted(8, 5, -8, -5)
        painter.setPen(ink)
        label_font = QFont(self.font())
        painter.setFont(label_font)
        word_height = painter.fontMetrics().height()
        label_box = inner.adjusted(0, 0, -12 if self.rating.note else 0, -word_height)
        painter.drawText(
            label_box, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, self.area.label
        )
        word_font = QFont(label_font)
        word_font.setBold(True)
        painter.setFont(word_font)
        word = self.framework.level_label(level)
        if level is not None:
            word = f"{level} · {word}"
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, word)
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


def _edge(fill: QColor, background: QColor) -> QColor:
    """A tile's outline: darker than the fill on a light window, lighter on a dark one."""
    return fill.darker(135) if luminance(background) > 0.3 else fill.lighter(170)


def swatch_icon(fill: QColor, size: int = 14) -> QIcon:
    """A small square of a level colour, for menus."""
    pixmap = QPixmap(size, size)
    pixmap.fill(fill)
    painter = QPainter(pixmap)
    painter.setPen(QPen(fill.darker(160), 1))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


class Legend(QWidget):
    """The level colours with their words, and what an unrated tile looks like."""

    def __init__(self, framework: Framework, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.setSpacing(14)
        for level, fill in zip(framework.levels, level_colours(len(framework.levels)), strict=True):
            row.addWidget(_swatch(fill, f"{level.level} {level.label}"))
        row.addWidget(_swatch(None, "Unrated"))
        marker = QLabel()
        marker.setPixmap(_note_marker_pixmap(self.palette().text().color()))
        row.addWidget(marker)
        row.addWidget(QLabel("Evidence note"))
        row.addStretch(1)


def _note_marker_pixmap(ink: QColor) -> QPixmap:
    pixmap = QPixmap(14, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_note_marker(painter, 2, 1.5, ink)
    painter.end()
    return pixmap


def _swatch(fill: QColor | None, text: str) -> QLabel:
    label = QLabel(text)
    if fill is None:
        label.setStyleSheet("QLabel { border: 1.5px dashed palette(mid); padding: 1px 6px; }")
    else:
        label.setStyleSheet(
            f"QLabel {{ background: {fill.name()}; color: {text_on(fill).name()};"
            f" border: 1px solid {fill.darker(135).name()}; padding: 1px 6px; }}"
        )
    return label


class Board(QWidget):
    """The whole framework for the round on screen, wired to a :class:`DistrictSession`."""

    def __init__(self, model: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.model: DistrictSession | None = None
        framework = model.workspace.framework
        self.framework = framework
        self.tiles: dict[str, Tile] = {}
        self.positions: dict[tuple[int, int], str] = {}  # (column, row) → area id
        self.wide_areas: list[str] = []  # the cross-cutting row(s), top to bottom
        self._last_column = 0
        self.setAccessibleName("Bingo board")
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
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
        grid.addWidget(Legend(framework), next_row, 0, 1, len(columns))
        self.set_model(model)

    def _tile(self, area: FocusArea) -> Tile:
        tile = Tile(area, self.framework, self)
        tile.levelRequested.connect(self._rate)
        tile.noteRequested.connect(self.edit_note)
        tile.menuRequested.connect(self._menu)
        self.tiles[area.id] = tile
        return tile

    def set_model(self, model: DistrictSession) -> None:
        if self.model is not None:
            self.model.ratingChanged.disconnect(self._refresh_area)
            self.model.roundChanged.disconnect(self.refresh)
        self.model = model
        model.ratingChanged.connect(self._refresh_area)
        model.roundChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        enabled = self.model.round_id is not None
        for area_id, tile in self.tiles.items():
            tile.set_rating(self.model.rating(area_id))
            tile.setEnabled(enabled)

    def _refresh_area(self, area_id: str) -> None:
        self.tiles[area_id].set_rating(self.model.rating(area_id))

    # --- actions ---------------------------------------------------------------------------

    def _rate(self, area_id: str, level: int | None) -> None:
        try:
            self.model.set_level(area_id, level)
        except OnpointError as exc:
            show_error(self, "Could not save the rating", exc)

    def edit_note(self, area_id: str) -> None:
        from ui.note_dialog import NoteDialog

        dialog = NoteDialog(self.model, area_id, self)
        if dialog.exec():
            try:
                self.model.set_rating(area_id, dialog.level(), dialog.note())
            except OnpointError as exc:
                show_error(self, "Could not save the evidence note", exc)

    def rating_menu(self, area_id: str) -> QMenu:
        """The menu of a tile: each level (current one checked), clear, evidence note."""
        menu = QMenu(self)
        current = self.model.rating(area_id).level
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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        move = MOVES.get(event.key())
        focused = next((a for a, t in self.tiles.items() if t.hasFocus()), None)
        if move is None or focused is None:
            super().keyPressEvent(event)
            return
        target = self.neighbour(focused, *move)
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

"""One focus-area tile of the board, and the keys it answers to.

A tile shows the area's name and its level as colour *and* word; unrated tiles are
hatched and outlined; a folded-corner marker means an evidence note exists. Its keys are
one table (:func:`tile_keys`) that both the tile and Help ▸ Keyboard shortcuts read.
A click only selects a tile; it never rates.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
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
from PySide6.QtWidgets import QSizePolicy, QWidget

from onpoint_desktop.framework import FocusArea, Framework
from ui.commands import Rating
from ui.palette import focus_ring, level_colours, outline_on, text_on

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
        TileKey((Key.Key_C,), "C", "Confirm a carried rating (keep it as it was)", "confirm"),
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
    if rating.carried:
        text += ", carried from the previous round"
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
    confirmRequested = Signal(str)  # area id: keep its carried rating
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
        self.caption: str | None = None  # replaces the level's word (the Gap view)
        self.current = False  # the board's selected tile (shown even without focus)
        self.compared: tuple[str, int | None] | None = None  # (▲/▼/new/cleared, level then)
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

    def set_rating(self, rating: Rating, caption: str | None = None) -> None:
        """Show ``rating``; ``caption`` (the Gap view's "Expert 2 · District 4 · +2")
        replaces the level's word under the name."""
        self.rating = rating
        self.caption = caption
        name = accessible_name(self.area, rating, self.framework)
        if caption:
            name = f"{self.area.label}: expert → district {caption}"
        self.setAccessibleName(name)
        self.setToolTip(tooltip_html(name, rating.note))
        self.update()

    def set_comparison(self, compared: tuple[str, int | None] | None) -> None:
        """Show how the level moved since the round compared with: (mark, level then)."""
        if compared != self.compared:
            self.compared = compared
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
        elif command == "confirm":
            self.confirmRequested.emit(self.area.id)
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
        elif self.rating.carried:
            # Carried from the previous round, not yet confirmed: the fill faded towards
            # the window and a dotted outline, the word says "carried" too.
            veil = QColor(pal.window().color())
            veil.setAlpha(120)
            painter.fillPath(path, veil)
            painter.setPen(QPen(pal.text().color(), 1.6, Qt.PenStyle.DotLine))
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
        mark = ""
        if self.compared is not None:
            sign, then = self.compared
            was = "—" if then is None else str(then)
            mark = f"{sign} was {was}" if sign in ("▲", "▼") else f"{sign}, was {was}"
        mark_width = painter.fontMetrics().horizontalAdvance(mark) + 6 if mark else 0
        note_width = 14 if self.rating.note else 0
        label_box = inner_box.adjusted(0, 0, -note_width - mark_width, -word_height)
        draw_fitted(painter, label_box, self.area.label)
        painter.setFont(label_font)
        word_font = QFont(label_font)
        word_font.setBold(True)
        painter.setFont(word_font)
        word = self.framework.level_label(level)
        if level is not None:
            word = f"{level} · {word}"
        if self.rating.carried:
            ink = pal.text().color()  # on the faded fill
            painter.setPen(ink)
            word = f"↻ {word}"  # carried from the previous round (said in full to readers)
        if self.caption:
            word = self.caption
        painter.drawText(inner_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, word)
        if mark:  # the change since the round compared with, top right
            painter.setFont(label_font)
            mark_box = inner_box.adjusted(0, 0, -note_width, 0)
            painter.drawText(
                mark_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, mark
            )
        if self.rating.note:
            paint_note_marker(painter, box.right() - 16, box.top() + 6, ink)
        painter.end()


def draw_fitted(painter: QPainter, box: QRectF, text: str) -> None:
    """Draw ``text`` word-wrapped in ``box``, a little smaller when it would run into the
    level word below (a long area name on a short tile), and never outside the box."""
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
    font = QFont(painter.font())
    points = font.pointSizeF()
    for smaller in (0.0, 0.5, 1.0, 1.5):
        if points > 0:
            font.setPointSizeF(points - smaller)
        painter.setFont(font)
        needed = painter.fontMetrics().boundingRect(box.toRect(), int(flags), text)
        if needed.height() <= box.height() or points <= 0:
            break
    painter.save()
    painter.setClipRect(box)
    painter.drawText(box, flags, text)
    painter.restore()


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


def note_marker_icon(ink: QColor) -> QIcon:
    pixmap = QPixmap(14, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_note_marker(painter, 2, 1.5, ink)
    painter.end()
    return QIcon(pixmap)

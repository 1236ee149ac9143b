"""A long focus-area name on a short tile (1280×720) never runs into the level word."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from ui.tile import draw_fitted

LONG = "Grading, Assessment, and Data Culture Across Every School"


def _ink_rows(image: QImage) -> set[int]:
    white = QColor(Qt.GlobalColor.white).rgb()
    return {
        y for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) != white
    }


def test_a_long_label_is_drawn_only_inside_its_box(qtbot):
    image = QImage(160, 120, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    box = QRectF(4, 4, 110, 40)  # three short lines at most: the name needs more
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    draw_fitted(painter, box, LONG)
    painter.end()
    rows = _ink_rows(image)
    assert rows, "the label was drawn"
    assert max(rows) < box.bottom() + 1  # nothing below the box, where the level word goes

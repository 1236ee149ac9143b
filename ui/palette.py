"""Colours of the board: one sequential, colour-blind-safe scale for rating levels.

Levels run light → dark along ColorBrewer's YlGnBu scheme (safe for the common forms of
colour blindness and in greyscale print). Unrated tiles never take a level colour: they
are drawn hatched and outlined in the window's own palette. Text on a tile is black or
white, whichever contrasts more with the fill (WCAG relative luminance).
"""

from __future__ import annotations

from PySide6.QtGui import QColor

# ColorBrewer YlGnBu, 9 classes, lightest first.
YLGNBU = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)


def level_colours(levels: int) -> list[QColor]:
    """``levels`` fills spread evenly from light to dark (skipping the near-white end)."""
    if levels == 1:
        return [QColor(YLGNBU[4])]
    first, last = 1, len(YLGNBU) - 1
    return [QColor(YLGNBU[round(first + i * (last - first) / (levels - 1))]) for i in range(levels)]


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """WCAG relative luminance (0 black … 1 white)."""
    r, g, b = (_channel(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill``."""
    black, white = QColor("#000000"), QColor("#ffffff")
    return black if contrast(fill, black) >= contrast(fill, white) else white

"""Colours of the board: one sequential, colour-blind-safe scale for rating levels.

Levels run light → dark along ColorBrewer's YlGnBu scheme (safe for the common forms of
colour blindness and in greyscale print). Unrated tiles never take a level colour: they
are drawn hatched and outlined in the window's own palette. Text on a tile is black or
white, whichever contrasts more with the fill (WCAG relative luminance).
"""

from __future__ import annotations

import functools

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
    return QColor(_text_on(fill.rgba()))


@functools.cache
def _text_on(rgba: int) -> int:
    fill, black, white = QColor.fromRgba(rgba), QColor("#000000"), QColor("#ffffff")
    return (black if contrast(fill, black) >= contrast(fill, white) else white).rgba()


def is_dark(window: QColor) -> bool:
    """Whether a window colour belongs to a dark theme."""
    return luminance(window) < 0.2


def outline_on(fill: QColor, window: QColor, minimum: float = 3.0) -> QColor:
    """A tile's outline: a shade of its fill that stands out from the window by at least
    ``minimum`` (WCAG non-text contrast), so even the darkest level shows its edge on a
    dark window and the lightest one on a light window."""
    return QColor.fromRgba(_outline_on(fill.rgba(), window.rgba(), minimum))


@functools.cache  # painting asks for the same few pairs of colours over and over
def _outline_on(fill_rgba: int, window_rgba: int, minimum: float) -> int:
    fill, window = QColor.fromRgba(fill_rgba), QColor.fromRgba(window_rgba)
    target = text_on(window)
    outline = QColor(fill)
    for step in range(11):
        outline = _mix(fill, target, step / 10)
        if contrast(outline, window) >= minimum:
            break
    return outline.rgba()


def _mix(a: QColor, b: QColor, share: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * share,
        a.greenF() + (b.greenF() - a.greenF()) * share,
        a.blueF() + (b.blueF() - a.blueF()) * share,
    )


def chart_bar_colour(window: QColor) -> QColor:
    """The score bars' colour, from the same scale: deep blue on light, teal on dark."""
    return QColor(YLGNBU[6] if not is_dark(window) else YLGNBU[4])


def focus_ring(fill: QColor, window: QColor, highlight: QColor) -> tuple[QColor, QColor]:
    """The two rings of a focused tile: outside (against the window) and inside (against
    the tile's fill). The inner ring is the tile's own ink, so it reads on every level
    colour; the outer one is the highlight where that reads on the window, else the ink
    that does (a blue highlight on a blue window would vanish)."""
    outer = highlight if contrast(highlight, window) >= 3 else text_on(window)
    return outer, text_on(fill)

"""Diverging stacked bars of the five answers to a survey item, one small picture each.

A bar sits across a fixed centre line: disagreement and half of the neutral answers to
the left, agreement and the other half to the right, so items line up by how far they
lean either way (the usual way to show Likert answers). The colours are ColorBrewer's
red–blue diverging scale (colour-blind safe; in greyscale the side tells the two ends
apart). Bars are drawn with Pillow as plain rectangles: a table of forty items costs
milliseconds, and the numbers sit in the table beside each bar, never in the picture.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from onpoint_desktop.report import palette

WIDTH_IN, HEIGHT_IN = 1.8, 0.14
DPI = 220
# Strongly disagree … strongly agree (ColorBrewer RdBu, 5 classes; the middle greyed so
# the neutral answers show on white paper).
ANSWER_FILLS = ("CA0020", "F4A582", "C8C8C8", "92C5DE", "0571B0")
CENTRE = palette.BENCHMARK_MEDIAN


def _rgb(hex_colour: str) -> tuple[int, int, int, int]:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return red, green, blue, 255


def answer_bar(shares: Sequence[float]) -> bytes:
    """The PNG of one item's answers (``shares`` lowest answer first, summing to 1)."""
    from PIL import Image, ImageDraw

    width, height = round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))  # the row's shading shows
    draw = ImageDraw.Draw(image)
    centre = width / 2
    half = len(shares) // 2
    left = sum(shares[:half]) + (shares[half] / 2 if len(shares) % 2 else 0)
    x = centre - left * centre  # a whole bar spans half the picture
    for share, fill in zip(shares, _fills(len(shares)), strict=True):
        end = x + share * centre
        if end - x >= 0.5:
            draw.rectangle((round(x), 0, round(end) - 1, height - 1), fill=_rgb(fill))
        x = end
    line = max(1, round(DPI / 144))
    draw.rectangle(
        (round(centre) - line // 2, 0, round(centre) - line // 2 + line - 1, height - 1),
        fill=_rgb(CENTRE),
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6, dpi=(DPI, DPI))
    return buffer.getvalue()


def _fills(points: int) -> tuple[str, ...]:
    if points == len(ANSWER_FILLS):
        return ANSWER_FILLS
    # Another scale length: pick evenly along the same diverging colours.
    step = (len(ANSWER_FILLS) - 1) / max(points - 1, 1)
    return tuple(ANSWER_FILLS[round(i * step)] for i in range(points))


def answer_fills(points: int) -> tuple[str, ...]:
    """The fill of each answer of a ``points``-point scale, lowest first."""
    return _fills(points)

"""Colours of the report, shared by its charts and its Word tables.

Rating levels use one sequential, colour-blind-safe palette (ColorBrewer "Blues"),
light to dark as the level rises; an unrated area is never given a level colour. The
benchmark is drawn in neutral greys behind the district, whose scores are the darkest ink
on the page, so the eye finds the district first.
"""

from __future__ import annotations

# ColorBrewer "Blues", 9 classes, lightest first (colour-blind safe, prints in greyscale).
_BLUES = (
    "F7FBFF",
    "DEEBF7",
    "C6DBEF",
    "9ECAE1",
    "6BAED6",
    "4292C6",
    "2171B5",
    "08519C",
    "08306B",
)

DISTRICT = "08306B"  # the district's scores: bars, lines and markers
BENCHMARK_BAND = "D9D9D9"  # p25–p75 of the benchmark districts at the stage
BENCHMARK_MEDIAN = "404040"  # the benchmark median tick
MUTED_TEXT = "595959"
UNRATED_FILL = "FFFFFF"
UNRATED_PATTERN = "BFBFBF"  # thin diagonal hatching on white, never a level colour
HEADER_FILL = "3F3F3F"  # category headers of the board: dark neutral, never a level colour


def level_fills(levels: int) -> dict[int, str]:
    """Fill colour (hex, no ``#``) for each rating level 1..``levels``, light to dark.

    >>> level_fills(4)
    {1: 'DEEBF7', 2: '9ECAE1', 3: '4292C6', 4: '08519C'}
    """
    if levels < 1:
        return {}
    if levels == 1:
        return {1: _BLUES[5]}
    first, last = 1, len(_BLUES) - 2
    step = (last - first) / (levels - 1)
    return {lv: _BLUES[round(first + (lv - 1) * step)] for lv in range(1, levels + 1)}


def text_on(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill`` (WCAG relative luminance)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    # Contrast against white vs against black: pick the larger.
    return "FFFFFF" if (1.05 / (luminance + 0.05)) > ((luminance + 0.05) / 0.05) else "000000"


def hex_colour(value: str) -> str:
    """``#RRGGBB`` for matplotlib."""
    return f"#{value}"

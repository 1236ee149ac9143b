"""Colours of the report, shared by its charts and its Word tables.

They match the desktop app (``ui/palette.py`` and ``ui/charts.py``): rating levels use one
sequential, colour-blind-safe scale (ColorBrewer "YlGnBu"), light to dark as the level
rises, picked the same way; an unrated area is never given a level colour. The benchmark
is drawn in neutral greys behind the district, whose scores are the darkest ink on the
page, so the eye finds the district first.
"""

from __future__ import annotations

# ColorBrewer YlGnBu, 9 classes, lightest first (colour-blind safe, prints in greyscale).
_YLGNBU = (
    "FFFFD9",
    "EDF8B1",
    "C7E9B4",
    "7FCDBB",
    "41B6C4",
    "1D91C0",
    "225EA8",
    "253494",
    "081D58",
)

DISTRICT = "225EA8"  # the district's scores: bars, lines and markers (the app's bar colour)
DISTRICT_TEXT = "081D58"  # values printed beside them
BENCHMARK_BAND = "D9D9D9"  # p25–p75 of the benchmark districts at the stage
BENCHMARK_MEDIAN = "404040"  # the benchmark median tick
MUTED_TEXT = "595959"
UNRATED_FILL = "FFFFFF"
UNRATED_PATTERN = "BFBFBF"  # thin diagonal hatching on white, never a level colour
GROUP_FILL = "DCE6F1"  # a group row inside a table (teachers, leaders)
HEADER_FILL = "3F3F3F"  # category headers of the board: dark neutral, never a level colour


def level_fills(levels: int) -> dict[int, str]:
    """Fill colour (hex, no ``#``) for each rating level 1..``levels``, light to dark,
    skipping the near-white end (as the app's board does).

    >>> level_fills(4)
    {1: 'EDF8B1', 2: '7FCDBB', 3: '225EA8', 4: '081D58'}
    """
    if levels < 1:
        return {}
    if levels == 1:
        return {1: _YLGNBU[4]}
    first, last = 1, len(_YLGNBU) - 1
    step = (last - first) / (levels - 1)
    return {lv: _YLGNBU[round(first + (lv - 1) * step)] for lv in range(1, levels + 1)}


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

"""The national report's strip chart, drawn with Pillow.

Every district of a stage is a dot on the score axis (jittered vertically, the same way
every time), over the stage's middle half shaded and its median marked. It is drawn with
Pillow (which matplotlib itself depends on) rather than matplotlib: importing matplotlib
costs a second or more, most of ``hq report``'s budget on a national store (SPEC §14),
for a chart of dots, a band, a line and an axis. Shapes are drawn three times larger and
scaled down, so dots and lines are smooth; text is drawn at the final size.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

LOW, HIGH = 200, 1000  # the Onpoint score's range: the axis
TICKS = range(LOW, HIGH + 1, 100)
DOT = (0x2B, 0x5F, 0xA6)
BAND = (0xD9, 0xD9, 0xD9)
INK = (0x33, 0x33, 0x33)
WIDTH, HEIGHT = 945, 240  # 6.3 × 1.6 inches at 150 dpi
LEFT, RIGHT = 40, 905  # the axis' ends, with room for the end labels' halves
TOP, AXIS = 24, 168  # the dots' area, above the axis line
SCALE = 3  # shapes are drawn this many times larger, then scaled down (smooth edges)


def strip_chart(
    totals: Sequence[float],
    middle: tuple[float, float, float] | None,
    label: str,
) -> bytes:
    """A PNG of ``totals`` as dots on the 200–1,000 axis; ``middle``: (p25, median, p75)
    of the stage, shaded and marked; ``label`` under the axis."""
    from PIL import Image, ImageDraw, ImageFont

    big = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), "white")
    draw = ImageDraw.Draw(big, "RGBA")  # RGBA: see-through colours blend where they pile up
    if middle is not None:
        low, median, high = (_x(value) * SCALE for value in middle)
        draw.rectangle((low, TOP * SCALE, high, AXIS * SCALE), fill=BAND)
        draw.line((median, TOP * SCALE, median, AXIS * SCALE), fill=INK, width=3 * SCALE)
    many = len(totals) >= 200
    radius = (2.0 if many else 4.4) * SCALE
    colour = (*DOT, 90 if many else 204)
    rng = random.Random(len(totals))  # the same jitter every time
    middle_y, spread = (TOP + AXIS) / 2, (AXIS - TOP) / 2 - 12
    for total in totals:
        x, y = _x(total) * SCALE, (middle_y + rng.uniform(-1, 1) * spread) * SCALE
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    image = big.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=19)
    draw.line((LEFT, AXIS, RIGHT, AXIS), fill=INK, width=2)
    for tick in TICKS:
        x = _x(tick)
        draw.line((x, AXIS, x, AXIS + 6), fill=INK, width=2)
        draw.text((x, AXIS + 9), f"{tick:,}", fill=INK, font=font, anchor="mt")
    draw.text((WIDTH / 2, AXIS + 40), label, fill=INK, font=font, anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(150, 150))
    return buffer.getvalue()


def _x(score: float) -> float:
    clamped = min(HIGH, max(LOW, score))
    return LEFT + (clamped - LOW) / (HIGH - LOW) * (RIGHT - LEFT)

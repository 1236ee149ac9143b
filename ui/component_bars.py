"""The components chart of the score panel, drawn natively with QPainter.

Each component is a horizontal bar on the 200–1,000 axis with the benchmark's p25–p75
band and median behind it, and the score's 90% interval as a whisker (SPEC §13); a
provisional score is hatched and its number starred. A
rating change only hands the widget seven new rows and asks for a repaint: the axis,
names and bands come from a cached pixmap and only the bars and numbers are drawn, so the
panel repaints within a frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from onpoint_desktop.benchmark import Benchmark, Percentiles
from onpoint_desktop.scoring import RoundScore
from ui.palette import chart_bar_colour, text_on

BAND_ALPHA = 70  # of 255: the benchmark band behind the bars
TICK_STEP = 200
NAME_SHARE = 0.36  # at most this share of the width for the component names


@dataclass(frozen=True)
class BarRow:
    """One component as drawn: its score, benchmark band and median, and its label."""

    name: str
    score: float | None
    band: Percentiles | None
    provisional: bool
    other: float | None = None  # the score in the round compared with (a thin bar)
    ghost: float | None = None  # the score a rating being considered would give
    ci: tuple[float, float] | None = None  # the 90% interval, when it has a width

    @property
    def label(self) -> str:
        if self.score is None:
            return "no data"
        return f"{self.score:.0f}{'*' if self.provisional else ''}"


def bar_rows(
    score: RoundScore,
    benchmark: Benchmark,
    other: RoundScore | None = None,
    ghost: dict[str, float | None] | None = None,
) -> list[BarRow]:
    """The bars of a round's components; with ``other``, the compared round's beside them;
    with ``ghost``, the scores of a what-if preview."""
    return [
        BarRow(
            c.name,
            c.score,
            benchmark.percentiles(score.stage, c.id),
            c.provisional,
            other.value(c.id) if other is not None else None,
            ghost.get(c.id) if ghost is not None and ghost.get(c.id) != c.score else None,
            c.ci if c.se else None,
        )
        for c in score.components
    ]


class ComponentBars(QWidget):
    """Seven bars against their benchmark bands; ``show`` them, the widget repaints."""

    def __init__(self, names: list[str], score_range: tuple[float, float], parent=None):
        super().__init__(parent)
        self.lo, self.hi = score_range
        self.rows: list[BarRow] = [BarRow(n, None, None, False) for n in names]
        self._static: tuple[tuple, QPixmap] | None = None
        self._names: tuple[tuple | None, float] = (None, 0.0)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it paints every pixel
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(150)
        self.setAccessibleName("Component scores against the benchmark")

    def sizeHint(self) -> QSize:
        return QSize(480, 230)

    def show_rows(self, rows: list[BarRow]) -> None:
        if rows == self.rows:
            return
        self.rows = rows
        self.setAccessibleDescription(
            "; ".join(
                f"{r.name} {r.label}"
                + (f" (90% interval {r.ci[0]:.0f}–{r.ci[1]:.0f})" if r.ci else "")
                + (
                    f" (benchmark {r.band.p25:.0f}–{r.band.p75:.0f}, median {r.band.p50:.0f})"
                    if r.band
                    else ""
                )
                for r in rows
            )
        )
        self.update()

    # --- geometry --------------------------------------------------------------------------

    def plot_area(self) -> QRectF:
        """Where the bars go: right of the names, above the axis labels."""
        metrics = QFontMetricsF(self.font())
        names = self._names_width(metrics)
        left = min(names + 12, self.width() * NAME_SHARE)
        right = metrics.horizontalAdvance(f"{self.hi:,.0f}") / 2 + 4  # room for the last tick
        bottom = metrics.height() + 6
        return QRectF(
            left, 4, max(self.width() - left - right, 10), max(self.height() - 4 - bottom, 10)
        )

    def _names_width(self, metrics: QFontMetricsF) -> float:
        key = (self.font().key(), tuple(r.name for r in self.rows))
        if self._names[0] != key:
            self._names = (
                key,
                max((metrics.horizontalAdvance(r.name) for r in self.rows), default=0),
            )
        return self._names[1]

    def x_of(self, value: float, area: QRectF) -> float:
        share = (min(max(value, self.lo), self.hi) - self.lo) / (self.hi - self.lo)
        return area.left() + share * area.width()

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._background())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        ink = pal.windowText().color()
        bar_colour = chart_bar_colour(pal.window().color())
        area = self.plot_area()
        metrics = QFontMetricsF(self.font())
        pitch = area.height() / max(len(self.rows), 1)
        height = max(pitch * 0.42, 4)
        for i, row in enumerate(self.rows):
            centre = area.top() + (i + 0.5) * pitch
            if row.score is not None:
                end = self.x_of(row.score, area)
                bar = QRectF(area.left(), centre - height / 2, end - area.left(), height)
                if row.provisional:
                    painter.fillRect(bar, QBrush(bar_colour, Qt.BrushStyle.BDiagPattern))
                    painter.setPen(QPen(bar_colour, 1.2))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(bar)
                else:
                    painter.fillRect(bar, bar_colour)
            if row.other is not None:  # the compared round: a thin outlined bar below
                then = QRectF(
                    area.left(),
                    centre + height / 2 + 1,
                    self.x_of(row.other, area) - area.left(),
                    max(height * 0.35, 2),
                )
                painter.setPen(QPen(ink, 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(then)
            if row.ghost is not None:  # what-if: a dashed ghost of the bar it would be
                ghost = QRectF(
                    area.left(),
                    centre - height / 2 - 2,
                    self.x_of(row.ghost, area) - area.left(),
                    height + 4,
                )
                shade = QColor(pal.highlight().color())
                shade.setAlpha(70)
                painter.fillRect(ghost, shade)
                painter.setPen(QPen(pal.highlight().color(), 2, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(ghost)
            if row.ci is not None:
                self._paint_whisker(painter, row.ci, area, centre, height, ink)
            self._paint_label(painter, row, area, centre, metrics, ink)
        painter.end()

    def _background(self) -> QPixmap:
        """What changes only with the size, the palette or the benchmark: the axis, the
        names, the bands and medians; painted once into a pixmap and reused."""
        ratio = self.devicePixelRatioF()
        key = (
            self.width(),
            self.height(),
            ratio,
            self.palette().cacheKey(),
            self.font().key(),
            tuple((r.name, r.band) for r in self.rows),
        )
        if self._static is not None and self._static[0] == key:
            return self._static[1]
        pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pal = self.palette()
        pixmap.fill(pal.window().color())
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        ink, grid = pal.windowText().color(), pal.mid().color()
        area = self.plot_area()
        metrics = QFontMetricsF(self.font())
        # The axis: a grid line and a label every 200 points.
        for value in range(int(self.lo), int(self.hi) + 1, TICK_STEP):
            x = self.x_of(value, area)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
            painter.setPen(ink)
            text = f"{value:,}"
            width = metrics.horizontalAdvance(text)
            painter.drawText(QPointF(x - width / 2, area.bottom() + metrics.ascent() + 3), text)
        painter.setPen(QPen(grid, 1.2))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        pitch = area.height() / max(len(self.rows), 1)
        band_fill = QColor(grid)
        band_fill.setAlpha(BAND_ALPHA)
        median_pen = QPen(ink, 2)
        median_pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        for i, row in enumerate(self.rows):
            top = area.top() + i * pitch
            # The name, right-aligned against the plot, elided if the panel is narrow.
            name_box = QRectF(0, top, area.left() - 8, pitch)
            painter.setPen(ink)
            name = metrics.elidedText(row.name, Qt.TextElideMode.ElideRight, name_box.width())
            painter.drawText(
                name_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
            )
            if row.band is not None:
                x25, x75 = self.x_of(row.band.p25, area), self.x_of(row.band.p75, area)
                painter.fillRect(
                    QRectF(x25, top + pitch * 0.08, x75 - x25, pitch * 0.84), band_fill
                )
                x50 = self.x_of(row.band.p50, area)
                painter.setPen(median_pen)
                painter.drawLine(QPointF(x50, top + pitch * 0.08), QPointF(x50, top + pitch * 0.92))
        painter.end()
        self._static = (key, pixmap)
        return pixmap

    def _paint_whisker(self, painter, ci, area: QRectF, centre: float, height: float, ink):
        """The 90% interval: a line across the bar's end with a cap at each end."""
        low, high = self.x_of(ci[0], area), self.x_of(ci[1], area)
        cap = height * 0.45
        painter.setPen(QPen(ink, 1.2))
        painter.drawLine(QPointF(low, centre), QPointF(high, centre))
        for x in (low, high):
            painter.drawLine(QPointF(x, centre - cap), QPointF(x, centre + cap))

    def _paint_label(self, painter, row: BarRow, area: QRectF, centre: float, metrics, ink) -> None:
        """The number after the bar and its band (never on the median tick); inside the
        bar's end when there is no room on the right."""
        text = row.label
        if row.ghost is not None:
            text += f" → {row.ghost:.0f}"
        elif row.other is not None and row.score is not None:
            text += f" ({row.score - row.other:+.0f})"
        width = metrics.horizontalAdvance(text)
        if row.score is None:
            x = area.left() + 6
        else:
            end = max(
                row.score,
                row.band.p75 if row.band else row.score,
                row.ghost or 0,
                row.other or 0,
                row.ci[1] if row.ci else 0,
            )
            x = self.x_of(end, area) + 6
            if x + width > area.right():
                x = self.x_of(row.score, area) - width - 6
                if row.provisional:
                    # on the hatching: a backing keeps the number readable
                    backing = QRectF(
                        x - 2, centre - metrics.height() / 2, width + 4, metrics.height()
                    )
                    painter.fillRect(backing, self.palette().window())
        painter.setPen(
            ink if row.score is None or x > self.x_of(row.score, area) else self._on_bar(row)
        )
        painter.drawText(QPointF(x, centre + (metrics.ascent() - metrics.descent()) / 2), text)

    def _on_bar(self, row: BarRow) -> QColor:
        if row.provisional:
            return self.palette().windowText().color()
        return text_on(chart_bar_colour(self.palette().window().color()))

"""The trend across rounds in the score panel, drawn natively with QPainter.

One series (the total or a component) across rounds. Behind each round stands the
benchmark of that round's stage, where the benchmark has it: its p25–p75 band and its
median. A provisional round (``RoundScore.provisional``: some component lacks expert
ratings or surveys) is drawn hollow, its number starred, and joined by a dashed line, so a
partial round never reads like a finished one. The legend lists exactly what is drawn.
Painting is a few QPainter calls, so the panel redraws it within a frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from onpoint_desktop.benchmark import Percentiles
from ui.palette import chart_bar_colour

GRID_STEP = 100
BAND_HALF_WIDTH = 0.3  # of the distance between two rounds
BAND_ALPHA = 90
MARK_RADIUS = 4.5


@dataclass(frozen=True)
class TrendPoint:
    """One round on the trend chart: its label, the score, its stage's benchmark, and
    whether the score is provisional."""

    label: str
    score: float | None
    percentiles: Percentiles | None
    provisional: bool = False
    ci: tuple[float, float] | None = None  # the 90% interval, when it has a width
    previous: Percentiles | None = None  # the previous benchmark's, when compared

    @property
    def value_label(self) -> str:
        return "" if self.score is None else f"{self.score:.0f}{'*' if self.provisional else ''}"


class TrendChart(QWidget):
    """The series across rounds; ``show_points`` hands it new points and it repaints."""

    def __init__(self, score_range: tuple[float, float], parent: QWidget | None = None):
        super().__init__(parent)
        self.lo, self.hi = score_range
        self.points: list[TrendPoint] = []
        self.title = ""
        self.benchmarks: tuple[str, str] | None = None  # (new, previous) names when compared
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(150)
        self.setAccessibleName("Score across rounds")

    def sizeHint(self) -> QSize:
        return QSize(480, 300)

    def show_points(
        self, points: list[TrendPoint], title: str, benchmarks: tuple[str, str] | None = None
    ) -> None:
        """Show ``points``; with ``benchmarks`` (the new and the previous benchmark's names
        and dates) each round's previous median is drawn too, dashed."""
        if points == self.points and title == self.title and benchmarks == self.benchmarks:
            return
        self.points = list(points)
        self.title = title
        self.benchmarks = benchmarks
        self.setAccessibleDescription(
            "; ".join(
                f"{p.label.replace(chr(10), ' ')}: {p.value_label or 'no score'}"
                + (
                    f" (benchmark {p.percentiles.p25:.0f}–{p.percentiles.p75:.0f}, "
                    f"median {p.percentiles.p50:.0f})"
                    if p.percentiles
                    else ""
                )
                for p in points
            )
        )
        self.update()

    # --- what is drawn where (also what the tests look at) ---------------------------------

    def legend_items(self) -> list[str]:
        items = [self.title or "Score"]
        if any(p.provisional and p.score is not None for p in self.points):
            items.append("Provisional (*)")
        if any(p.percentiles or p.previous for p in self.points):
            items.append("Benchmark p25–p75")
            if self.benchmarks is None:
                items.append("Benchmark median")
            else:
                items += [f"Median: {self.benchmarks[0]}", f"Median: {self.benchmarks[1]}"]
        return items

    def plot_area(self) -> QRectF:
        metrics = QFontMetricsF(self.font())
        left = metrics.horizontalAdvance(f"{self.hi:,.0f}") + 10
        top = metrics.height() * (2.2 + self._legend_rows(metrics) - 1)  # legend, top label
        bottom = metrics.height() * 2 + 8  # round and stage under each point
        return QRectF(
            left, top, max(self.width() - left - 10, 10), max(self.height() - top - bottom, 10)
        )

    def _legend_rows(self, metrics: QFontMetricsF) -> int:
        """How many rows the legend takes at this width (as ``_paint_legend`` wraps it)."""
        x, rows = 8.0, 1
        for item in self.legend_items():
            width = 22 + 5 + metrics.horizontalAdvance(item)
            if x > 8 and x + width > self.width() - 4:
                x, rows = 8.0, rows + 1
            x += width + 14
        return rows

    def x_of(self, index: int, area: QRectF | None = None) -> float:
        area = area or self.plot_area()
        slot = area.width() / max(len(self.points), 1)
        return area.left() + slot * (index + 0.5)

    def y_of(self, value: float, area: QRectF | None = None) -> float:
        area = area or self.plot_area()
        share = (min(max(value, self.lo), self.hi) - self.lo) / (self.hi - self.lo)
        return area.bottom() - share * area.height()

    def point_at(self, index: int) -> QPointF | None:
        """Where round ``index``'s score is drawn (None when it has none)."""
        score = self.points[index].score
        return None if score is None else QPointF(self.x_of(index), self.y_of(score))

    def band_rect(self, index: int) -> QRectF | None:
        """Where round ``index``'s benchmark band is drawn (None when there is none)."""
        pct = self.points[index].percentiles
        if pct is None:
            return None
        area = self.plot_area()
        half = area.width() / max(len(self.points), 1) * BAND_HALF_WIDTH
        x = self.x_of(index, area)
        top, bottom = self.y_of(pct.p75, area), self.y_of(pct.p25, area)
        return QRectF(x - half, top, 2 * half, bottom - top)

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        pal = self.palette()
        background = pal.window().color()
        painter.fillRect(self.rect(), background)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink, grid = pal.windowText().color(), pal.mid().color()
        line = chart_bar_colour(background)
        metrics = QFontMetricsF(self.font())
        area = self.plot_area()
        self._paint_axes(painter, area, metrics, ink, grid)
        band_fill = QColor(grid)
        band_fill.setAlpha(BAND_ALPHA)
        median_pen = QPen(ink, 1.6)
        median_pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        for index, point in enumerate(self.points):
            rect = self.band_rect(index)
            if rect is not None:
                painter.fillRect(rect, band_fill)
                y = self.y_of(point.percentiles.p50, area)
                painter.setPen(median_pen)
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            if point.previous is not None and self.benchmarks:  # drawn with or without a band
                half = area.width() / max(len(self.points), 1) * BAND_HALF_WIDTH
                x, y = self.x_of(index, area), self.y_of(point.previous.p50, area)
                painter.setPen(QPen(ink, 1.4, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(x - half, y), QPointF(x + half, y))
        self._paint_series(painter, area, metrics, ink, line, background)
        self._paint_legend(painter, metrics, ink, grid, line, background)
        painter.end()

    def _paint_axes(self, painter, area: QRectF, metrics, ink, grid) -> None:
        painter.setPen(QPen(grid, 1))
        for value in range(int(self.lo), int(self.hi) + 1, GRID_STEP):
            y = self.y_of(value, area)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(ink)
            text = f"{value:,}"
            painter.drawText(
                QPointF(
                    area.left() - 6 - metrics.horizontalAdvance(text), y + metrics.ascent() / 2 - 1
                ),
                text,
            )
        painter.setPen(ink)
        for index, point in enumerate(self.points):
            x = self.x_of(index, area)
            for line_no, text in enumerate(point.label.split("\n")):
                width = metrics.horizontalAdvance(text)
                baseline = area.bottom() + 4 + metrics.ascent() + line_no * metrics.height()
                painter.drawText(QPointF(x - width / 2, baseline), text)

    def _paint_series(self, painter, area: QRectF, metrics, ink, line, background) -> None:
        solid = QPen(line, 2.2)
        dashed = QPen(line, 1.8, Qt.PenStyle.DashLine)
        for index in range(1, len(self.points)):
            a, b = self.points[index - 1], self.points[index]
            start, end = self.point_at(index - 1), self.point_at(index)
            if start is None or end is None:
                continue
            painter.setPen(dashed if a.provisional or b.provisional else solid)
            painter.drawLine(start, end)
        for index, point in enumerate(self.points):
            centre = self.point_at(index)
            if centre is None:
                continue
            if point.ci is not None:  # the 90% interval as a whisker
                painter.setPen(QPen(ink, 1.2))
                low, high = self.y_of(point.ci[0], area), self.y_of(point.ci[1], area)
                painter.drawLine(QPointF(centre.x(), low), QPointF(centre.x(), high))
                for y in (low, high):
                    painter.drawLine(QPointF(centre.x() - 4, y), QPointF(centre.x() + 4, y))
            painter.setPen(QPen(line, 2))
            painter.setBrush(background if point.provisional else line)
            painter.drawEllipse(centre, MARK_RADIUS, MARK_RADIUS)
            painter.setPen(ink)
            text = point.value_label
            width = metrics.horizontalAdvance(text)
            top = centre.y() if point.ci is None else min(centre.y(), self.y_of(point.ci[1], area))
            painter.drawText(QPointF(centre.x() - width / 2, top - MARK_RADIUS - 5), text)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_legend(self, painter, metrics, ink, grid, line, background) -> None:
        x, y = 8.0, metrics.height() * 0.8
        band_fill = QColor(grid)
        band_fill.setAlpha(BAND_ALPHA)
        for item in self.legend_items():
            width = 22 + 5 + metrics.horizontalAdvance(item)
            if x > 8 and x + width > self.width() - 4:  # wrap: two benchmarks' names are long
                x, y = 8.0, y + metrics.height()
            sample = QRectF(x, y - 5, 22, 10)
            if item == "Benchmark p25–p75":
                painter.fillRect(sample, band_fill)
            elif item == "Benchmark median" or item.startswith("Median: "):
                dashed = self.benchmarks is not None and item == f"Median: {self.benchmarks[1]}"
                style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
                painter.setPen(QPen(ink, 1.4 if dashed else 1.6, style))
                painter.drawLine(QPointF(sample.left(), y), QPointF(sample.right(), y))
            else:
                provisional = item == "Provisional (*)"
                pen = QPen(
                    line, 1.8, Qt.PenStyle.DashLine if provisional else Qt.PenStyle.SolidLine
                )
                painter.setPen(pen)
                painter.drawLine(QPointF(sample.left(), y), QPointF(sample.right(), y))
                painter.setPen(QPen(line, 2))
                painter.setBrush(background if provisional else line)
                painter.drawEllipse(sample.center(), 3.5, 3.5)
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(ink)
            painter.drawText(QPointF(sample.right() + 5, y + metrics.ascent() / 2 - 1), item)
            x = sample.right() + 5 + metrics.horizontalAdvance(item) + 14

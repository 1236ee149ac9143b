"""The HQ window's dashboard: the core's national picture (``sync.hq_picture``) on screen.

Per stage: districts there now, coverage (with a round, complete), and the distribution
of totals (percentiles) beside a strip chart placing every district; trends between
rounds; the benchmark packs HQ built. Nothing is computed here.
"""

from __future__ import annotations

import random

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onpoint_desktop import framework
from onpoint_desktop.english import counted
from onpoint_desktop.sync.hq_calibration import CALIBRATED, Agreement
from onpoint_desktop.sync.hq_picture import NationalPicture, StageDistribution
from ui.palette import chart_bar_colour

DASH = "—"
STAGE_COLUMNS = (
    "Stage",
    "Districts now",
    "With a round",
    "Complete",
    "Placed",
    "10th",
    "25th",
    "Median",
    "75th",
    "90th",
)
PACK_COLUMNS = ("Benchmark pack", "Date", "Model", "Districts per stage")
AGREEMENT_COLUMNS = (
    "Consultants",
    "Rounds",
    "Areas both rated",
    "Exact",
    "Within one",
    "Kappa",
    "Widest disagreement",
)


ROWS_SHOWN = 8  # a table's rows shown at once (a national store has hundreds of pairs)


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setAccessibleName(name)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    shown = min(max(len(rows), 1), ROWS_SHOWN)  # more rows scroll inside the table
    if len(rows) > ROWS_SHOWN:
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height + shown * table.verticalHeader().defaultSectionSize())


class StripChart(QWidget):
    """Every district of each stage as a dot on the 200–1,000 axis, one row per stage,
    with the stage's middle half shaded and its median marked."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, StageDistribution]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)
        self.setAccessibleName("Distribution of totals per stage")

    def sizeHint(self) -> QSize:
        return QSize(700, 220)

    def show_distributions(self, rows: list[tuple[str, StageDistribution]]) -> None:
        self.rows = rows
        self.setAccessibleDescription(
            "; ".join(f"{label}: {counted(len(d.districts), 'district')}" for label, d in rows)
        )
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.window())
        ink, grid = pal.windowText().color(), pal.mid().color()
        dot = chart_bar_colour(pal.window().color())
        metrics = QFontMetricsF(self.font())
        left = max((metrics.horizontalAdvance(label) for label, _ in self.rows), default=0) + 16
        area = QRectF(left, 6, max(self.width() - left - 20, 10), self.height() - 30)

        def x_of(value: float) -> float:
            return area.left() + (min(max(value, 200), 1000) - 200) / 800 * area.width()

        for value in range(200, 1001, 200):
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x_of(value), area.top()), QPointF(x_of(value), area.bottom()))
            painter.setPen(ink)
            text = f"{value:,}"
            painter.drawText(
                QPointF(x_of(value) - metrics.horizontalAdvance(text) / 2, area.bottom() + 16),
                text,
            )
        pitch = area.height() / max(len(self.rows), 1)
        band = QColor(grid)
        band.setAlpha(90)
        dot.setAlpha(200 if sum(len(d.districts) for _, d in self.rows) < 500 else 60)
        for i, (label, dist) in enumerate(self.rows):
            top = area.top() + i * pitch
            painter.setPen(ink)
            painter.drawText(
                QRectF(0, top, left - 8, pitch),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            spread = dist.spreads.get("total")
            if spread is not None:
                painter.fillRect(
                    QRectF(
                        x_of(spread.p25), top + 3, x_of(spread.p75) - x_of(spread.p25), pitch - 6
                    ),
                    band,
                )
            rng = random.Random(i)  # the same jitter on every repaint
            points = QPolygonF(
                [
                    QPointF(x_of(p.total), top + pitch * (0.2 + 0.6 * rng.random()))
                    for p in dist.districts
                ]
            )
            few = len(dist.districts) < 500
            pen = QPen(dot, 7 if few else 3)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, few)
            painter.setPen(pen)
            painter.drawPoints(points)
            if spread is not None:
                painter.setPen(QPen(ink, 2))
                painter.drawLine(
                    QPointF(x_of(spread.p50), top + 2), QPointF(x_of(spread.p50), top + pitch - 2)
                )
        painter.end()


class Dashboard(QWidget):
    """The national picture: stages, distributions, trends, benchmark packs."""

    def __init__(self) -> None:
        super().__init__()
        # It scrolls as a whole: however many stages and pairs, the window keeps its size.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.stages = _table(STAGE_COLUMNS, "Districts, coverage and totals per stage")
        layout.addWidget(self.stages)
        self.chart = StripChart()
        layout.addWidget(self.chart, 1)
        self.trends = QLabel()
        self.trends.setObjectName("trends")
        self.trends.setWordWrap(True)
        layout.addWidget(self.trends)
        self.packs = _table(PACK_COLUMNS, "Benchmark packs built")
        layout.addWidget(self.packs)
        self.agreement_label = QLabel()
        self.agreement_label.setWordWrap(True)
        layout.addWidget(self.agreement_label)
        self.agreement = _table(AGREEMENT_COLUMNS, "Agreement of consultants")
        layout.addWidget(self.agreement)
        from ui.hq_calibration_view import CaseResults

        self.cases = CaseResults()  # calibration cases, against HQ's anchor
        layout.addWidget(self.cases)

    def show_agreement(self, found: tuple[Agreement, ...]) -> None:
        """Each pair of consultants who rated the same district and round (calibration)."""
        fw = framework.framework()
        self.agreement_label.setText(
            f"Calibration: {counted(len(found), 'pair')} of consultants rated the same "
            f"district and round; quadratic-weighted kappa {CALIBRATED:.2f} or more is "
            "calibrated."
            if found
            else "Calibration: no two consultants have rated the same district and round yet."
        )
        rows = []
        for g in found:
            kappa = DASH if g.kappa is None else f"{g.kappa:.2f}"
            if g.calibrated is False:
                kappa += " (not calibrated)"
            rows.append(
                [
                    f"{g.name_a} and {g.name_b}",
                    str(len(g.rounds)),
                    str(g.areas),
                    f"{100 * g.exact:.0f}%",
                    f"{100 * g.within_one:.0f}%",
                    kappa,
                    ", ".join(fw.areas[a].label for a, _ in g.widest[:3]) or DASH,
                ]
            )
        _fill(self.agreement, rows)

    def show_picture(self, picture: NationalPicture) -> None:
        fw = framework.framework()
        self.summary.setText(
            f"{counted(picture.districts, 'district')}, {counted(picture.rounds, 'round')}. "
            "A district is placed by its latest complete round; the percentiles are of "
            "the Onpoint score (total) at that stage."
        )
        coverage = {c.stage: c for c in picture.coverage}
        first = {}
        for dist in picture.distributions:  # the shipped model's first, as listed
            first.setdefault(dist.stage, dist)
        rows = []
        for stage, now in picture.per_stage.items():
            cov = coverage.get(stage)
            dist = first.get(stage)
            spread = dist.spreads.get("total") if dist else None
            cells = [DASH] * 5
            if spread is not None:
                cells = [
                    f"{v:,.0f}"
                    for v in (spread.p10, spread.p25, spread.p50, spread.p75, spread.p90)
                ]
            rows.append(
                [
                    fw.stage_label(stage),
                    f"{now:,}",
                    f"{cov.with_round:,}" if cov else DASH,
                    f"{cov.complete:,}" if cov else DASH,
                    f"{len(dist.districts):,}" if dist else "0",
                    *cells,
                ]
            )
        _fill(self.stages, rows)
        self.chart.show_distributions(
            [(f"{fw.stage_label(d.stage)} ({d.model_id})", d) for d in picture.distributions]
        )
        steps = [
            f"round {t.step} to {t.step + 1}: {t.districts:,} districts, median change "
            f"{t.median_change:+.1f}, {t.rising:,} rose"
            for t in picture.trends
            if t.median_change is not None
        ]
        self.trends.setText(
            "Trends — " + "; ".join(steps) if steps else "No district has two rounds yet."
        )
        _fill(
            self.packs,
            [
                [
                    p.name,
                    p.date,
                    p.model_id,
                    ", ".join(f"{fw.stage_label(s)} {n}" for s, n in p.n_per_stage.items()) or DASH,
                ]
                for p in picture.packs
            ],
        )

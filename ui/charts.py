"""Matplotlib charts of the score panel (imported only after the window is shown).

``ComponentChart`` draws each component as a horizontal bar on the 200–1,000 axis with
the benchmark's p25–p75 band and median behind it. Its artists are created once; an
update only moves them and asks for ``draw_idle``, so a rating change redraws within a
frame. ``TrendChart`` draws one series (the total or a component) across rounds against
each round's stage benchmark.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QSizePolicy

from onpoint_desktop.benchmark import Benchmark, Percentiles
from onpoint_desktop.scoring import RoundScore

BAR = "#225ea8"  # from the board's YlGnBu scale
BAND = "#8c8c8c"
FONT_SIZE = 8.5


@dataclass(frozen=True)
class ChartInk:
    """Colours taken from the Qt palette, so charts read in light and dark themes."""

    background: str
    text: str
    grid: str

    @classmethod
    def of(cls, palette: QPalette) -> ChartInk:
        window = palette.window().color()
        text = palette.windowText().color()
        grid = palette.mid().color()
        return cls(window.name(), text.name(), grid.name())


def _canvas(figure: Figure) -> FigureCanvasQTAgg:
    canvas = FigureCanvasQTAgg(figure)
    canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    canvas.setMinimumHeight(150)
    return canvas


def _style_axes(ax, ink: ChartInk) -> None:
    ax.set_facecolor(ink.background)
    ax.tick_params(colors=ink.text, labelsize=FONT_SIZE, length=2)
    for side, spine in ax.spines.items():
        spine.set_visible(side == "bottom")
        spine.set_color(ink.grid)
    ax.xaxis.label.set_color(ink.text)
    ax.yaxis.label.set_color(ink.text)


class ComponentChart:
    """Seven bars against their benchmark bands; cheap to update."""

    def __init__(self, names: list[str], score_range: tuple[float, float], ink: ChartInk):
        self.names = list(names)
        self.lo, self.hi = score_range
        self.figure = Figure(figsize=(5.0, 2.6), dpi=100, facecolor=ink.background)
        self.canvas = _canvas(self.figure)
        self.canvas.setAccessibleName("Component scores against the benchmark")
        ax = self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.30, right=0.97, top=0.97, bottom=0.11)
        n = len(names)
        self.rows = [n - 1 - i for i in range(n)]  # first component at the top
        self.bands, self.medians, self.bars, self.labels = [], [], [], []
        for y in self.rows:
            band = Rectangle((self.lo, y - 0.42), 0, 0.84, color=BAND, alpha=0.28, lw=0)
            bar = Rectangle((self.lo, y - 0.2), 0, 0.4, facecolor=BAR, edgecolor=BAR, lw=0.8)
            ax.add_patch(band)
            ax.add_patch(bar)
            (median,) = ax.plot([], [], lw=2.0, solid_capstyle="butt")
            label = ax.text(self.lo, y, "", va="center", fontsize=FONT_SIZE)
            self.bands.append(band)
            self.bars.append(bar)
            self.medians.append(median)
            self.labels.append(label)
        ax.set_xlim(self.lo, self.hi)
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_yticks(self.rows, [textwrap.fill(name, 22) for name in names])
        ax.set_xticks(range(int(self.lo), int(self.hi) + 1, 200))
        ax.grid(axis="x", lw=0.5, alpha=0.5)
        ax.set_axisbelow(True)
        self.set_ink(ink)
        self.canvas.mpl_connect("resize_event", lambda _event: self.fit_margins())
        self.fit_margins()

    def fit_margins(self) -> None:
        """Leave exactly enough room on the left for the component names."""
        renderer = self.canvas.get_renderer()
        names = max(t.get_window_extent(renderer).width for t in self.ax.get_yticklabels())
        width = self.figure.bbox.width or 1
        self.figure.subplots_adjust(left=min(0.6, (names + 10) / width), right=0.97)

    def set_ink(self, ink: ChartInk) -> None:
        self.ink = ink
        self.figure.set_facecolor(ink.background)
        _style_axes(self.ax, ink)
        self.ax.grid(axis="x", color=ink.grid, lw=0.5, alpha=0.5)
        for median in self.medians:
            median.set_color(ink.text)
        for label in self.labels:
            label.set_color(ink.text)
        self.canvas.draw_idle()

    def update(self, score: RoundScore, benchmark: Benchmark, min_n: int) -> None:
        """Move the artists to a new score and redraw at the next idle moment."""
        for i, comp in enumerate(score.components):
            y = self.rows[i]
            pct: Percentiles | None = benchmark.percentiles(score.stage, comp.id)
            band, median = self.bands[i], self.medians[i]
            band.set_visible(pct is not None)
            median.set_visible(pct is not None)
            if pct is not None:
                band.set_x(pct.p25)
                band.set_width(pct.p75 - pct.p25)
                median.set_data([pct.p50, pct.p50], [y - 0.42, y + 0.42])
            bar, label = self.bars[i], self.labels[i]
            provisional = comp.provisional
            bar.set_width((comp.score - self.lo) if comp.score is not None else 0)
            bar.set_facecolor("none" if provisional else BAR)
            bar.set_hatch("/////" if provisional else None)
            if comp.score is None:
                label.set_text("no data")
                label.set_x(self.lo + 8)
                label.set_ha("left")
            else:
                label.set_text(f"{comp.score:.0f}{'*' if provisional else ''}")
                # After the bar and its band, so the number never sits on the median tick.
                end = max(comp.score, pct.p75 if pct else comp.score)
                inside = end > self.hi - 70
                label.set_x(comp.score - 8 if inside else end + 8)
                label.set_ha("right" if inside else "left")
        self.canvas.draw_idle()


@dataclass(frozen=True)
class TrendPoint:
    """One round on the trend chart: its label, the score and its stage's benchmark."""

    label: str
    score: float | None
    percentiles: Percentiles | None


class TrendChart:
    """One series across rounds, with each round's stage band (p25–p75) and median."""

    def __init__(self, score_range: tuple[float, float], ink: ChartInk):
        self.lo, self.hi = score_range
        self.figure = Figure(figsize=(5.0, 2.6), dpi=100, facecolor=ink.background)
        self.canvas = _canvas(self.figure)
        self.canvas.setAccessibleName("Score across rounds")
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.1, right=0.97, top=0.93, bottom=0.2)
        self.ink = ink

    def set_ink(self, ink: ChartInk) -> None:
        self.ink = ink

    def update(self, points: list[TrendPoint], title: str) -> None:
        ax, ink = self.ax, self.ink
        ax.clear()
        self.figure.set_facecolor(ink.background)
        _style_axes(ax, ink)
        xs = list(range(len(points)))
        with_pct = [(x, p.percentiles) for x, p in enumerate(points) if p.percentiles]
        if with_pct:
            bx = [x for x, _ in with_pct]
            ax.fill_between(
                bx,
                [p.p25 for _, p in with_pct],
                [p.p75 for _, p in with_pct],
                color=BAND,
                alpha=0.28,
                lw=0,
                label="Benchmark p25–p75",
                step=None if len(bx) > 1 else "mid",
            )
            ax.plot(
                bx,
                [p.p50 for _, p in with_pct],
                ls="--",
                lw=1.2,
                color=ink.text,
                label="Benchmark median",
            )
        scored = [(x, p.score) for x, p in enumerate(points) if p.score is not None]
        if scored:
            ax.plot(
                [x for x, _ in scored],
                [s for _, s in scored],
                marker="o",
                lw=2,
                color=BAR,
                label=title,
            )
            for x, s in scored:
                ax.annotate(
                    f"{s:.0f}",
                    (x, s),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=FONT_SIZE,
                    color=ink.text,
                )
        ax.set_xticks(xs, [p.label for p in points])
        ax.set_xlim(-0.5, max(len(points) - 0.5, 0.5))
        ax.set_ylim(self.lo, self.hi)
        ax.grid(axis="y", color=ink.grid, lw=0.5, alpha=0.5)
        ax.set_axisbelow(True)
        legend = ax.legend(loc="upper left", fontsize=FONT_SIZE - 0.5, frameon=False, ncols=3)
        for text in legend.get_texts():
            text.set_color(ink.text)
        self.canvas.draw_idle()

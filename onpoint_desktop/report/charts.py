"""The report's charts, rendered with matplotlib (Agg, no pyplot) to PNG in memory.

matplotlib is imported only when a chart is drawn, so opening the app or the CLI never
pays for it. Each chart is drawn once per report. The district is the darkest ink; the
benchmark sits behind it as a light grey p25–p75 band with a dark median tick.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import TYPE_CHECKING

from onpoint_desktop.report import palette
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.wording import score_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 220  # print resolution at the size the charts are placed in the document
WIDTH_IN = 6.5  # text width of the page
FONT = "DejaVu Sans"  # ships with matplotlib: no system font lookup
DISTRICT = palette.hex_colour(palette.DISTRICT)
DISTRICT_TEXT = palette.hex_colour(palette.DISTRICT_TEXT)
BAND = palette.hex_colour(palette.BENCHMARK_BAND)
MEDIAN = palette.hex_colour(palette.BENCHMARK_MEDIAN)
MUTED = palette.hex_colour(palette.MUTED_TEXT)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _style(ax: Axes, *, grid_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(MUTED)
    ax.spines["bottom"].set_color(MUTED)
    ax.tick_params(colors="#333333", labelsize=8, length=3)
    ax.grid(axis=grid_axis, color="#E6E6E6", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)


def _legend_handles(stage_text: str) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [
        Line2D([], [], color=DISTRICT, linewidth=6, label="District score"),
        Patch(facecolor=BAND, label=f"Middle half of benchmark districts{stage_text}"),
        Line2D([], [], color=MEDIAN, linewidth=2, label="Benchmark median"),
    ]


def components_chart(content: ReportContent) -> bytes:
    """The total and the seven components as bars on the score axis, each in front of the
    stage benchmark's p25–p75 band and median."""
    model, score = content.model, content.score
    rows = [("Onpoint score", score.total, content.percentiles("total"))]
    rows += [(c.name, c.score, content.percentiles(c.id)) for c in score.components]
    fig = _figure(WIDTH_IN, 0.36 * len(rows) + 1.25)
    ax = fig.add_axes((0.3, 0.2, 0.63, 0.76))
    lo, hi = model.score_min, model.score_max
    for y, (_, value, pct) in enumerate(rows):
        if pct is not None:
            ax.barh(y, pct.p75 - pct.p25, left=pct.p25, height=0.78, color=BAND, zorder=1)
            ax.plot([pct.p50] * 2, [y - 0.39, y + 0.39], color=MEDIAN, linewidth=2, zorder=4)
        if value is None:
            ax.text(
                lo + 10,
                y,
                "no results yet",
                va="center",
                fontsize=8,
                color=MUTED,
                style="italic",
                zorder=5,
            )
            continue
        ax.barh(y, value - lo, left=lo, height=0.38, color=DISTRICT, zorder=3)
        # The value sits clear of the benchmark band so neither hides the other.
        ax.text(
            max(value, pct.p75 if pct else value) + 10,
            y,
            score_text(value),
            va="center",
            fontsize=8,
            color=DISTRICT_TEXT,
            fontweight="bold",
            zorder=5,
            clip_on=False,
        )
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8.5)
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.axhline(0.5, color=MUTED, linewidth=0.6)
    ax.set_ylim(len(rows) - 0.5, -0.6)
    ax.set_xlim(lo, hi)
    ax.set_xticks(range(int(lo), int(hi) + 1, 100))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    _style(ax, grid_axis="x")
    ax.tick_params(axis="y", length=0)
    stage = f" at {content.stage_label}" if content.stage_benchmark else ""
    fig.legend(
        handles=_legend_handles(stage),
        loc="lower center",
        ncol=3,
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )
    return _png(fig)


def _round_axis(content: ReportContent) -> list[str]:
    return [f"{r.round.label}\n{content.stage_label_of(r.round.stage)}" for r in content.history]


def _score_limits(content: ReportContent, keys: list[str]) -> tuple[float, float]:
    """A shared y range covering every score and benchmark band shown, in steps of 50."""
    values: list[float] = []
    for result in content.history:
        for key in keys:
            value = result.score.value(key)
            if value is not None:
                values.append(value)
            pct = result.score.benchmark.percentiles(result.round.stage, key)
            if pct is not None:
                values += [pct.p25, pct.p75]
    lo, hi = content.model.score_min, content.model.score_max
    if not values:
        return lo, hi
    return (
        max(lo, math.floor((min(values) - 30) / 50) * 50),
        min(hi, math.ceil((max(values) + 30) / 50) * 50),
    )


def _trend(ax: Axes, content: ReportContent, key: str, *, labels: bool, width: float) -> None:
    """Benchmark band and median per round (each at its own stage), then the district line."""
    xs, ys = [], []
    for x, result in enumerate(content.history):
        pct = result.score.benchmark.percentiles(result.round.stage, key)
        if pct is not None:
            ax.bar(x, pct.p75 - pct.p25, bottom=pct.p25, width=width, color=BAND, zorder=1)
            ax.plot(
                [x - width / 2, x + width / 2], [pct.p50] * 2, color=MEDIAN, linewidth=1.6, zorder=2
            )
        value = result.score.value(key)
        xs.append(x)
        ys.append(math.nan if value is None else value)
    ax.plot(xs, ys, color=DISTRICT, linewidth=2, marker="o", markersize=4, zorder=3)
    if labels:
        for x, y in zip(xs, ys, strict=True):
            if not math.isnan(y):
                ax.annotate(
                    score_text(y),
                    (x, y),
                    xytext=(0, 7),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7.5,
                    color=DISTRICT_TEXT,
                    fontweight="bold",
                )
    ax.set_xlim(-0.6, len(xs) - 0.4)


def total_trend_chart(content: ReportContent) -> bytes:
    """The Onpoint score across rounds, each round against its own stage's benchmark."""
    fig = _figure(WIDTH_IN, 2.9)
    ax = fig.add_axes((0.09, 0.3, 0.88, 0.66))
    _trend(ax, content, "total", labels=True, width=0.42)
    ax.set_xticks(range(len(content.history)), _round_axis(content), fontsize=8)
    ax.set_ylim(*_score_limits(content, ["total"]))
    ax.set_ylabel("Onpoint score", fontsize=8, color="#333333")
    _style(ax, grid_axis="y")
    _trend_legend(fig)
    return _png(fig)


def _trend_legend(fig) -> None:
    """The legend of the trend charts, centred under them."""
    fig.legend(
        handles=_legend_handles(" at each round's stage"),
        loc="lower center",
        ncol=3,
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )


def component_trend_chart(content: ReportContent) -> bytes:
    """One small panel per component across rounds, on a shared score axis."""
    components = content.score.components
    cols = 4
    rows = math.ceil(len(components) / cols)
    panel_in, legend_in = 1.85, 0.45
    height = panel_in * rows + legend_in
    fig = _figure(WIDTH_IN, height)
    grid = fig.add_gridspec(
        rows,
        cols,
        left=0.08,
        right=0.99,
        top=1 - 0.3 / height,
        bottom=(legend_in + 0.45) / height,
        wspace=0.12,
        hspace=0.95,
    )
    limits = _score_limits(content, [c.id for c in components])
    short = [r.round.label for r in content.history]
    first = None
    for index, comp in enumerate(components):
        ax = fig.add_subplot(grid[index // cols, index % cols], sharey=first)
        first = first or ax
        _trend(ax, content, comp.id, labels=False, width=0.5)
        ax.set_title("\n".join(textwrap.wrap(comp.name, 24)), fontsize=8, color="#222222", pad=4)
        ax.set_xticks(
            range(len(short)), short, fontsize=6.5, rotation=45, ha="right", rotation_mode="anchor"
        )
        ax.set_ylim(*limits)
        _style(ax, grid_axis="y")
        ax.tick_params(axis="y", labelsize=7)
        if index % cols:
            ax.tick_params(axis="y", labelleft=False)
    _trend_legend(fig)
    return _png(fig)

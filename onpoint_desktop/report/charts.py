"""The report's charts, rendered with matplotlib (Agg, no pyplot) to PNG in memory.

matplotlib is imported only when a chart is drawn, so opening the app or the CLI never
pays for it. Each chart is drawn once per report, in the body's type family (Carlito,
metric-compatible with Calibri, shipped in ``resources/fonts``), and comes with its
alternative text. The district is the darkest ink; the benchmark sits behind it as a
light grey p25–p75 band with a dark median tick. Provisional scores (the core's
``provisional``) are drawn hollow or hatched and say so in the legend.

Nothing is clipped or struck through: values at 200 or 1,000 keep their labels inside
the figure, and a value label never sits on a median line (``tests/test_report_charts``
checks both with the renderer's own measurements).
"""

from __future__ import annotations

import contextlib
import io
import math
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onpoint_desktop.report import palette
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.wording import benchmark_words, score_text
from onpoint_desktop.resources import resources_dir

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 220  # print resolution at the size the charts are placed in the document
WIDTH_IN = 6.5  # text width of the page
FONT = "Carlito"
FONT_FILES = ("Carlito-Regular.ttf", "Carlito-Bold.ttf")
DISTRICT = palette.hex_colour(palette.DISTRICT)
DISTRICT_TEXT = palette.hex_colour(palette.DISTRICT_TEXT)
BAND = palette.hex_colour(palette.BENCHMARK_BAND)
MEDIAN = palette.hex_colour(palette.BENCHMARK_MEDIAN)
MUTED = palette.hex_colour(palette.MUTED_TEXT)
INK = "#333333"
LABEL_GAP_PT = 5  # between a point and its value label

# gids the layout tests look for
VALUE_LABEL, MEDIAN_LINE = "value-label", "median"


@dataclass(frozen=True)
class LegendEntry:
    """One key of a chart's legend: a symbol in a colour (hex, no '#') and its words."""

    symbol: str
    colour: str
    label: str


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, its size in inches, how many panels it has (for
    the bench's like-for-like baseline), its alternative text and its legend.

    The legend is set as text under the picture, not drawn in it: a screen reader reads
    it, a test reads it back, and Word sets it in the body font."""

    png: bytes
    width: float
    height: float
    panels: int
    alt: str
    legend: tuple[LegendEntry, ...] = ()


_fonts_registered = False


@contextlib.contextmanager
def chart_style() -> Iterator[None]:
    """Charts are built and saved inside this: the body's family, our sizes."""
    import matplotlib

    global _fonts_registered
    if not _fonts_registered:
        from matplotlib import font_manager

        for name in FONT_FILES:
            font_manager.fontManager.addfont(str(resources_dir() / "fonts" / name))
        _fonts_registered = True
    with matplotlib.rc_context(
        {
            "font.family": FONT,
            "font.size": 8,
            "axes.unicode_minus": True,
            # The house style as defaults, so no axes pays for restyling itself.
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": MUTED,
            "axes.grid": True,
            "axes.grid.axis": "y",
            "axes.axisbelow": True,
            "grid.color": "#E6E6E6",
            "grid.linewidth": 0.6,
            "xtick.color": INK,
            "ytick.color": INK,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "xtick.major.size": 3,
            "ytick.major.size": 3,
        }
    ):
        yield


def _grid_axis(axis: str):
    """Gridlines along ``axis`` for the axes created inside."""
    import matplotlib

    return matplotlib.rc_context({"axes.grid.axis": axis})


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


def render(
    figure: Figure, alt: str, legend: tuple[LegendEntry, ...] = (), panels: int = 1
) -> Chart:
    width, height = figure.get_size_inches()
    return Chart(_png(figure), float(width), float(height), panels, alt, legend)


def _rectangles(ax: Axes, boxes: list[tuple[float, float, float, float]], **style) -> None:
    """Filled rectangles (x0, y0, x1, y1) as one collection: a bar chart without the
    cost of one patch and one autoscale per bar."""
    from matplotlib.collections import PolyCollection

    verts = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, y0, x1, y1 in boxes]
    ax.add_collection(PolyCollection(verts, **style), autolim=False)


def _segments(ax: Axes, segments: list[tuple[tuple[float, float], tuple[float, float]]], **style):
    from matplotlib.collections import LineCollection

    lines = LineCollection(segments, **style)
    ax.add_collection(lines, autolim=False)
    return lines


def _line(ax: Axes, xs, ys, **style) -> None:
    from matplotlib.lines import Line2D

    ax.add_line(Line2D(xs, ys, **style))


def _legend_entries(
    content: ReportContent, where: str, *, provisional: str | None, median_symbol: str
) -> tuple[LegendEntry, ...]:
    """The legend, illustrative when the benchmark is. ``provisional``: ``bar`` or
    ``point`` when some score shown is provisional."""
    bm = benchmark_words(content)
    entries = [LegendEntry("■", palette.DISTRICT, "District score")]
    if provisional == "bar":
        entries.append(
            LegendEntry("□", palette.DISTRICT, "Provisional (hatched: part of the evidence)")
        )
    elif provisional == "point":
        entries.append(LegendEntry("○", palette.DISTRICT, "Provisional round (hollow)"))
    entries += [
        LegendEntry("■", palette.BENCHMARK_BAND, f"Middle half of {bm}{where}"),
        LegendEntry(median_symbol, palette.BENCHMARK_MEDIAN, f"Median of {bm}"),
    ]
    return tuple(entries)


# --- the components against the benchmark -------------------------------------------------


def components_figure(content: ReportContent) -> Figure:
    """The total and the seven components as bars on the score axis, each in front of the
    stage benchmark's p25–p75 band and median."""
    model, score = content.model, content.score
    rows = [("Onpoint score", score.total, content.percentiles("total"), score.provisional)]
    rows += [(c.name, c.score, content.percentiles(c.id), c.provisional) for c in score.components]
    height = 0.34 * len(rows) + 0.62
    fig = _figure(WIDTH_IN, height)
    bottom = 0.4 / height
    with _grid_axis("x"):
        ax = fig.add_axes((0.3, bottom, 0.57, 1 - bottom - 0.12 / height))
    lo, hi = model.score_min, model.score_max
    # One collection per kind of mark (bands, medians, solid bars, hatched bars):
    # matplotlib's cost is per artist, not per bar.
    banded = [(y, pct) for y, (_, _, pct, _) in enumerate(rows) if pct is not None]
    if banded:
        _rectangles(
            ax,
            [(p.p25, y - 0.39, p.p75, y + 0.39) for y, p in banded],
            facecolors=BAND,
            edgecolors="none",
            zorder=1,
        )
        medians = _segments(
            ax,
            [((p.p50, y - 0.39), (p.p50, y + 0.39)) for y, p in banded],
            colors=MEDIAN,
            linewidths=2,
            zorder=4,
        )
        medians.set_gid(MEDIAN_LINE)
    for hatched in (False, True):
        bars = [
            (lo, y - 0.19, max(value, lo + 0.5), y + 0.19)
            for y, (_, value, _, provisional) in enumerate(rows)
            if value is not None and provisional == hatched
        ]
        if bars:
            _rectangles(
                ax,
                bars,
                facecolors="white" if hatched else DISTRICT,
                edgecolors=DISTRICT,
                linewidths=0.8,
                hatch="////" if hatched else None,
                zorder=3,
            )
    for y, (_, value, pct, _) in enumerate(rows):
        if value is None:
            ax.text(lo + 8, y, "no result yet", va="center", fontsize=8, color=MUTED, zorder=5)
            continue
        # The value sits clear of the benchmark band, so no median line crosses it.
        label = ax.text(
            max(value, pct.p75 if pct else value) + 8,
            y,
            score_text(value),
            va="center",
            fontsize=8,
            color=DISTRICT_TEXT,
            fontweight="bold",
            zorder=5,
            clip_on=False,
        )
        label.set_gid(VALUE_LABEL)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8.5)
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.axhline(0.5, color=MUTED, linewidth=0.6)
    ax.set_ylim(len(rows) - 0.5, -0.6)
    ax.set_xlim(lo, hi)
    ax.set_xticks(range(int(lo), int(hi) + 1, 100))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    ax.tick_params(axis="y", length=0)
    return fig


def components_legend(content: ReportContent) -> tuple[LegendEntry, ...]:
    score = content.score
    provisional = score.provisional or any(c.provisional for c in score.components)
    where = f" at {content.stage_label}" if content.stage_benchmark else ""
    return _legend_entries(
        content, where, provisional="bar" if provisional else None, median_symbol="|"
    )


def components_alt(content: ReportContent) -> str:
    """The components chart in words, for screen readers."""
    score = content.score
    bm = benchmark_words(content)
    parts = []
    for name, value, key, provisional in [
        ("Onpoint score", score.total, "total", score.provisional),
        *((c.name, c.score, c.id, c.provisional) for c in score.components),
    ]:
        pct = content.percentiles(key)
        text = f"{name} {score_text(value) if value is not None else 'no result yet'}"
        if provisional:
            text += " (provisional)"
        if pct is not None and value is not None:
            text += f", median {pct.p50:,.0f}, middle half {pct.p25:,.0f} to {pct.p75:,.0f}"
        parts.append(text)
    return (
        f"Bar chart: the district's Onpoint score and its components in "
        f"{content.round.label} against {bm} at {content.stage_label}. " + "; ".join(parts) + "."
    )


def components_chart(content: ReportContent) -> Chart:
    with chart_style():
        return render(
            components_figure(content), components_alt(content), components_legend(content)
        )


# --- trends across rounds ----------------------------------------------------------------------


def _round_axis(content: ReportContent) -> list[str]:
    return [f"{r.round.label}\n{content.stage_label_of(r.round.stage)}" for r in content.history]


def _value(result, key: str) -> tuple[float | None, bool]:
    if key == "total":
        return result.score.total, result.score.provisional
    c = result.score.component(key)
    return c.score, c.provisional


def _score_limits(content: ReportContent, keys: list[str]) -> tuple[float, float]:
    """A shared y range covering every score and benchmark band shown, in steps of 50,
    never beyond the scale."""
    values: list[float] = []
    for result in content.history:
        for key in keys:
            value, _ = _value(result, key)
            if value is not None:
                values.append(value)
            pct = content.percentiles(key, result.round.stage)
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
    """Benchmark band and median per round (each at its own stage), then the district
    line; provisional rounds as hollow points."""
    xs, ys, hollow = [], [], []
    medians: dict[int, float] = {}
    bands = []
    for x, result in enumerate(content.history):
        pct = content.percentiles(key, result.round.stage)
        if pct is not None:
            bands.append((x, pct))
            medians[x] = pct.p50
        value, provisional = _value(result, key)
        xs.append(x)
        ys.append(math.nan if value is None else value)
        hollow.append(provisional)
    if bands:
        _rectangles(
            ax,
            [(x - width / 2, p.p25, x + width / 2, p.p75) for x, p in bands],
            facecolors=BAND,
            edgecolors="none",
            zorder=1,
        )
        lines = _segments(
            ax,
            [((x - width / 2, p.p50), (x + width / 2, p.p50)) for x, p in bands],
            colors=MEDIAN,
            linewidths=1.6,
            zorder=2,
        )
        lines.set_gid(MEDIAN_LINE)
    _line(ax, xs, ys, color=DISTRICT, linewidth=2, zorder=3)
    for hollow_points, face in ((False, DISTRICT), (True, "white")):
        points = [(x, y) for x, y, h in zip(xs, ys, hollow, strict=True) if h == hollow_points]
        if points:
            _line(
                ax,
                [p[0] for p in points],
                [p[1] for p in points],
                linestyle="none",
                marker="o",
                markersize=4.5,
                markerfacecolor=face,
                markeredgecolor=DISTRICT,
                markeredgewidth=1.3,
                zorder=4,
                clip_on=False,
            )
    ax.set_xlim(-0.6, len(xs) - 0.4)
    if labels:
        _value_labels(ax, xs, ys, medians)


def _value_labels(ax: Axes, xs: list[int], ys: list[float], medians: dict[int, float]) -> None:
    """Each value above its point, or below it when a median line or the district line
    would run through the label there."""
    y_lo, y_hi = ax.get_ylim()
    fig_height_pt = ax.figure.get_size_inches()[1] * 72
    axes_height_pt = ax.get_position().height * fig_height_pt
    per_pt = (y_hi - y_lo) / axes_height_pt  # data units per point, vertically
    label_pt = 9  # 7.5 pt text and its leading
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if math.isnan(y):
            continue
        above = (y + LABEL_GAP_PT * per_pt, y + (LABEL_GAP_PT + label_pt) * per_pt)
        below = (y - (LABEL_GAP_PT + label_pt) * per_pt, y - LABEL_GAP_PT * per_pt)
        neighbours = [ys[j] for j in (i - 1, i + 1) if 0 <= j < len(ys) and not math.isnan(ys[j])]
        valley = bool(neighbours) and all(n > y for n in neighbours)
        median = medians.get(i)

        def crosses(span: tuple[float, float], median=median) -> bool:
            return median is not None and span[0] - per_pt <= median <= span[1] + per_pt

        place_below = (crosses(above) or valley) and not crosses(below)
        if not place_below and above[1] > y_hi:
            place_below = not crosses(below)
        offset = -LABEL_GAP_PT if place_below else LABEL_GAP_PT
        label = ax.annotate(
            score_text(y),
            (x, y),
            xytext=(0, offset),
            textcoords="offset points",
            ha="center",
            va="top" if place_below else "bottom",
            fontsize=7.5,
            color=DISTRICT_TEXT,
            fontweight="bold",
            zorder=6,
            annotation_clip=False,
        )
        label.set_gid(VALUE_LABEL)


def _padded_limits(content: ReportContent, keys: list[str], pad: float) -> tuple[float, float]:
    """The y range of :func:`_score_limits` with room for points and labels at its ends."""
    lo, hi = _score_limits(content, keys)
    span = hi - lo
    return lo - pad * span, hi + pad * span


def _score_ticks(ax: Axes, content: ReportContent, keys: list[str]) -> None:
    lo, hi = _score_limits(content, keys)
    step = 50 if hi - lo <= 300 else 100
    ax.set_yticks([v for v in range(int(lo), int(hi) + 1, step)])
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")


def total_trend_figure(content: ReportContent) -> Figure:
    """The Onpoint score across rounds, each round against its own stage's benchmark."""
    fig = _figure(WIDTH_IN, 2.6)
    ax = fig.add_axes((0.1, 0.2, 0.87, 0.76))
    ax.set_ylim(*_padded_limits(content, ["total"], 0.12))
    _trend(ax, content, "total", labels=True, width=0.42)
    ax.set_xticks(range(len(content.history)), _round_axis(content), fontsize=8)
    _score_ticks(ax, content, ["total"])
    ax.set_ylabel("Onpoint score", fontsize=8, color=INK)
    return fig


def trend_legend(content: ReportContent, keys: list[str]) -> tuple[LegendEntry, ...]:
    provisional = any(_value(r, key)[1] for r in content.history for key in keys)
    return _legend_entries(
        content,
        " at each round's stage",
        provisional="point" if provisional else None,
        median_symbol="▬",
    )


def trend_alt(content: ReportContent, key: str, name: str) -> str:
    parts = []
    for result in content.history:
        value, provisional = _value(result, key)
        pct = content.percentiles(key, result.round.stage)
        text = f"{result.round.label} ({content.stage_label_of(result.round.stage)}) "
        text += score_text(value) if value is not None else "no result"
        if provisional:
            text += ", provisional"
        if pct is not None:
            text += f", median {pct.p50:,.0f}"
        parts.append(text)
    return (
        f"Line chart: {name} across rounds, each round against the median of "
        f"{benchmark_words(content)} at its stage. " + "; ".join(parts) + "."
    )


def total_trend_chart(content: ReportContent) -> Chart:
    with chart_style():
        return render(
            total_trend_figure(content),
            trend_alt(content, "total", "the Onpoint score"),
            trend_legend(content, ["total"]),
        )


@dataclass(frozen=True)
class _Panel:
    """Where one small multiple sits in the figure, and how its data maps there."""

    x0: float  # figure fractions
    y0: float
    x1: float
    y1: float
    x_range: tuple[float, float]  # data
    y_range: tuple[float, float]

    def at(self, x: float, y: float) -> tuple[float, float]:
        (xa, xb), (ya, yb) = self.x_range, self.y_range
        return (
            self.x0 + (x - xa) / (xb - xa) * (self.x1 - self.x0),
            self.y0 + (y - ya) / (yb - ya) * (self.y1 - self.y0),
        )


def component_trend_figure(content: ReportContent) -> Figure:
    """One small panel per component across rounds, on a shared score axis.

    The panels are drawn in figure coordinates, a few collections for all of them,
    rather than as seven matplotlib Axes: an Axes costs tens of milliseconds in ticks
    and layout, and this chart has seven."""
    from matplotlib.lines import Line2D

    components = content.score.components
    cols = 4
    rows = math.ceil(len(components) / cols)
    height = 1.75 * rows
    fig = _figure(WIDTH_IN, height)
    left, right, top, bottom = 0.08, 0.99, 1 - 0.32 / height, 0.45 / height
    gap_x, gap_y = 0.025, 0.5 / height
    width = (right - left - gap_x * (cols - 1)) / cols
    tall = (top - bottom - gap_y * (rows - 1)) / rows
    keys = [c.id for c in components]
    y_range = _padded_limits(content, keys, 0.06)
    lo, hi = _score_limits(content, keys)
    ticks = list(range(int(lo), int(hi) + 1, 50 if hi - lo <= 300 else 100))
    n = len(content.history)
    x_range = (-0.6, n - 0.4)
    pt_x, pt_y = 1 / (WIDTH_IN * 72), 1 / (height * 72)  # one point in figure fractions
    grid, spines, marks, bands, medians, lines = [], [], [], [], [], []
    solid, hollow = [], []
    for index, comp in enumerate(components):
        row, col = divmod(index, cols)
        x0 = left + col * (width + gap_x)
        y1 = top - row * (tall + gap_y)
        panel = _Panel(x0, y1 - tall, x0 + width, y1, x_range, y_range)
        spines += [
            [(panel.x0, panel.y0), (panel.x0, panel.y1)],
            [(panel.x0, panel.y0), (panel.x1, panel.y0)],
        ]
        for value in ticks:
            _, y = panel.at(0, value)
            grid.append([(panel.x0, y), (panel.x1, y)])
            marks.append([(panel.x0 - 3 * pt_x, y), (panel.x0, y)])
            if col == 0:
                fig.text(
                    panel.x0 - 5 * pt_x,
                    y,
                    f"{value:,}",
                    ha="right",
                    va="center",
                    fontsize=7,
                    color=INK,
                )
        for x, result in enumerate(content.history):
            fx, _ = panel.at(x, 0)
            marks.append([(fx, panel.y0 - 3 * pt_y), (fx, panel.y0)])
            pct = content.percentiles(comp.id, result.round.stage)
            if pct is not None:
                (a, p25), (b, p75) = panel.at(x - 0.25, pct.p25), panel.at(x + 0.25, pct.p75)
                bands.append([(a, p25), (b, p25), (b, p75), (a, p75)])
                _, p50 = panel.at(x, pct.p50)
                medians.append([(a, p50), (b, p50)])
            value, provisional = _value(result, comp.id)
            point = panel.at(x, value) if value is not None else (math.nan, math.nan)
            lines.append(point)
            (hollow if provisional else solid).append(point)
        lines.append((math.nan, math.nan))  # no line from one panel to the next
        title = "\n".join(textwrap.wrap(comp.name, 24))
        fig.text(
            (panel.x0 + panel.x1) / 2,
            panel.y1 + 4 * pt_y,
            title,
            ha="center",
            va="bottom",
            fontsize=8,
            color="#222222",
        )
        if index + cols >= len(components):  # round labels under each column's last panel
            for x, result in enumerate(content.history):
                fx, _ = panel.at(x, 0)
                fig.text(
                    fx + 2 * pt_x,
                    panel.y0 - 5 * pt_y,
                    result.round.label,
                    ha="right",
                    va="top",
                    rotation=45,
                    rotation_mode="anchor",
                    fontsize=6.5,
                    color=INK,
                )
    to_fig = fig.transFigure
    fig.add_artist(
        _collection_lines(grid, colors="#E6E6E6", linewidths=0.6, zorder=0, transform=to_fig)
    )
    fig.add_artist(_polygons(bands, facecolors=BAND, edgecolors="none", zorder=1, transform=to_fig))
    median_lines = _collection_lines(
        medians, colors=MEDIAN, linewidths=1.6, zorder=2, transform=to_fig
    )
    median_lines.set_gid(MEDIAN_LINE)
    fig.add_artist(median_lines)
    fig.add_artist(
        _collection_lines(spines + marks, colors=MUTED, linewidths=0.8, zorder=2, transform=to_fig)
    )
    xs, ys = zip(*lines, strict=True)
    fig.add_artist(Line2D(xs, ys, color=DISTRICT, linewidth=2, zorder=3, transform=to_fig))
    for points, face in ((solid, DISTRICT), (hollow, "white")):
        if points:
            px, py = zip(*points, strict=True)
            fig.add_artist(
                Line2D(
                    px,
                    py,
                    linestyle="none",
                    marker="o",
                    markersize=4.5,
                    markerfacecolor=face,
                    markeredgecolor=DISTRICT,
                    markeredgewidth=1.3,
                    zorder=4,
                    transform=to_fig,
                )
            )
    return fig


def _collection_lines(segments, **style):
    from matplotlib.collections import LineCollection

    return LineCollection(segments, **style)


def _polygons(verts, **style):
    from matplotlib.collections import PolyCollection

    return PolyCollection(verts, **style)


def component_trend_chart(content: ReportContent) -> Chart:
    keys = [c.id for c in content.score.components]
    alt = " ".join(trend_alt(content, c.id, c.name) for c in content.score.components)
    with chart_style():
        return render(
            component_trend_figure(content), alt, trend_legend(content, keys), panels=len(keys)
        )

"""The report's charts across rounds: the Onpoint score (with its values) and the seven
components as small multiples, each round against the benchmark of its own stage.
Provisional rounds (the core's ``provisional``) are drawn hollow.

Shared style, legends and primitives are in :mod:`onpoint_desktop.report.charts`.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onpoint_desktop.report.charts import (
    BAND,
    DISTRICT,
    DISTRICT_TEXT,
    INK,
    LABEL_GAP_PT,
    MEDIAN,
    MEDIAN_LINE,
    MUTED,
    VALUE_LABEL,
    WIDTH_IN,
    Chart,
    LegendEntry,
    add_line,
    add_rectangles,
    add_segments,
    add_whiskers,
    chart_style,
    legend_entries,
    new_figure,
    render,
    whiskered,
)
from onpoint_desktop.report.content import ReportContent
from onpoint_desktop.report.wording import benchmark_words, score_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


SHORT_LABEL = 10  # characters of a round's name under a small panel


def _round_axis(content: ReportContent) -> list[str]:
    """Each round's name (wrapped to the room a round has) over its stage."""
    room = max(8, int(48 / max(len(content.history), 1)))
    return [
        "\n".join([*textwrap.wrap(r.round.label, room)[:2], content.stage_label_of(r.round.stage)])
        for r in content.history
    ]


def short_label(label: str) -> str:
    """A round's name shortened for a small panel (the total's chart gives it whole)."""
    return label if len(label) <= SHORT_LABEL else label[: SHORT_LABEL - 1].rstrip() + "…"


def _value(result, key: str) -> tuple[float | None, bool]:
    """A round's score of the total or a component, and whether it is provisional (None
    when the round's model has no such component)."""
    value = result.score.value(key)
    if key == "total":
        return value, result.score.provisional
    found = next((c for c in result.score.components if c.id == key), None)
    return value, found is not None and found.provisional


def _interval(result, key: str) -> tuple[float, float] | None:
    """A round's 90% interval of the total or a component, when it has a survey part."""
    score = result.score
    if key == "total":
        return whiskered(score.total_ci, score.total_se)
    found = next((c for c in score.components if c.id == key), None)
    return whiskered(found.ci, found.se) if found is not None else None


def _percentiles(result, key: str):
    """The benchmark of the round's own model at the round's stage (each round is read
    against what it was scored with)."""
    return result.score.benchmark.percentiles(result.round.stage, key)


def _score_limits(content: ReportContent, keys: list[str]) -> tuple[float, float]:
    """A shared y range covering every score and benchmark band shown, in steps of 50,
    never beyond the scale."""
    values: list[float] = []
    for result in content.history:
        for key in keys:
            value, _ = _value(result, key)
            if value is not None:
                values.append(value)
            pct = _percentiles(result, key)
            if pct is not None:
                values += [pct.p25, pct.p75]
            values += _interval(result, key) or ()
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
        pct = _percentiles(result, key)
        if pct is not None:
            bands.append((x, pct))
            medians[x] = pct.p50
        value, provisional = _value(result, key)
        xs.append(x)
        ys.append(math.nan if value is None else value)
        hollow.append(provisional)
    if bands:
        add_rectangles(
            ax,
            [(x - width / 2, p.p25, x + width / 2, p.p75) for x, p in bands],
            facecolors=BAND,
            edgecolors="none",
            zorder=1,
        )
        lines = add_segments(
            ax,
            [((x - width / 2, p.p50), (x + width / 2, p.p50)) for x, p in bands],
            colors=MEDIAN,
            linewidths=1.6,
            zorder=2,
        )
        lines.set_gid(MEDIAN_LINE)
    spans = [(x, *span) for x, r in enumerate(content.history) if (span := _interval(r, key))]
    add_whiskers(ax, spans, vertical=True, cap=width / 6)
    add_line(ax, xs, ys, color=DISTRICT, linewidth=2, zorder=3)
    for hollow_points, face in ((False, DISTRICT), (True, "white")):
        points = [(x, y) for x, y, h in zip(xs, ys, hollow, strict=True) if h == hollow_points]
        if points:
            add_line(
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
    fig = new_figure(WIDTH_IN, 2.6)
    ax = fig.add_axes((0.1, 0.2, 0.87, 0.76))
    ax.set_ylim(*_padded_limits(content, ["total"], 0.12))
    _trend(ax, content, "total", labels=True, width=0.42)
    ax.set_xticks(range(len(content.history)), _round_axis(content), fontsize=8)
    _score_ticks(ax, content, ["total"])
    ax.set_ylabel("Onpoint score", fontsize=8, color=INK)
    return fig


def trend_legend(content: ReportContent, keys: list[str]) -> tuple[LegendEntry, ...]:
    provisional = any(_value(r, key)[1] for r in content.history for key in keys)
    return legend_entries(
        content,
        " at each round's stage",
        provisional="point" if provisional else None,
        median_symbol="▬",
        intervals=any(_interval(r, key) for r in content.history for key in keys),
    )


def trend_alt(content: ReportContent, key: str, name: str) -> str:
    parts = []
    for result in content.history:
        value, provisional = _value(result, key)
        pct = _percentiles(result, key)
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
    # Room under the last row for the round names, set at 45°: about 0.035 in a character.
    longest = max(len(short_label(r.round.label)) for r in content.history)
    bottom_in = 0.2 + 0.035 * longest
    height = 1.75 * rows + bottom_in - 0.45
    fig = new_figure(WIDTH_IN, height)
    left, right, top, bottom = 0.08, 0.99, 1 - 0.32 / height, bottom_in / height
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
            pct = _percentiles(result, comp.id)
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
                    short_label(result.round.label),
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

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
class Chart:
    """A rendered chart: PNG bytes, its size in inches, how many panels it has (for
    the bench's like-for-like baseline) and its alternative text."""

    png: bytes
    width: float
    height: float
    panels: int
    alt: str


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
            "svg.fonttype": "none",
        }
    ):
        yield


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


def render(figure: Figure, alt: str, panels: int = 1) -> Chart:
    width, height = figure.get_size_inches()
    return Chart(_png(figure), float(width), float(height), panels, alt)


def _style(ax: Axes, *, grid_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(MUTED)
    ax.spines["bottom"].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=8, length=3)
    ax.grid(axis=grid_axis, color="#E6E6E6", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)


def _benchmark_label(content: ReportContent, where: str) -> tuple[str, str]:
    """Legend labels of the band and the median, illustrative when it is."""
    bm = benchmark_words(content)
    return f"Middle half of {bm}{where}", f"Median of {bm}"


def _legend_handles(content: ReportContent, where: str, *, provisional: str | None) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    band, median = _benchmark_label(content, where)
    handles = [
        Line2D([], [], color=DISTRICT, linewidth=6, label="District score"),
        Patch(facecolor=BAND, label=band),
        Line2D([], [], color=MEDIAN, linewidth=2, label=median),
    ]
    if provisional == "bar":
        handles.insert(
            1,
            Patch(
                facecolor="white",
                edgecolor=DISTRICT,
                hatch="////",
                label="Provisional (part of the evidence)",
            ),
        )
    elif provisional == "point":
        handles.insert(
            1,
            Line2D(
                [],
                [],
                color=DISTRICT,
                marker="o",
                markerfacecolor="white",
                linestyle="none",
                label="Provisional round",
            ),
        )
    return handles


def _legend(fig: Figure, handles: list) -> None:
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=min(len(handles), 2 if len(handles) > 3 else 3),
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
        handlelength=1.6,
        columnspacing=1.2,
    )


# --- the components against the benchmark -------------------------------------------------


def components_figure(content: ReportContent) -> Figure:
    """The total and the seven components as bars on the score axis, each in front of the
    stage benchmark's p25–p75 band and median."""
    model, score = content.model, content.score
    rows = [("Onpoint score", score.total, content.percentiles("total"), score.provisional)]
    rows += [(c.name, c.score, content.percentiles(c.id), c.provisional) for c in score.components]
    any_provisional = any(r[3] for r in rows)
    legend_in = 0.62 if any_provisional else 0.42
    height = 0.34 * len(rows) + 0.5 + legend_in
    fig = _figure(WIDTH_IN, height)
    bottom = (legend_in + 0.32) / height
    ax = fig.add_axes((0.3, bottom, 0.57, 1 - bottom - 0.12 / height))
    lo, hi = model.score_min, model.score_max
    for y, (_, value, pct, provisional) in enumerate(rows):
        if pct is not None:
            ax.barh(y, pct.p75 - pct.p25, left=pct.p25, height=0.78, color=BAND, zorder=1)
            median = ax.plot(
                [pct.p50] * 2, [y - 0.39, y + 0.39], color=MEDIAN, linewidth=2, zorder=4
            )[0]
            median.set_gid(MEDIAN_LINE)
        if value is None:
            ax.text(lo + 8, y, "no result yet", va="center", fontsize=8, color=MUTED, zorder=5)
            continue
        ax.barh(
            y,
            max(value - lo, 0.5),
            left=lo,
            height=0.38,
            color="white" if provisional else DISTRICT,
            edgecolor=DISTRICT,
            linewidth=0.8,
            hatch="////" if provisional else None,
            zorder=3,
        )
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
    _style(ax, grid_axis="x")
    ax.tick_params(axis="y", length=0)
    where = f" at {content.stage_label}" if content.stage_benchmark else ""
    _legend(fig, _legend_handles(content, where, provisional="bar" if any_provisional else None))
    return fig


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
        return render(components_figure(content), components_alt(content))


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
    for x, result in enumerate(content.history):
        pct = content.percentiles(key, result.round.stage)
        if pct is not None:
            ax.bar(x, pct.p75 - pct.p25, bottom=pct.p25, width=width, color=BAND, zorder=1)
            line = ax.plot(
                [x - width / 2, x + width / 2], [pct.p50] * 2, color=MEDIAN, linewidth=1.6, zorder=2
            )[0]
            line.set_gid(MEDIAN_LINE)
            medians[x] = pct.p50
        value, provisional = _value(result, key)
        xs.append(x)
        ys.append(math.nan if value is None else value)
        hollow.append(provisional)
    ax.plot(xs, ys, color=DISTRICT, linewidth=2, zorder=3)
    solid = [(x, y) for x, y, h in zip(xs, ys, hollow, strict=True) if not h]
    open_ = [(x, y) for x, y, h in zip(xs, ys, hollow, strict=True) if h]
    for points, face in ((solid, DISTRICT), (open_, "white")):
        if points:
            ax.plot(
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
    provisional = any(r.score.provisional for r in content.history)
    fig = _figure(WIDTH_IN, 3.0)
    ax = fig.add_axes((0.1, 0.3 + (0.05 if provisional else 0), 0.87, 0.62))
    ax.set_ylim(*_padded_limits(content, ["total"], 0.12))
    _trend(ax, content, "total", labels=True, width=0.42)
    ax.set_xticks(range(len(content.history)), _round_axis(content), fontsize=8)
    _score_ticks(ax, content, ["total"])
    ax.set_ylabel("Onpoint score", fontsize=8, color=INK)
    _style(ax, grid_axis="y")
    handles = _legend_handles(
        content, " at each round's stage", provisional="point" if provisional else None
    )
    _legend(fig, handles)
    return fig


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
        return render(total_trend_figure(content), trend_alt(content, "total", "the Onpoint score"))


def component_trend_figure(content: ReportContent) -> Figure:
    """One small panel per component across rounds, on a shared score axis."""
    components = content.score.components
    cols = 4
    rows = math.ceil(len(components) / cols)
    provisional = any(c.provisional for r in content.history for c in r.score.components)
    panel_in, legend_in = 1.85, 0.62 if provisional else 0.45
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
    keys = [c.id for c in components]
    limits = _padded_limits(content, keys, 0.06)
    short = [r.round.label for r in content.history]
    first = None
    for index, comp in enumerate(components):
        ax = fig.add_subplot(grid[index // cols, index % cols], sharey=first)
        first = first or ax
        ax.set_ylim(*limits)
        _trend(ax, content, comp.id, labels=False, width=0.5)
        ax.set_title("\n".join(textwrap.wrap(comp.name, 24)), fontsize=8, color="#222222", pad=4)
        ax.set_xticks(
            range(len(short)), short, fontsize=6.5, rotation=45, ha="right", rotation_mode="anchor"
        )
        _style(ax, grid_axis="y")
        ax.tick_params(axis="y", labelsize=7)
        if index % cols:
            ax.tick_params(axis="y", labelleft=False)
    _score_ticks(first, content, keys)
    _legend(
        fig,
        _legend_handles(
            content, " at each round's stage", provisional="point" if provisional else None
        ),
    )
    return fig


def component_trend_chart(content: ReportContent) -> Chart:
    alt = " ".join(trend_alt(content, c.id, c.name) for c in content.score.components)
    with chart_style():
        return render(component_trend_figure(content), alt, panels=len(content.score.components))

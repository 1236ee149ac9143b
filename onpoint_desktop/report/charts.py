"""The report's charts, rendered with matplotlib (Agg, no pyplot) to PNG in memory: the
shared style, legends and drawing primitives, and the components against the benchmark
(the charts across rounds are in :mod:`onpoint_desktop.report.trend_charts`).

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
WHISKER = "whisker"  # gid of the 90% interval marks (tests find them by it)
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


def new_figure(width: float, height: float) -> Figure:
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


def add_rectangles(ax: Axes, boxes: list[tuple[float, float, float, float]], **style) -> None:
    """Filled rectangles (x0, y0, x1, y1) as one collection: a bar chart without the
    cost of one patch and one autoscale per bar."""
    from matplotlib.collections import PolyCollection

    verts = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, y0, x1, y1 in boxes]
    ax.add_collection(PolyCollection(verts, **style), autolim=False)


def add_segments(
    ax: Axes, segments: list[tuple[tuple[float, float], tuple[float, float]]], **style
):
    from matplotlib.collections import LineCollection

    lines = LineCollection(segments, **style)
    ax.add_collection(lines, autolim=False)
    return lines


def add_line(ax: Axes, xs, ys, **style) -> None:
    from matplotlib.lines import Line2D

    ax.add_line(Line2D(xs, ys, **style))


def add_whiskers(
    ax: Axes, spans: list[tuple[float, float, float]], *, vertical: bool, cap: float
) -> None:
    """90% intervals as whiskers with caps: (position, low, high) each, along the score
    axis (vertical: the score axis is y)."""
    if not spans:
        return
    segments = []
    for at, low, high in spans:
        if vertical:
            segments += [((at, low), (at, high))]
            segments += [((at - cap, v), (at + cap, v)) for v in (low, high)]
        else:
            segments += [((low, at), (high, at))]
            segments += [((v, at - cap), (v, at + cap)) for v in (low, high)]
    lines = add_segments(ax, segments, colors=INK, linewidths=0.9, zorder=6)
    lines.set_gid(WHISKER)


def whiskered(ci: tuple[float, float] | None, se: float | None) -> tuple[float, float] | None:
    """The interval to draw: none for a score without one or resting on expert ratings
    alone (exact)."""
    return ci if ci is not None and se else None


def legend_entries(
    content: ReportContent,
    where: str,
    *,
    provisional: str | None,
    median_symbol: str,
    intervals: bool = False,
) -> tuple[LegendEntry, ...]:
    """The legend, illustrative when the benchmark is. ``provisional``: ``bar`` or
    ``point`` when some score shown is provisional; ``intervals`` when whiskers are drawn."""
    bm = benchmark_words(content)
    entries = [LegendEntry("■", palette.DISTRICT, "District score")]
    if intervals:
        entries.append(LegendEntry("├┤", "333333", "90% interval (survey respondents)"))
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
    fig = new_figure(WIDTH_IN, height)
    bottom = 0.4 / height
    with _grid_axis("x"):
        ax = fig.add_axes((0.3, bottom, 0.57, 1 - bottom - 0.12 / height))
    lo, hi = model.score_min, model.score_max
    # One collection per kind of mark (bands, medians, solid bars, hatched bars):
    # matplotlib's cost is per artist, not per bar.
    banded = [(y, pct) for y, (_, _, pct, _) in enumerate(rows) if pct is not None]
    if banded:
        add_rectangles(
            ax,
            [(p.p25, y - 0.39, p.p75, y + 0.39) for y, p in banded],
            facecolors=BAND,
            edgecolors="none",
            zorder=1,
        )
        medians = add_segments(
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
            add_rectangles(
                ax,
                bars,
                facecolors="white" if hatched else DISTRICT,
                edgecolors=DISTRICT,
                linewidths=0.8,
                hatch="////" if hatched else None,
                zorder=3,
            )
    spans = [whiskered(score.total_ci, score.total_se)]
    spans += [whiskered(c.ci, c.se) for c in score.components]
    add_whiskers(ax, [(y, *span) for y, span in enumerate(spans) if span], vertical=False, cap=0.12)
    for y, (_, value, pct, _) in enumerate(rows):
        if value is None:
            ax.text(lo + 8, y, "no result yet", va="center", fontsize=8, color=MUTED, zorder=5)
            continue
        # The value sits clear of the benchmark band and the whisker, so no line crosses it.
        label = ax.text(
            max(value, pct.p75 if pct else value, spans[y][1] if spans[y] else value) + 8,
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
    intervals = bool(whiskered(score.total_ci, score.total_se)) or any(
        whiskered(c.ci, c.se) for c in score.components
    )
    return legend_entries(
        content,
        where,
        provisional="bar" if provisional else None,
        median_symbol="|",
        intervals=intervals,
    )


def _ci_of(score, key: str) -> tuple[tuple[float, float] | None, float | None]:
    if key == "total":
        return score.total_ci, score.total_se
    found = score.component(key)
    return found.ci, found.se


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
        span = whiskered(*_ci_of(score, key))
        if span is not None:
            text += f", 90% interval {span[0]:,.0f} to {span[1]:,.0f}"
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

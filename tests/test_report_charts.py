"""The report's charts at the ends of the scale: nothing clipped, no value label struck
through by a median line, no two labels on top of each other, the body's type family.

Layouts are measured with matplotlib's own renderer (the boxes it would draw), on
districts scoring 200, 1,000 and exactly the benchmark median."""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from onpoint_desktop.benchmark import Percentiles, StageBenchmark
from onpoint_desktop.report import charts, trend_charts
from onpoint_desktop.report.content import gather
from onpoint_desktop.workspace import Response

FIGURES = {
    "components": charts.components_figure,
    "total_trend": trend_charts.total_trend_figure,
    "component_trend": trend_charts.component_trend_figure,
}


def _rate_all(ws, round_id, level):
    for area in ws.framework.areas:
        ws.rate(round_id, area, level)


def _survey_all(ws, round_id, value):
    """Every respondent at ``value`` on every item, as scored (reverse items reversed)."""
    for role, n in (("teacher", 6), ("leader", 5)):
        instrument = ws.current_model.instruments[role]
        answers = {
            item.id: instrument.reverse_base - value if item.reverse else value
            for item in instrument.items
        }
        ws.add_survey_responses(
            round_id, role, [Response(f"{round_id}-{role}-{i}", answers) for i in range(n)]
        )


def _texts(fig, renderer):
    found = []
    for artist in fig.findobj(Text):
        if artist.get_visible() and artist.get_text().strip():
            found.append((artist, artist.get_window_extent(renderer)))
    return found


def _layout_problems(fig) -> list[str]:
    """Texts outside the figure, value labels on a median line, texts on each other."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    problems = []
    texts = _texts(fig, renderer)
    for artist, extent in texts:
        if (
            extent.x0 < box.x0 - 0.5
            or extent.x1 > box.x1 + 0.5
            or extent.y0 < box.y0 - 0.5
            or extent.y1 > box.y1 + 0.5
        ):
            problems.append(f"clipped: {artist.get_text()!r}")
    medians = []  # one box per median tick (a collection holds one segment per tick)
    for lines in fig.findobj(lambda a: a.get_gid() == charts.MEDIAN_LINE):
        to_display = lines.get_transform()
        for segment in lines.get_segments():
            medians.append(Bbox(to_display.transform(segment)).padded(1))
    labels = [(a, e) for a, e in texts if a.get_gid() == charts.VALUE_LABEL]
    for artist, extent in labels:
        for median in medians:
            if extent.overlaps(median):
                problems.append(f"struck through: {artist.get_text()!r}")
    for (a, ea), (b, eb) in itertools.combinations(texts, 2):
        if not ea.overlaps(eb):  # any two words on top of each other: labels, ticks, titles
            continue
        if a.get_rotation() == b.get_rotation() != 0 and _parallel_apart(fig, a, b):
            continue  # slanted labels side by side: their boxes overlap, their lines do not
        problems.append(f"overlap: {a.get_text()!r} / {b.get_text()!r}")
    return problems


def _parallel_apart(fig, a, b) -> bool:
    """Two texts at the same slant whose lines are at least a line height apart."""
    angle = math.radians(a.get_rotation())
    (xa, ya), (xb, yb) = (t.get_transform().transform(t.get_position()) for t in (a, b))
    apart = abs(-(xb - xa) * math.sin(angle) + (yb - ya) * math.cos(angle))
    line = max(a.get_fontsize(), b.get_fontsize()) * fig.dpi / 72
    return apart >= line


def _check(content) -> None:
    with charts.chart_style():
        for name, build in FIGURES.items():
            fig = build(content)
            assert _layout_problems(fig) == [], name
            families = {
                Path(font_manager.findfont(t.get_fontproperties())).name
                for t, _ in _texts(fig, fig.canvas.get_renderer())
            }
            assert families <= {"Carlito-Regular.ttf", "Carlito-Bold.ttf"}, families


@pytest.fixture
def extremes(ws):
    """Five rounds swinging between the ends of the scale (200 and 1,000)."""
    stages = ["planning", "year1", "year2", "year3", "year3"]
    for number, stage in enumerate(stages, start=1):
        round_id = f"r{number}"
        if number > 1:
            ws.add_round(round_id, stage)
        low = number % 2 == 1
        _rate_all(ws, round_id, 1 if low else 4)
        _survey_all(ws, round_id, 1 if low else 5)
    return ws


def test_scores_of_200_and_1000_are_drawn_whole(extremes):
    # Issue 15: a point at 1,000 was clipped.
    content = gather(extremes, "r5")
    assert content.score.total == 200
    assert gather(extremes, "r4").score.total == 1000
    _check(content)
    _check(gather(extremes, "r4"))


def test_a_score_at_1000_in_the_first_round_only(ws):
    _rate_all(ws, "r1", 4)
    _survey_all(ws, "r1", 5)
    _check(gather(ws, "r1"))


def _median_at_score(content, offset: float = 0.0):
    """The same district against a benchmark whose medians are its scores (+ ``offset``)."""
    stages = {}

    def at(value):
        return Percentiles(value + offset - 60, value + offset, value + offset + 55)

    for result in content.history:
        score = result.score
        stages[result.round.stage] = StageBenchmark(
            26,
            at(score.total),
            {c.id: at(c.score) for c in score.components},
        )
    bm = dataclasses.replace(content.benchmark, stages=stages)
    return dataclasses.replace(content, benchmark=bm)


def test_a_value_equal_to_the_median_is_not_struck_through(ws):
    # Issue 15: a value label struck through by the median line.
    _rate_all(ws, "r1", 2)
    _survey_all(ws, "r1", 3)
    ws.add_round("r2", "year1")
    _rate_all(ws, "r2", 3)
    _survey_all(ws, "r2", 4)
    ws.add_round("r3", "year2")
    _rate_all(ws, "r3", 3)
    _survey_all(ws, "r3", 3)
    content = _median_at_score(gather(ws, "r3"))
    assert content.score.total == content.percentiles("total").p50
    _check(content)
    # Medians just above or below each point, where a label beside it would sit.
    for offset in (-24, -12, -6, 6, 12, 18, 24):
        _check(_median_at_score(gather(ws, "r3"), offset))


def test_the_demo_charts(demo_copy):
    from onpoint_desktop.workspace import Workspace

    with Workspace.open(demo_copy, backup=False) as ws:
        _check(gather(ws, ws.latest_round().id))


def test_provisional_rounds_are_hollow_and_said_so(ws):
    _rate_all(ws, "r1", 2)  # expert only: provisional
    ws.add_round("r2", "year1")
    _rate_all(ws, "r2", 3)
    _survey_all(ws, "r2", 4)
    content = gather(ws, "r2")
    chart = trend_charts.total_trend_chart(content)
    legend = [entry.label for entry in chart.legend]
    assert "Provisional round (hollow)" in legend
    assert "Median of the illustrative benchmark" in legend
    assert "r1 (Planning) 466.7, provisional" in chart.alt


def test_long_round_names_stay_inside_the_charts(ws):
    names = [
        "Fall 2022 baseline visit",
        "Spring 2024 follow-up",
        "2024-25 mid-year check",
        "2025-26 full review",
        "2026-27 full review",
        "2027-28 full review",
    ]
    stages = ["planning", "year1", "year2", "year3", "year3", "year3"]
    for number, (name, stage) in enumerate(zip(names, stages, strict=True), start=1):
        round_id = f"n{number}"
        ws.add_round(round_id, stage, name)
        _rate_all(ws, round_id, 2 + number % 3)
        _survey_all(ws, round_id, 3)
    _check(gather(ws, "n6"))

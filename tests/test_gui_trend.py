"""The trend across rounds: partial rounds look partial, each stage has its own band."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from tests.gui_support import choose_file, demo_copy, window
from tests.test_gui_sync import _pack
from ui.palette import chart_bar_colour


def _pixel(chart, at: QPointF) -> QColor:
    """The colour the trend chart shows at ``at``."""
    image = chart.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(at.x() * ratio), round(at.y() * ratio))


def _close(a: QColor, b: QColor, tolerance: int = 8) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def _trend(window):
    panel = window.panel
    panel.tabs.setCurrentWidget(panel.trend_page)
    return panel.trend_chart


def test_a_partial_round_is_drawn_hollow_and_starred(qtbot, window):
    session = window.session
    session.add_round("2025-26", "year3")
    session.set_level("pl_vision_alignment", 4)  # expert ratings only: provisional
    assert session.score().provisional
    chart = _trend(window)
    last = len(session.rounds()) - 1
    points = chart.points
    assert points[last].provisional and not points[last - 1].provisional
    assert points[last].value_label.endswith("*")
    assert "Provisional (*)" in chart.legend_items()
    background = chart.palette().window().color()
    line = chart_bar_colour(background)
    assert _close(_pixel(chart, chart.point_at(last)), background)  # hollow
    assert _close(_pixel(chart, chart.point_at(last - 1)), line)  # filled


def test_a_pack_with_one_stage_draws_that_stage_band_only(qtbot, window, tmp_path, monkeypatch):
    choose_file(monkeypatch, "getOpenFileName", _pack(tmp_path))  # Year 2 only, 900–990
    window.sync.pack_action.trigger()
    chart = _trend(window)
    stages = [r.stage for r in window.session.rounds()]
    assert stages == ["planning", "year1", "year2"]
    background = chart.palette().window().color()
    year2 = chart.band_rect(2)
    assert year2 is not None and chart.band_rect(0) is None and chart.band_rect(1) is None
    inside = QPointF(year2.left() + 3, year2.top() + 3)
    assert not _close(_pixel(chart, inside), background), "the Year 2 band is drawn"
    beside = QPointF(chart.x_of(1) - 5, inside.y())
    assert _close(_pixel(chart, beside), background), "no band where the pack has none"
    assert "Benchmark p25–p75" in chart.legend_items()


def test_rating_with_the_trend_visible_moves_only_its_point(qtbot, window):
    chart = _trend(window)
    before = list(chart.points)
    window.session.set_level("pl_rollout_plan", 1)
    after = chart.points
    assert after[:-1] == before[:-1] and after[-1].score < before[-1].score

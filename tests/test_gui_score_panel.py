"""The live score panel shows the core's score, its parts, the benchmark and the trend."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

from onpoint_desktop.scoring import recommendations_for
from tests.gui_support import demo_copy, window


def test_panel_shows_exactly_the_core_score(window):
    score = window.model.workspace.score()
    panel = window.panel
    assert panel.total_label.text() == f"{score.total:.1f}"
    assert panel.band_label.text().lower().startswith(score.total_band)
    for row, comp in enumerate(score.components):
        assert panel.table.item(row, 0).text() == comp.name
        assert panel.table.item(row, 1).text() == f"{comp.score:.0f}"
        assert panel.table.item(row, 4).text() == str(comp.n_teacher)
        assert panel.table.item(row, 5).text() == str(comp.n_leader)
    assert "illustrative" in panel.benchmark_label.text()


def test_component_bars_follow_every_rating(qtbot, window):
    panel = window.panel
    panel.build_charts()
    model = window.model
    model.set_level("devices_digital_tools", 1)
    score = model.workspace.score()
    ops = model.workspace.current_model.component_ids.index("operations")
    bar = panel.component_chart.bars[ops]
    assert bar.get_x() + bar.get_width() == score.component("operations").score
    band = panel.component_chart.bands[ops]
    pct = score.benchmark.percentiles(score.stage, "operations")
    assert (band.get_x(), band.get_x() + band.get_width()) == (pct.p25, pct.p75)


def test_provisional_components_are_marked(qtbot, ws):
    from ui.score_panel import ScorePanel
    from ui.session import DistrictSession

    model = DistrictSession(ws)
    panel = ScorePanel(model)
    qtbot.addWidget(panel)
    panel.build_charts()
    assert panel.total_label.text() == "—"
    for area in ws.current_model.by_id["operations"].areas:
        model.set_level(area, 3)
    assert panel.total_label.text() == "733.3"  # SPEC 1.5 worked example
    assert "expert only: Operations" in panel.provisional_label.text()
    ops = ws.current_model.component_ids.index("operations")
    assert panel.table.item(ops, 6).text() == "expert only"
    assert panel.component_chart.labels[ops].get_text() == "733*"
    assert panel.component_chart.bars[ops].get_hatch()


def test_strengths_and_focus_areas_carry_the_core_recommendations(window):
    score = window.model.workspace.score()
    found = recommendations_for(score)
    text = window.panel.highlights.toPlainText()
    assert found["strengths"] or found["focus_areas"]
    for kind in ("strengths", "focus_areas"):
        for _cid, rec in found[kind]:
            assert rec.title in text


def test_trend_covers_every_round(qtbot, window):
    panel = window.panel
    panel.build_charts()
    panel.tabs.setCurrentWidget(panel.trend_page)
    line = next(ln for ln in panel.trend_chart.ax.get_lines() if ln.get_marker() == "o")
    expected = [window.model.workspace.score(r.id).total for r in window.model.rounds()]
    assert list(line.get_ydata()) == expected
    panel.trend_series.setCurrentIndex(panel.trend_series.findData("operations"))
    line = next(ln for ln in panel.trend_chart.ax.get_lines() if ln.get_marker() == "o")
    expected = [
        window.model.workspace.score(r.id).component("operations").score
        for r in window.model.rounds()
    ]
    assert list(line.get_ydata()) == expected


def test_charts_follow_a_dark_palette(qtbot, window):
    from PySide6.QtGui import QColor, QPalette

    panel = window.panel
    panel.build_charts()
    dark = QPalette(panel.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    panel.setPalette(dark)
    chart = panel.component_chart
    from matplotlib.colors import to_hex

    assert to_hex(chart.figure.get_facecolor()) == "#202020"
    assert chart.labels[0].get_color() == "#eeeeee"


def test_the_response_rate_line_comes_from_the_core(qtbot, window):
    from onpoint_desktop.response_rates import response_rates

    panel = window.panel
    assert not panel.rates_label.isVisibleTo(panel)  # nothing invited recorded: no line
    ws = window.model.workspace
    round_id = window.model.round_id
    counts = ws.respondent_counts(round_id)
    ws.set_invited(round_id, "teacher", counts["teacher"] * 3)
    ws.set_invited(round_id, "leader", counts["leader"])
    window.model.notify_surveys_changed()
    sentence = response_rates(ws, round_id).sentence()
    assert panel.rates_label.text() == sentence
    assert (
        f"teachers 33% ({counts['teacher']} of {counts['teacher'] * 3}), low response" in sentence
    )
    assert f"leaders 100% ({counts['leader']} of {counts['leader']})." in sentence
    assert panel.rates_label.isVisibleTo(panel)

"""The live score panel shows the core's score, its parts, the benchmark and the trend."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

from onpoint_desktop.scoring import recommendations_for
from tests.gui_support import demo_copy, window


def test_panel_shows_exactly_the_core_score(window):
    score = window.session.workspace.score()
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
    session = window.session
    session.set_level("devices_digital_tools", 1)
    score = session.workspace.score()
    ops = session.workspace.current_model.component_ids.index("operations")
    row = panel.bars.rows[ops]
    assert row.score == score.component("operations").score
    assert row.band == score.benchmark.percentiles(score.stage, "operations")


def test_provisional_components_are_marked(qtbot, ws):
    from ui.score_panel import ScorePanel
    from ui.session import DistrictSession

    session = DistrictSession(ws)
    panel = ScorePanel(session)
    qtbot.addWidget(panel)
    assert panel.total_label.text() == "—"
    for area in ws.current_model.by_id["operations"].areas:
        session.set_level(area, 3)
    assert panel.total_label.text() == "733.3"  # SPEC 1.5 worked example
    assert "expert only: Operations" in panel.provisional_label.text()
    ops = ws.current_model.component_ids.index("operations")
    assert panel.table.item(ops, 6).text() == "expert only"
    assert panel.bars.rows[ops].label == "733*" and panel.bars.rows[ops].provisional


def test_strengths_and_focus_areas_carry_the_core_recommendations(window):
    score = window.session.workspace.score()
    found = recommendations_for(score)
    window.panel.tabs.setCurrentWidget(window.panel.highlights)
    text = window.panel.highlights.toPlainText()
    assert found["strengths"] or found["focus_areas"]
    for kind in ("strengths", "focus_areas"):
        for _cid, rec in found[kind]:
            assert rec.title in text


def test_trend_covers_every_round(qtbot, window):
    panel = window.panel
    panel.tabs.setCurrentWidget(panel.trend_page)
    expected = [window.session.workspace.score(r.id).total for r in window.session.rounds()]
    assert [p.score for p in panel.trend_chart.points] == expected
    panel.trend_series.setCurrentIndex(panel.trend_series.findData("operations"))
    expected = [
        window.session.workspace.score(r.id).component("operations").score
        for r in window.session.rounds()
    ]
    assert [p.score for p in panel.trend_chart.points] == expected


def test_charts_follow_a_dark_palette(qtbot, window):
    from PySide6.QtGui import QColor, QPalette

    panel = window.panel
    dark = QPalette(panel.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    panel.setPalette(dark)
    panel.tabs.setCurrentWidget(panel.trend_page)
    image = panel.trend_chart.grab().toImage()
    assert image.pixelColor(2, image.height() - 2).name() == "#202020"
    image = panel.bars.grab().toImage()
    assert image.pixelColor(2, 2).name() == "#202020"  # the bars paint on the window colour


def test_the_response_rate_line_comes_from_the_core(qtbot, window):
    from onpoint_desktop.response_rates import response_rates

    panel = window.panel
    assert not panel.rates_label.isVisibleTo(panel)  # nothing invited recorded: no line
    ws = window.session.workspace
    round_id = window.session.round_id
    counts = ws.respondent_counts(round_id)
    ws.set_invited(round_id, "teacher", counts["teacher"] * 3)
    ws.set_invited(round_id, "leader", counts["leader"])
    window.session.notify_surveys_changed()
    sentence = response_rates(ws, round_id).sentence()
    assert panel.rates_label.text() == sentence
    assert (
        f"teachers 33% ({counts['teacher']} of {counts['teacher'] * 3}), low response" in sentence
    )
    assert f"leaders 100% ({counts['leader']} of {counts['leader']})." in sentence
    assert panel.rates_label.isVisibleTo(panel)


def test_a_rating_does_not_recount_the_responses_but_an_import_does(qtbot, window, monkeypatch):
    """bench/gui_rate.py: counting 100,000 stored responses for the response rates on
    every rating took the panel from 8 to 72 ms; ratings never change them."""
    import ui.session as session_module

    counted = []
    real = session_module.response_rates

    def counting(ws, round_id):
        counted.append(round_id)
        return real(ws, round_id)

    monkeypatch.setattr(session_module, "response_rates", counting)
    session = window.session
    session.notify_surveys_changed(session.round_id)  # forget what was counted so far
    session.response_rates()
    assert len(counted) == 1
    session.set_rating("pl_rollout_plan", 1)
    session.set_rating("pl_rollout_plan", 2)
    assert len(counted) == 1
    assert window.panel.rates_label.text() == session.response_rates().sentence()
    session.notify_surveys_changed(session.round_id)
    assert len(counted) == 2  # the panel counted again, once

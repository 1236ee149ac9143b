"""The score panel draws the core's 90% intervals and calls a change clear only when its
interval excludes zero (SPEC §13)."""

from __future__ import annotations

from onpoint_desktop.progress import total_change
from onpoint_desktop.workspace import Response

STRATEGY = ("T01", "T02", "T03")


def _panel(qtbot, ws):
    from ui.score_panel import ScorePanel
    from ui.session import DistrictSession

    session = DistrictSession(ws)
    panel = ScorePanel(session)
    qtbot.addWidget(panel)
    return session, panel


def _teachers(ws, round_id, pattern):
    rows = [{i: pattern[k % len(pattern)] for i in STRATEGY} for k in range(6)]
    ws.add_survey_responses(
        round_id, "teacher", [Response(f"{round_id}-{k}", r) for k, r in enumerate(rows)]
    )


def test_panel_and_trend_show_intervals_and_an_unclear_change_as_such(qtbot, ws):
    _teachers(ws, "r1", (1, 5))
    ws.add_round("r2", "year1")
    _teachers(ws, "r2", (2, 5))
    session, panel = _panel(qtbot, ws)
    session.set_round("r2")
    score = ws.score("r2")
    change = total_change(ws.score("r1"), score)
    assert change.delta > 0 and not change.clear
    low, high = score.total_ci
    assert panel.interval_label.text() == (
        f"90% interval {low:.0f}–{high:.0f} (survey respondents) · "
        f"since r1: {change.delta:+.1f}, within the margin of error"
    )
    strategy = ws.current_model.component_ids.index("strategy_communication")
    assert panel.bars.rows[strategy].ci == score.component("strategy_communication").ci
    panel.tabs.setCurrentWidget(panel.trend_page)
    assert [p.ci for p in panel.trend_chart.points] == [ws.score("r1").total_ci, score.total_ci]
    assert "r1 → r2: " in panel.trend_changes.text()
    assert "within the margin of error" in panel.trend_changes.text()
    assert "a clear change" not in panel.trend_changes.text()


def test_expert_ratings_alone_have_no_whisker_and_their_change_is_exact(qtbot, ws):
    ws.rate("r1", "devices_digital_tools", 2)
    ws.add_round("r2", "year1")
    ws.rate("r2", "devices_digital_tools", 3)
    session, panel = _panel(qtbot, ws)
    session.set_round("r2")
    assert all(row.ci is None for row in panel.bars.rows)
    assert panel.interval_label.text().endswith("exact: expert ratings only")

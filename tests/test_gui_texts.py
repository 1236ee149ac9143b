"""Every text the window shows is true: undo texts, status lines, tooltips and times."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import Qt  # Qt.mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import QApplication, QLabel, QToolButton, QToolTip

from onpoint_desktop.workspace import Response
from tests.gui_support import demo_copy, window
from ui.help import shown_text

AREA = "online_offline_curriculum_alignment"  # "Online & Offline Curriculum Alignment"


def test_an_ampersand_survives_in_undo_and_redo_texts(qtbot, window):
    window.session.set_level(AREA, 1)
    assert "Online & Offline Curriculum Alignment" in shown_text(window.undo_action.text())
    assert "Online & Offline Curriculum Alignment" in window.undo_action.toolTip()
    window.session.undo_stack.undo()
    assert "Online & Offline Curriculum Alignment" in shown_text(window.redo_action.text())
    button = window.toolbar.widgetForAction(window.undo_action)
    assert isinstance(button, QToolButton) and button.text() == "Undo"


def test_the_toolbar_keeps_its_width_while_rating(qtbot, window):
    width = window.toolbar.sizeHint().width()
    for level in (1, 2, 3):
        window.session.set_level(AREA, level)
        assert window.toolbar.sizeHint().width() == width
    window.session.undo_stack.undo()
    assert window.toolbar.sizeHint().width() == width


def _partial_round(ws):
    """11 of 26 areas rated, at least one per component; 40 teachers; no leaders."""
    for component in ws.current_model.components:
        ws.rate("r1", component.areas[0], 3)
    extra = [a for a in ws.framework.areas if a not in ws.levels("r1")][:4]
    for area in extra:
        ws.rate("r1", area, 2)
    items = ws.current_model.instruments["teacher"].item_ids
    ws.add_survey_responses(
        "r1", "teacher", [Response(f"t{i}", {item: 4 for item in items}) for i in range(40)]
    )


def _panel(qtbot, ws):
    from ui.score_panel import ScorePanel
    from ui.session import DistrictSession

    panel = ScorePanel(DistrictSession(ws))
    qtbot.addWidget(panel)
    return panel


def test_a_partial_round_is_not_called_complete(qtbot, ws):
    _partial_round(ws)
    assert ws.score("r1").complete  # SPEC's "complete": every component has both parts
    panel = _panel(qtbot, ws)
    status = panel.provisional_label.text()
    assert not status.startswith("Complete"), status
    assert "15 focus areas unrated" in status and "no leaders responded" in status
    assert panel.evidence_label.text() == (
        "Rated 11 of 26 focus areas · 40 teachers and no leaders responded"
    )


def test_an_empty_round_claims_nothing(qtbot, ws):
    panel = _panel(qtbot, ws)
    assert panel.total_label.text() == "—"
    assert panel.evidence_label.text() == ("Rated 0 of 26 focus areas · no survey responses yet")
    panel.tabs.setCurrentWidget(panel.highlights)
    text = panel.highlights.toPlainText()
    assert "No component is below its stage median" not in text
    assert "Nothing to compare" in text


def test_the_status_bar_counts_rated_areas(qtbot, window):
    window.session.set_level("pl_rollout_plan", None)
    assert window.statusBar().currentMessage().endswith("rated 25 of 26")


def test_a_long_note_tooltip_wraps(qtbot, window):
    note = " ".join(["Principals described the rollout plan in detail;"] * 5)[:200]
    window.session.set_rating("pl_rollout_plan", 3, note)
    tile = window.board.tiles["pl_rollout_plan"]
    # Rich text is what Qt wraps to a readable width, whatever the screen's width.
    assert Qt.mightBeRichText(tile.toolTip())
    QToolTip.showText(tile.mapToGlobal(QPoint(10, 10)), tile.toolTip(), tile)
    tips = [w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()]
    try:
        assert tips, "the tooltip shows"
        assert tips[0].width() <= 480, f"{tips[0].width()} px wide"
        assert "Principals described" in tips[0].text()
    finally:
        QToolTip.hideText()


@pytest.fixture
def chicago(monkeypatch):
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    yield ZoneInfo("America/Chicago")
    monkeypatch.undo()
    time.tzset()


def test_last_set_shows_local_time(qtbot, window, chicago):
    from ui.note_dialog import NoteDialog

    window.session.set_level("workforce_plan", 4)
    event = window.session.last_event("workforce_plan")
    dialog = NoteDialog(window.session, "workforce_plan")
    qtbot.addWidget(dialog)
    local = datetime.fromisoformat(event.created_at.replace("Z", "+00:00")).astimezone(chicago)
    (last_set,) = [w for w in dialog.findChildren(QLabel) if w.text().startswith("Last set")]
    assert f"{local:%H:%M}" in last_set.text()
    assert "UTC" not in last_set.text()

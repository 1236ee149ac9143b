"""Light, dark or the system's theme, chosen in Preferences, readable in every colour."""

# ruff: noqa: F401, F811 - fixtures are imported from gui_support
from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from tests.gui_support import answer_modal, demo_copy, window
from ui.palette import chart_bar_colour, contrast, focus_ring, level_colours, outline_on, text_on
from ui.settings import AppSettings
from ui.theme import palette_for

Role = QPalette.ColorRole
AA_TEXT = 4.5  # WCAG AA, normal text
AA_GRAPHICS = 3.0  # WCAG 2.1 non-text contrast: outlines, bars, focus rings


@pytest.fixture
def back_to_system_theme():
    yield
    from ui.theme import ThemeSwitcher

    ThemeSwitcher().apply("system")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_level_reads_in_both_themes(scheme):
    palette = palette_for(scheme)
    window, base = palette.color(Role.Window), palette.color(Role.Base)
    highlight = palette.color(Role.Highlight)
    for level, fill in enumerate(level_colours(4), start=1):
        word = text_on(fill)
        assert contrast(word, fill) >= AA_TEXT, f"{scheme} level {level}: the word on its tile"
        assert contrast(outline_on(fill, window), window) >= AA_GRAPHICS, f"level {level} edge"
        outer, inner = focus_ring(fill, window, highlight)
        assert contrast(inner, fill) >= AA_GRAPHICS and contrast(outer, window) >= AA_GRAPHICS
    unrated = palette.color(Role.Text)
    assert contrast(unrated, base) >= AA_TEXT, "the word on an unrated tile"
    assert contrast(outline_on(palette.color(Role.Mid), window), window) >= AA_GRAPHICS
    for text, ground in ((Role.WindowText, Role.Window), (Role.Text, Role.Base)):
        assert contrast(palette.color(text), palette.color(ground)) >= AA_TEXT
    assert contrast(chart_bar_colour(window), window) >= AA_GRAPHICS


def test_preferences_switch_to_dark_and_back(qtbot, window, back_to_system_theme):
    def choose_dark(dialog):
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        dialog.accept()

    answer_modal(qtbot, choose_dark)
    window.edit_preferences()
    assert AppSettings().theme() == "dark"
    app_window = QApplication.palette().color(Role.Window)
    assert app_window.lightness() < 80
    qtbot.waitUntil(lambda: window.board.palette().color(Role.Window) == app_window)
    image = window.panel.trend_chart.grab().toImage()
    assert image.pixelColor(1, image.height() - 1) == app_window
    tile = window.board.tiles["pl_vision_alignment"]
    fill, ink, _ = tile.colours()
    assert contrast(ink, fill) >= AA_TEXT

    def choose_light(dialog):
        dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
        dialog.accept()

    answer_modal(qtbot, choose_light)
    window.edit_preferences()
    assert QApplication.palette().color(Role.Window).lightness() > 200


def test_preferences_keep_a_default_folder(qtbot, window, tmp_path):
    folder = tmp_path / "visits"
    folder.mkdir()

    def choose(dialog):
        dialog.folder.setText(str(folder))
        dialog.accept()

    answer_modal(qtbot, choose)
    window.edit_preferences()
    assert AppSettings().default_folder() == folder
    assert window.reports.suggested_path().parent == folder

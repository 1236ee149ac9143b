"""Light, dark, or whatever the system uses: the application's palette.

"Light" and "Dark" use Qt's Fusion style with our palettes, so they look the same on every
platform; "Follow the system" keeps the platform's style and palette, and switches to the
dark palette when the system says it prefers dark but the style would stay light. Widgets
and charts draw from the palette, so they follow every switch at once.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
DEFAULT_THEME = "system"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# A calm dark palette: every text colour reads on its background at WCAG AA or better
# (tests/test_gui_theme.py computes the ratios).
DARK = {
    Role.Window: "#2d2d2d",
    Role.WindowText: "#e8e8e8",
    Role.Base: "#1f1f1f",
    Role.AlternateBase: "#292929",
    Role.ToolTipBase: "#3b3b3b",
    Role.ToolTipText: "#f0f0f0",
    Role.PlaceholderText: "#9a9a9a",
    Role.Text: "#e8e8e8",
    Role.Button: "#383838",
    Role.ButtonText: "#e8e8e8",
    Role.BrightText: "#ff8080",
    Role.Light: "#505050",
    Role.Midlight: "#434343",
    Role.Mid: "#7a7a7a",
    Role.Dark: "#1a1a1a",
    Role.Shadow: "#0d0d0d",
    Role.Highlight: "#4a90d9",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#8ab8ff",
    Role.LinkVisited: "#c89bff",
}
DARK_DISABLED = {
    Role.WindowText: "#8c8c8c",
    Role.Text: "#8c8c8c",
    Role.ButtonText: "#8c8c8c",
    Role.Highlight: "#4d4d4d",
}

# A light palette close to Fusion's, with a mid grey that outlines read against.
LIGHT = {
    Role.Window: "#efefef",
    Role.WindowText: "#1a1a1a",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f5f5f5",
    Role.ToolTipBase: "#ffffdc",
    Role.ToolTipText: "#1a1a1a",
    Role.PlaceholderText: "#6e6e6e",
    Role.Text: "#1a1a1a",
    Role.Button: "#efefef",
    Role.ButtonText: "#1a1a1a",
    Role.BrightText: "#ffffff",
    Role.Light: "#ffffff",
    Role.Midlight: "#cacaca",
    Role.Mid: "#8a8a8a",
    Role.Dark: "#9f9f9f",
    Role.Shadow: "#767676",
    Role.Highlight: "#2f7bc2",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#0b57b0",
    Role.LinkVisited: "#6a3fb0",
}
LIGHT_DISABLED = {
    Role.WindowText: "#8c8c8c",
    Role.Text: "#8c8c8c",
    Role.ButtonText: "#8c8c8c",
    Role.Highlight: "#9d9d9d",
}


def palette_for(scheme: str) -> QPalette:
    """Our palette for "light" or "dark"."""
    colours, disabled = (DARK, DARK_DISABLED) if scheme == "dark" else (LIGHT, LIGHT_DISABLED)
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role, colour in disabled.items():
        palette.setColor(Group.Disabled, role, QColor(colour))
    return palette


def _platform_style(app: QApplication) -> str:
    """The style the platform gave the application (remembered before we change it)."""
    name = app.property("onpointPlatformStyle")
    if not name:
        name = app.style().name()
        app.setProperty("onpointPlatformStyle", name)
    return str(name)


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


class ThemeSwitcher(QObject):
    """Applies a theme to the running application and follows the system when asked
    (for as long as its parent, the main window, lives)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = QApplication.instance()
        self.platform_style = _platform_style(self.app)
        self.theme = DEFAULT_THEME
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)

    def apply(self, theme: str) -> str:
        """Use ``theme`` ("system", "light" or "dark"); returns the scheme now in use."""
        self.theme = theme if theme in THEMES else DEFAULT_THEME
        scheme = self.scheme()
        if self.theme == "system" and scheme == "light":
            self._set_style(self.platform_style)
            self.app.setPalette(self.app.style().standardPalette())
        else:
            self._set_style("fusion")
            self.app.setPalette(palette_for(scheme))
        return scheme

    def scheme(self) -> str:
        if self.theme == "system":
            return "dark" if system_prefers_dark() else "light"
        return self.theme

    def _set_style(self, name: str) -> None:
        known = {k.lower() for k in QStyleFactory.keys()}  # noqa: SIM118 - a Qt call
        if self.app.style().name().lower() != name.lower() and name.lower() in known:
            self.app.setStyle(name)

    def _system_changed(self, _scheme) -> None:
        if self.theme == "system":
            self.apply("system")

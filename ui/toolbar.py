"""The main window's toolbar: the round switcher and the everyday actions, with icons.

Icons are line drawings from ``resources/icons/toolbar`` tinted with the palette (they
follow the theme); the text goes under the icons on a laptop screen and beside them on a
wide one. An action names its icon in its ``data``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from ui.icons import tinted_icon

SMALL_SCREEN_WIDTH = 1600  # narrower than this: the text goes under the icons


class RoundToolbar(QToolBar):
    """Round: [box] ‹ › | groups of actions, separated."""

    def __init__(self, groups: list[list[QAction]], parent: QWidget | None = None):
        super().__init__("Round", parent)
        self.setObjectName("roundToolbar")
        self.setMovable(False)
        label = QLabel(" Rou&nd: ")
        self.round_box = QComboBox()
        self.round_box.setAccessibleName("Round")
        self.round_box.setMinimumContentsLength(16)
        self.round_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        label.setBuddy(self.round_box)
        self.addWidget(label)
        self.addWidget(self.round_box)
        for index, group in enumerate(groups):
            if index:
                self.addSeparator()
            self.addActions(group)
        self.tint_icons()

    def fit_to(self, screen_width: int) -> None:
        """Text beside the icons on a wide screen, under them on a laptop."""
        small = screen_width < SMALL_SCREEN_WIDTH
        under, beside = (
            Qt.ToolButtonStyle.ToolButtonTextUnderIcon,
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon,
        )
        self.setToolButtonStyle(under if small else beside)

    def tint_icons(self) -> None:
        palette = self.palette()
        ink = palette.windowText().color()
        faded = palette.color(palette.ColorGroup.Disabled, palette.ColorRole.WindowText)
        for action in self.actions():
            name = action.data()
            if isinstance(name, str) and name:
                action.setIcon(tinted_icon(name, ink, faded))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.tint_icons()
        super().changeEvent(event)

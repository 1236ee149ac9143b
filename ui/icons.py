"""Toolbar icons: simple line drawings (SVG) shipped in ``resources/icons/toolbar``.

They are drawn in ``currentColor`` and painted here in the palette's text colour, so they
read in light and dark themes alike; nothing is fetched from the network.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from onpoint_desktop.resources import resource_path

SIZES = (16, 24, 32, 48)


def icon_path(name: str):
    return resource_path(f"icons/toolbar/{name}.svg")


def tinted_icon(name: str, colour: QColor, disabled: QColor | None = None) -> QIcon:
    """The toolbar icon ``name`` drawn in ``colour`` (and ``disabled`` when inactive);
    an empty icon (the button shows its text) when the resource is missing."""
    icon = QIcon()
    path = icon_path(name)
    if not path.is_file():
        return icon
    svg = path.read_text(encoding="utf-8")
    for mode, ink in ((QIcon.Mode.Normal, colour), (QIcon.Mode.Disabled, disabled)):
        if ink is None:
            continue
        renderer = QSvgRenderer(QByteArray(svg.replace("currentColor", ink.name()).encode()))
        for size in SIZES:
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter, QRectF(0, 0, size, size))
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon


def app_icon() -> QIcon:
    """The application's own icon (window, taskbar), from the shipped icon files."""
    icon = QIcon()
    for name in ("onpoint.svg", "onpoint-256.png", "onpoint-64.png"):
        path = resource_path(f"icons/{name}")
        if path.exists():
            icon.addFile(str(path))
    return icon

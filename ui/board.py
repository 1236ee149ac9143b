"""The bingo board, read like the framework poster.

Five category columns with their headers, five focus-area tiles under each, and the
cross-cutting data row spanning the full width below. A tile shows the area's name and its
level as colour *and* word; unrated tiles are hatched and outlined; a folded-corner marker
means an evidence note exists.

A click never rates: it selects a tile. A level is set by a key (the tile's keys are
listed by ``ui.tile.tile_keys``, which the keyboard help reads), by the level strip under the
board (its swatches are the legend and act on the selected tile), or by the tile's menu
(right-click, the menu key or Shift+F10). A double-click opens the evidence note. The board
is one stop in the Tab order: Tab enters it on the selected tile, arrows move within it.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGridLayout, QLabel, QMenu, QWidget

from onpoint_desktop.changes import Changes
from onpoint_desktop.compare import level_change
from onpoint_desktop.errors import OnpointError
from onpoint_desktop.framework import FocusArea
from ui.dialogs import show_error
from ui.level_strip import LevelStrip
from ui.palette import level_colours
from ui.session import EXPERT, GAP, DistrictSession, follow
from ui.tile import Tile, swatch_icon, tile_keys


class Board(QWidget):
    """The whole framework for the round on screen, wired to a :class:`DistrictSession`."""

    selectionChanged = Signal(str)  # area id

    def __init__(self, session: DistrictSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: DistrictSession | None = None
        framework = session.framework
        self.framework = framework
        self.keys = tile_keys(framework)
        self.tiles: dict[str, Tile] = {}
        self.positions: dict[tuple[int, int], str] = {}  # (column, row) → area id
        self.wide_areas: list[str] = []  # the cross-cutting row(s), top to bottom
        self._last_column = 0
        self.setAccessibleName("Bingo board")
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setHorizontalSpacing(2)
        grid.setVerticalSpacing(2)
        columns = [c for c in framework.categories if not c.cross_cutting]
        crossing = [c for c in framework.categories if c.cross_cutting]
        self.depth = max(len(c.areas) for c in columns)
        for col, category in enumerate(columns):
            grid.addWidget(_header(category.label), 0, col)
            for row, area in enumerate(category.areas):
                grid.addWidget(self._tile(area), row + 1, col)
                self.positions[col, row] = area.id
            grid.setColumnStretch(col, 1)
        for row in range(1, self.depth + 1):
            grid.setRowStretch(row, 3)
        next_row = self.depth + 1
        for category in crossing:
            grid.addWidget(_header(category.label), next_row, 0, 1, len(columns))
            next_row += 1
            for area in category.areas:
                grid.addWidget(self._tile(area), next_row, 0, 1, len(columns))
                grid.setRowStretch(next_row, 2)
                self.wide_areas.append(area.id)
                next_row += 1
        self.strip = LevelStrip(framework)
        self.strip.levelChosen.connect(lambda level: self._rate(self.selected_area, level))
        self.strip.noteChosen.connect(lambda: self.edit_note(self.selected_area))
        # What-if from the strip too: pointing at a level previews it on the selected tile.
        self.strip.levelConsidered.connect(
            lambda level: (
                self.session.preview(self.selected_area, level) if self.session.round_id else None
            )
        )
        self.strip.considerationEnded.connect(lambda: self.session.clear_preview())
        grid.addWidget(self.strip, next_row, 0, 1, len(columns))
        first = self.positions[0, 0]
        self.selected_area = first
        self.tiles[first].set_current(True)
        self.setFocusProxy(self.tiles[first])
        self.set_session(session)

    def _tile(self, area: FocusArea) -> Tile:
        tile = Tile(area, self.framework, self.keys, self)
        tile.levelRequested.connect(self._rate)
        tile.noteRequested.connect(self.edit_note)
        tile.confirmRequested.connect(self.confirm)
        tile.menuRequested.connect(self._menu)
        tile.moveRequested.connect(self._move)
        tile.selected.connect(self.select)
        self.tiles[area.id] = tile
        return tile

    def set_session(self, session: DistrictSession) -> None:
        follow(
            self.session,
            session,
            {
                "changed": self._changed,
                "roundShown": self.refresh,
                "viewChanged": self.refresh,
                "compareShown": self.show_comparison,
            },
        )
        self.session = session
        self.refresh()

    def refresh(self, *_args) -> None:
        """Show every tile of the round on screen, in the board's view (Expert, District
        or Gap: the expert's level with both levels and the gap as its caption)."""
        enabled = self.session.round_id is not None
        captions = self._gap_captions()
        for area_id, tile in self.tiles.items():
            tile.set_rating(self.session.rating(area_id), captions.get(area_id))
            tile.setEnabled(enabled)
        self.show_comparison()
        self._show_selection()

    def show_comparison(self, *_args) -> None:
        """Mark each tile with its change since the round compared with (▲ ▼ and the
        level then); no marks when not comparing."""
        comparing = self.session.compare_round_id not in (None, self.session.round_id)
        then = self.session.compared_levels() if comparing else {}
        for area_id, tile in self.tiles.items():
            mark = level_change(tile.rating.level, then.get(area_id)) if comparing else ""
            tile.set_comparison((mark, then.get(area_id)) if mark else None)

    def _gap_captions(self) -> dict[str, str]:
        if self.session.board_view != GAP:
            return {}
        fw = self.framework
        captions = {}
        for g in self.session.perspective_gaps():
            expert = "–" if g.expert is None else str(g.expert)
            district = "–" if g.district is None else str(g.district)
            gap = f"   {g.gap_text}" if g.gap_text and g.gap else ""
            captions[g.area] = f"{expert} → {district}{gap}"
            if g.expert is None and g.district is None:
                captions[g.area] = fw.level_label(None)
        return captions

    def _changed(self, change: Changes) -> None:
        if change.rounds:
            self.refresh()
            return
        view = self.session.board_view
        if (view != EXPERT and change.evidence_of(self.session.round_id)) or (
            view == GAP and change.rated_areas(self.session.round_id)
        ):
            self.refresh()
            return
        areas = change.rated_areas(self.session.round_id)
        for area_id in areas:
            self.tiles[area_id].set_rating(self.session.rating(area_id))
        if areas and self.session.compare_round_id is not None:
            self.show_comparison()
        if self.selected_area in areas:
            self._show_selection()

    # --- selection -------------------------------------------------------------------------

    def select(self, area_id: str) -> None:
        """Make ``area_id`` the selected tile (the board's Tab stop and the strip's target)."""
        if area_id != self.selected_area:
            self.tiles[self.selected_area].set_current(False)
            self.selected_area = area_id
            tile = self.tiles[area_id]
            tile.set_current(True)
            self.setFocusProxy(tile)
            self.selectionChanged.emit(area_id)
        self._show_selection()

    def _show_selection(self) -> None:
        area = self.framework.areas[self.selected_area]
        enabled = self.session.round_id is not None
        self.strip.show_target(area, self.session.rating(area.id), enabled)

    def focus_selected(self) -> None:
        self.tiles[self.selected_area].setFocus(Qt.FocusReason.OtherFocusReason)

    # --- actions ---------------------------------------------------------------------------

    def _rate(self, area_id: str, level: int | None) -> None:
        try:
            self.session.set_level(area_id, level)
        except OnpointError as exc:
            show_error(self, "Could not save the rating", exc)

    def confirm(self, area_id: str | None = None) -> int:
        """Confirm the carried rating of ``area_id`` (None: every carried rating)."""
        try:
            return self.session.confirm(area_id)
        except OnpointError as exc:
            show_error(self, "Could not confirm the rating", exc)
            return 0

    def edit_note(self, area_id: str) -> None:
        from ui.note_dialog import NoteDialog

        dialog = NoteDialog(self.session, area_id, self)
        if dialog.exec():
            try:
                self.session.set_rating(area_id, dialog.level(), dialog.note())
            except OnpointError as exc:
                show_error(self, "Could not save the evidence note", exc)

    def rating_menu(self, area_id: str) -> QMenu:
        """The menu of a tile: each level (current one checked), clear, evidence note."""
        menu = QMenu(self)
        current = self.session.rating(area_id).level
        fills = level_colours(len(self.framework.levels))
        for level in self.framework.levels:
            action = QAction(f"&{level.level}  {level.label}", menu)
            action.setIcon(swatch_icon(fills[level.level - 1]))
            action.setCheckable(True)
            action.setChecked(level.level == current)
            action.triggered.connect(lambda _=False, lv=level.level: self._rate(area_id, lv))
            # What-if: moving onto a level (mouse or arrow keys) previews its score.
            action.hovered.connect(lambda lv=level.level: self.session.preview(area_id, lv))
            menu.addAction(action)
        clear = menu.addAction("&0  Clear rating")
        clear.setEnabled(current is not None)
        clear.triggered.connect(lambda: self._rate(area_id, None))
        clear.hovered.connect(lambda: self.session.preview(area_id, None))
        if self.session.rating(area_id).carried:
            keep = menu.addAction("&Confirm carried rating")
            keep.triggered.connect(lambda: self.confirm(area_id))
        menu.addSeparator()
        note = menu.addAction("Evidence &note…")
        note.triggered.connect(lambda: self.edit_note(area_id))
        note.hovered.connect(self.session.clear_preview)
        return menu

    def _menu(self, area_id: str, where: QPoint) -> None:
        menu = self.rating_menu(area_id)
        # Leaving the menu (Escape, a choice, a click outside) leaves no preview behind.
        menu.aboutToHide.connect(self.session.clear_preview)
        menu.exec(where)

    def _move(self, area_id: str, dx: int, dy: int) -> None:
        target = self.neighbour(area_id, dx, dy)
        if target:
            self.tiles[target].setFocus(Qt.FocusReason.OtherFocusReason)

    def neighbour(self, area_id: str, dx: int, dy: int) -> str | None:
        """The area one step away. The data row is below every column; going back up
        returns to the column the user came down from."""
        if area_id in self.wide_areas:
            if dx:
                return None
            index = self.wide_areas.index(area_id) + dy
            if index < 0:
                return self.positions.get((self._last_column, self.depth - 1))
            return self.wide_areas[index] if index < len(self.wide_areas) else None
        col, row = next(pos for pos, a in self.positions.items() if a == area_id)
        self._last_column = col
        if row + dy == self.depth and self.wide_areas:
            return self.wide_areas[0]
        return self.positions.get((col + dx, row + dy))


def _header(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("categoryHeader")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setStyleSheet(
        "QLabel#categoryHeader { padding: 4px 2px; border-bottom: 2px solid palette(mid); }"
    )
    return label

"""The HQ window's view of ``sync.overview``: districts with their rounds.

It sorts by any column; numbers and stages sort by value, not by their text. Districts
that share a name (two UUIDs) say so in their tooltip and are marked.

The rows are a model over the store's document (``hq_overview.heads_overview``), not an
item per cell: a national store's 13,000 districts and 39,000 rounds cost nothing until
they are on screen, and sorting orders a Python list by each row's value.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView

from onpoint_desktop import framework

SORT_KEY = Qt.ItemDataRole.UserRole
TREE_COLUMNS = (
    "District / round",
    "Stage",
    "Score",
    "Complete",
    "Teachers",
    "Leaders",
    "Conflicts",
    "Bundles",
    "Consultants",
)
CONFLICTS, BUNDLES, CONSULTANTS = 6, 7, 8
NUMERIC = {2, 4, 5, CONFLICTS, BUNDLES}
DASH = "—"
ROWS_MEASURED = 200  # rows a column's width is fitted to (not all of a national store's)
Cell = tuple[str, Any]  # the text shown and the value it sorts by (None: by its text)
_TOP = QModelIndex()  # the invisible root: districts are its rows
_BOLD = QFont()
_BOLD.setBold(True)


def _round_cells(rnd: dict[str, Any], fw, column: int) -> Cell:
    if column == 1:
        return fw.stage_label(rnd["stage"]), fw.stage_ids.index(rnd["stage"])
    if column == 2:
        total = rnd["total"]
        return (DASH, -1.0) if total is None else (f"{total:.1f}", total)
    if column == 3:
        return ("yes" if rnd["complete"] else "provisional"), int(rnd["complete"])
    if column in (4, 5):
        n = rnd["respondents"].get("teacher" if column == 4 else "leader", 0)
        return f"{n:,}", n
    return "", None


class _District:
    """One district's row, and its rounds' conflicts counted."""

    __slots__ = ("_conflicts", "_signers", "doc", "order", "rounds")

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.rounds: list[dict[str, Any]] = doc["rounds"]
        self.order = list(range(len(self.rounds)))  # the rounds as shown (sorted)
        self._conflicts: dict[str, int] | None = None
        self._signers: str | None = None

    @property
    def conflicts(self) -> dict[str, int]:
        """Round id → its conflicts (counted when first shown: most districts never are)."""
        if self._conflicts is None:
            self._conflicts = {}
            for c in self.doc["conflicts"]:
                self._conflicts[c["round"]] = self._conflicts.get(c["round"], 0) + 1
        return self._conflicts

    @property
    def signers(self) -> str:
        if self._signers is None:
            self._signers = ", ".join(s["name"] for s in self.doc["signers"])
        return self._signers

    def cell(self, column: int, fw) -> Cell:
        d = self.doc
        if column == 0:
            twin = " (2 districts share this name)" if d.get("same_name_as") else ""
            return d["name"] + twin, None
        if column == CONFLICTS:
            n = len(d["conflicts"])
            return str(n), n
        if column == BUNDLES:
            return str(d["bundles"]), d["bundles"]
        if column == CONSULTANTS:
            return self.signers, None
        if self.rounds:  # a district shows its latest round's figures
            return _round_cells(self.rounds[-1], fw, column)
        return "", None

    def round_cell(self, position: int, column: int, fw) -> Cell:
        rnd = self.rounds[position]
        if column == 0:
            return rnd["label"], position
        if column == CONFLICTS:
            n = self.conflicts.get(rnd["id"], 0)
            return (str(n) if n else ""), n
        if column in (BUNDLES, CONSULTANTS):
            return "", None
        return _round_cells(rnd, fw, column)

    def sort_rounds(self, column: int, fw, reverse: bool) -> None:
        self.order.sort(key=lambda i: _sort_key(self.round_cell(i, column, fw)), reverse=reverse)

    def tooltip(self, column: int) -> str | None:
        d = self.doc
        if column == 0:
            twin = d.get("same_name_as")
            return f"District UUID {d['uuid']}" + (
                f"; another district has this name: {', '.join(twin)}" if twin else ""
            )
        if column == 2 and self.rounds:
            return f"Latest round: {self.rounds[-1]['label']}"
        if column == CONSULTANTS:
            return self.signers
        return None


def _sort_key(cell: Cell) -> tuple:
    text, key = cell
    return (0, key) if key is not None else (1, text.casefold())


class DistrictModel(QAbstractItemModel):
    """Districts at the top level (internal id 0), each one's rounds beneath it (internal
    id: its district's row + 1)."""

    def __init__(self) -> None:
        super().__init__()
        self.fw = framework.framework()
        self.districts: list[_District] = []

    def show(self, districts: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.districts = [_District(d) for d in districts]
        self.endResetModel()

    # --- the shape -------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex = _TOP) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex = _TOP) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: QModelIndex = _TOP) -> int:
        if not parent.isValid():
            return len(self.districts)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.districts[parent.row()].rounds)
        return 0

    def columnCount(self, parent: QModelIndex = _TOP) -> int:
        return len(TREE_COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return TREE_COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    # --- the cells -------------------------------------------------------------------------

    def _cell(self, index: QModelIndex) -> Cell:
        if index.internalId() == 0:
            return self.districts[index.row()].cell(index.column(), self.fw)
        district = self.districts[index.internalId() - 1]
        return district.round_cell(district.order[index.row()], index.column(), self.fw)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(index)[0]
        if role == SORT_KEY:
            return self._cell(index)[1]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if column == CONFLICTS and role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole):
            if not self._cell(index)[1]:
                return None  # no conflict: nothing to look at
            return _BOLD if role == Qt.ItemDataRole.FontRole else "See the Conflicts tab"
        if role == Qt.ItemDataRole.ToolTipRole and index.internalId() == 0:
            return self.districts[index.row()].tooltip(column)
        return None

    # --- sorting ---------------------------------------------------------------------------

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Districts by the column's value, and each district's rounds among themselves;
        rows without a value (or text columns) by their text."""
        reverse = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        kept = [(p, self._place(p)) for p in self.persistentIndexList()]
        self.districts.sort(key=lambda d: _sort_key(d.cell(column, self.fw)), reverse=reverse)
        for d in self.districts:
            d.sort_rounds(column, self.fw, reverse)
        rows = {id(d): row for row, d in enumerate(self.districts)}
        for index, (district, position) in kept:
            row = rows[id(district)]
            if position is None:
                new = self.createIndex(row, index.column(), 0)
            else:
                new = self.createIndex(district.order.index(position), index.column(), row + 1)
            self.changePersistentIndex(index, new)
        self.layoutChanged.emit()

    def _place(self, index: QModelIndex | QPersistentModelIndex) -> tuple[_District, int | None]:
        """The district of a row, and the round it shows (None: the district's own row)."""
        if index.internalId() == 0:
            return self.districts[index.row()], None
        district = self.districts[index.internalId() - 1]
        return district, district.order[index.row()]


class DistrictTree(QTreeView):
    """Districts (their latest round's figures) with their rounds beneath."""

    def __init__(self) -> None:
        super().__init__()
        self.districts = DistrictModel()
        self.setModel(self.districts)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAccessibleName("Districts and rounds")
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header().setResizeContentsPrecision(ROWS_MEASURED)
        self.header().setStretchLastSection(True)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def show_districts(self, districts: list[dict[str, Any]]) -> None:
        self.districts.show(districts)
        header = self.header()
        self.districts.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if len(districts) <= 30:
            self.expandAll()
        for column in range(len(TREE_COLUMNS) - 1):  # the rows on screen decide the widths
            self.resizeColumnToContents(column)

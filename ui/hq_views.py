"""The HQ window's view of ``sync.overview``: districts with their rounds.

It sorts by any column; numbers and stages sort by value, not by their text. Districts
that share a name (two UUIDs) say so in their tooltip and are marked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
)

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


class SortedItem(QTreeWidgetItem):
    """A row that sorts by the value kept under ``SORT_KEY``, else by its text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        column = self.treeWidget().sortColumn() if self.treeWidget() else 0
        mine, theirs = self.data(column, SORT_KEY), other.data(column, SORT_KEY)
        if mine is not None and theirs is not None:
            return mine < theirs
        return self.text(column).casefold() < other.text(column).casefold()


def _set(item: QTreeWidgetItem, column: int, text: str, key: Any = None) -> None:
    item.setText(column, text)
    if key is not None:
        item.setData(column, SORT_KEY, key)
    if column in NUMERIC:
        item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _round_cells(item: QTreeWidgetItem, rnd: dict[str, Any], fw) -> None:
    total = rnd["total"]
    _set(item, 1, fw.stage_label(rnd["stage"]), fw.stage_ids.index(rnd["stage"]))
    _set(item, 2, DASH if total is None else f"{total:.1f}", -1.0 if total is None else total)
    _set(item, 3, "yes" if rnd["complete"] else "provisional", int(rnd["complete"]))
    teachers = rnd["respondents"].get("teacher", 0)
    leaders = rnd["respondents"].get("leader", 0)
    _set(item, 4, f"{teachers:,}", teachers)
    _set(item, 5, f"{leaders:,}", leaders)


def _conflicts(item: QTreeWidgetItem, n: int, none: str) -> None:
    _set(item, CONFLICTS, str(n) if n else none, n)
    if n:  # something for an analyst to look at
        font = item.font(CONFLICTS)
        font.setBold(True)
        item.setFont(CONFLICTS, font)
        item.setToolTip(CONFLICTS, "See the Conflicts tab")


class DistrictTree(QTreeWidget):
    """Districts (their latest round's figures) with their rounds beneath."""

    def __init__(self) -> None:
        super().__init__()
        self.setColumnCount(len(TREE_COLUMNS))
        self.setHeaderLabels(TREE_COLUMNS)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAccessibleName("Districts and rounds")
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        for column in NUMERIC:
            self.headerItem().setTextAlignment(
                column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def show_districts(self, districts: list[dict[str, Any]]) -> None:
        fw = framework.framework()
        self.setSortingEnabled(False)
        self.clear()
        for d in districts:
            top = SortedItem(self)
            twin = d.get("same_name_as")
            _set(top, 0, d["name"] + (" (2 districts share this name)" if twin else ""))
            top.setToolTip(
                0,
                f"District UUID {d['uuid']}"
                + (f"; another district has this name: {', '.join(twin)}" if twin else ""),
            )
            by_round: dict[str, int] = {}
            for c in d["conflicts"]:
                by_round[c["round"]] = by_round.get(c["round"], 0) + 1
            if d["rounds"]:
                latest = d["rounds"][-1]
                _round_cells(top, latest, fw)
                top.setToolTip(2, f"Latest round: {latest['label']}")
            _set(top, BUNDLES, str(d["bundles"]), d["bundles"])
            names = ", ".join(s["name"] for s in d["signers"])
            _set(top, CONSULTANTS, names)
            top.setToolTip(CONSULTANTS, names)
            _conflicts(top, len(d["conflicts"]), "0")
            for position, rnd in enumerate(d["rounds"]):
                child = SortedItem(top)
                _set(child, 0, rnd["label"], position)
                _round_cells(child, rnd, fw)
                _conflicts(child, by_round.get(rnd["id"], 0), "")
        self.setSortingEnabled(True)
        if len(districts) <= 30:
            self.expandAll()

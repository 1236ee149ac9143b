"""The HQ window at national scale: the districts tree and the national picture.

A national store lists 13,000 districts; the tree holds no item per cell, so these tests
read it as a view does, through its model. Its national picture has hundreds of pairs
of consultants: they scroll, and never make the window taller than the screen."""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, Qt

from ui.hq_dashboard import ROWS_SHOWN, Dashboard, _fill
from ui.hq_views import DistrictTree


def _round(rid: str, stage: str, total: float | None, teachers: int = 40) -> dict:
    return {
        "id": rid,
        "label": rid,
        "stage": stage,
        "total": total,
        "complete": total is not None,
        "respondents": {"teacher": teachers, "leader": 6},
    }


def _district(name: str, uuid: str, rounds: list[dict], conflicts: int = 0, twin=()) -> dict:
    return {
        "uuid": uuid,
        "name": name,
        "same_name_as": list(twin),
        "bundles": len(rounds),
        "signers": [{"name": "Ana Ruiz"}],
        "rounds": rounds,
        "conflicts": [{"round": rounds[-1]["id"]}] * conflicts,
    }


DOCUMENT = [
    _district(
        "Alder", "a", [_round("2023-24", "planning", 980.0), _round("2024-25", "year1", 95.5)]
    ),
    _district("birch", "b", [_round("2024-25", "year2", 610.0)], conflicts=2),
    _district("Cedar", "c", [_round("2024-25", "year1", None)]),
    _district("Cedar", "c2", [_round("2024-25", "year3", 700.25)], twin=["c"]),
]


def _column(tree: DistrictTree, column: int, parent=None) -> list[str]:
    model = tree.model()
    parent = parent if parent is not None else model.index(-1, -1)
    return [model.index(row, column, parent).data() for row in range(model.rowCount(parent))]


def test_districts_show_their_latest_round_and_sort_by_value_not_text(qtbot):
    tree = DistrictTree()
    qtbot.addWidget(tree)
    tree.show_districts(DOCUMENT)
    model = tree.model()
    assert _column(tree, 0) == ["Alder", "birch", "Cedar", "Cedar (2 districts share this name)"]
    assert _column(tree, 2) == ["95.5", "610.0", "—", "700.2"]  # the latest round's score
    assert model.index(1, 6).data() == "2"
    assert model.index(1, 6).data(Qt.ItemDataRole.FontRole).bold()  # something to look at
    assert model.index(0, 6).data(Qt.ItemDataRole.FontRole) is None
    assert "another district has this name: c" in model.index(3, 0).data(
        Qt.ItemDataRole.ToolTipRole
    )
    tree.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by value: 95.5 before 610 and 700
    assert _column(tree, 2) == ["—", "95.5", "610.0", "700.2"]
    tree.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert _column(tree, 0)[0] == "Cedar (2 districts share this name)"
    assert _column(tree, 0)[2:] == ["Alder", "Cedar"]
    alder = model.index(2, 0)
    assert _column(tree, 2, alder) == ["980.0", "95.5"]  # its rounds sorted too
    tree.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # stages in their order, not A-Z
    assert _column(tree, 1) == ["Year 1", "Year 1", "Year 2", "Year 3+"]


def test_sorting_keeps_the_row_the_analyst_had_selected_and_expanded(qtbot):
    tree = DistrictTree()
    qtbot.addWidget(tree)
    tree.show_districts(DOCUMENT)
    model = tree.model()
    birch = model.index(1, 0)
    tree.expand(birch)
    tree.setCurrentIndex(model.index(0, 0, birch))
    kept = QPersistentModelIndex(birch)
    tree.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # birch moves from row 1 to row 2
    assert kept.row() == 2 and kept.data() == "birch"
    assert tree.isExpanded(model.index(2, 0))
    assert tree.currentIndex().parent().data() == "birch"
    assert tree.currentIndex().data() == "2024-25"


def test_a_new_document_replaces_the_rows_and_keeps_the_sort(qtbot):
    tree = DistrictTree()
    qtbot.addWidget(tree)
    tree.show_districts(DOCUMENT)
    tree.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # bundles
    tree.show_districts(DOCUMENT[1:])
    assert _column(tree, 7) == ["1", "1", "1"]
    assert tree.header().sortIndicatorSection() == 7
    tree.show_districts([])
    assert tree.model().rowCount() == 0


def test_the_national_picture_scrolls_instead_of_growing_with_the_store(qtbot):
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    few = dashboard.minimumSizeHint().height()
    pairs = [
        [f"Consultant {i} and Consultant {i + 1}", "1", "25", "80%", "96%", "0.81", "—"]
        for i in range(400)  # a national store's pairs of consultants
    ]
    _fill(dashboard.agreement, pairs)
    _fill(dashboard.packs, [["Pack", "2026-06-30", "onpoint-1", "Year 2 5227"]] * 40)
    assert dashboard.agreement.rowCount() == 400
    rows = dashboard.agreement.verticalHeader().defaultSectionSize()
    assert dashboard.agreement.height() < (ROWS_SHOWN + 3) * rows  # the rest scroll inside
    assert dashboard.minimumSizeHint().height() == few  # the window is never forced taller

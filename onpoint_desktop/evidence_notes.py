"""The evidence overview: every note of a round in one searchable list (SPEC §11).

One row per focus area rated in the round (its current rating: the latest event), with the
evidence note, who wrote it and when; filtered by words in the note, the area or the
author, by category, by level, by whether there is a note, by author. The CLI
(``onpoint notes``) and the GUI's evidence list both call :func:`evidence_notes`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from onpoint_desktop.errors import InputError

if TYPE_CHECKING:
    from onpoint_desktop.workspace import Workspace


@dataclass(frozen=True)
class EvidenceNote:
    """One rated focus area of a round, with its evidence note (or None)."""

    round_id: str
    area_id: str
    area: str  # the area's label
    category_id: str
    category: str  # the category's label
    level: int
    level_label: str
    note: str | None
    author: str
    created_at: str

    def as_json(self) -> dict:
        return asdict(self)


def evidence_notes(
    ws: Workspace,
    round_id: str,
    *,
    search: str | None = None,
    category: str | None = None,
    level: int | None = None,
    has_note: bool | None = None,
    author: str | None = None,
) -> list[EvidenceNote]:
    """The round's rated areas with their notes, in board order, filtered.

    ``search``: words that must all appear (any case) in the note, the area's name, its
    category or the author. ``category``: a category id or label. ``level``: the rating
    level. ``has_note``: True only notes, False only ratings without one. ``author``: who
    rated (any case)."""
    fw = ws.framework
    ws.get_round(round_id)
    if category is not None:
        wanted = category.strip().lower()
        matches = [c for c in fw.categories if wanted in (c.id.lower(), c.label.lower())]
        if not matches:
            names = ", ".join(c.id for c in fw.categories)
            raise InputError(f"Unknown category '{category}'; use one of: {names}.")
        category = matches[0].id
    if level is not None and level not in range(1, fw.max_level + 1):
        raise InputError(f"Rating level must be 1–{fw.max_level}, not {level}.")
    words = (search or "").lower().split()
    board = ws.board(round_id)
    found = []
    for cat in fw.categories:
        for area in cat.areas:
            event = board.get(area.id)
            if event is None or event.level is None:
                continue
            row = EvidenceNote(
                round_id=round_id,
                area_id=area.id,
                area=area.label,
                category_id=cat.id,
                category=cat.label,
                level=event.level,
                level_label=fw.level_label(event.level),
                note=event.note,
                author=event.author,
                created_at=event.created_at,
            )
            if category is not None and cat.id != category:
                continue
            if level is not None and row.level != level:
                continue
            if has_note is not None and bool(row.note) != has_note:
                continue
            if author is not None and row.author.lower() != author.strip().lower():
                continue
            text = " ".join((row.note or "", row.area, row.area_id, row.category, row.author))
            if not all(w in text.lower() for w in words):
                continue
            found.append(row)
    return found

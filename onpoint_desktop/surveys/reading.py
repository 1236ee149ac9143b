"""Reading the responses of a survey file through a column mapping, chunk by chunk.

For each chunk of rows: blank lines are dropped; rows the tool marks as previews, tests
or spam are skipped, as are rows that answer no item and repeats of a response id
already seen in the file; each remaining row gets its stable response key (the export's
response id, else a hash of the whole row plus its occurrence count) and its answers are
read into an integer matrix (vectorised, one reading per distinct text). The result is a
``ResponseTable`` per chunk and running totals for the summary.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from onpoint_desktop.errors import Cancelled
from onpoint_desktop.framework import Instrument
from onpoint_desktop.surveys.answers import UNKNOWN_CODE, AnswerScale, Reading, code_column
from onpoint_desktop.surveys.formats import Layout
from onpoint_desktop.surveys.mapping import COMMENT, ColumnMapping
from onpoint_desktop.surveys.sources import Chunk, SourceFile
from onpoint_desktop.surveys.text import normalise
from onpoint_desktop.workspace.response_table import ResponseTable

MAX_LISTED = 10  # unknown answers listed in a message or preview
SHOWN_CHARS = 60  # of an unknown answer, in a message or preview
EMPTY, DUPLICATE = "empty", "duplicate"

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class UnknownAnswer:
    """An answer that is neither a scale point nor missing, where the file has it."""

    row: int  # spreadsheet row number
    column: str  # the column's label (letter and header)
    value: str


@dataclass
class ScanTotals:
    """What reading a file found (rows are data rows, blank lines not counted)."""

    rows_read: int = 0
    kept: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → rows
    unknown: list[UnknownAnswer] = field(default_factory=list)  # the first MAX_LISTED
    unknown_count: int = 0
    unknown_by_item: Counter = field(default_factory=Counter)
    recodes: Counter = field(default_factory=Counter)  # missing recode → answers
    variants: dict[str, dict[int, set[str]]] = field(default_factory=dict)  # per item
    schools: Counter = field(default_factory=Counter)  # school → kept rows
    comments: int = 0
    labelled: bool = False  # some answers were labels (not numeric codes)


class ResponseReader:
    """Reads a survey file's responses for one instrument through a mapping."""

    def __init__(
        self,
        source: SourceFile,
        layout: Layout,
        mapping: ColumnMapping,
        instrument: Instrument,
        *,
        keep_comments: bool = False,
        unknown_as_missing: bool = False,
    ) -> None:
        self.source, self.layout = source, layout
        self.scale = AnswerScale.for_instrument(instrument)
        order = {item: i for i, item in enumerate(instrument.item_ids)}
        self.items = sorted(mapping.item_columns, key=lambda u: order.get(u.item, len(order)))
        self.item_ids = tuple(u.item or "" for u in self.items)
        school = mapping.school_column
        self.school = school.column.index if school else None
        self.comments = [u.column.index for u in mapping.with_use(COMMENT)] if keep_comments else []
        self.unknown_as_missing = unknown_as_missing
        self.hash_rows = not layout.key_columns
        self.cache: dict[str, Reading] = {}
        self.seen_ids: set[str] = set()
        self.occurrences: Counter = Counter()
        self.totals = ScanTotals()

    def read(
        self,
        on_table: Callable[[ResponseTable], np.ndarray] | None = None,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ScanTotals:
        """Read every row; ``on_table`` gets each chunk's responses and returns which rows
        were stored (schools are counted over those; without it, over all kept rows)."""
        item_cols = {u.column.index for u in self.items}
        needed = item_cols | set(self.layout.key_columns) | set(self.layout.skip_values)
        needed |= set(self.comments) | ({self.school} if self.school is not None else set())
        columns = None if self.hash_rows else sorted(needed)
        total = self.source.estimated_rows(self.layout.header_rows)
        done = 0
        for chunk in self.source.body(
            self.layout.header_rows,
            self.layout.width,
            columns,
        ):
            if cancel is not None and cancel():
                raise Cancelled()
            table = self._read_chunk(chunk)
            if table is not None and len(table):
                stored = on_table(table) if on_table else np.ones(len(table), dtype=bool)
                self.totals.schools.update(
                    s or "" for s, new in zip(table.schools, stored, strict=False) if new
                )
            done += len(chunk.frame)
            if progress is not None:
                progress(done, max(total, done))
        if progress is not None:
            progress(done, done)
        return self.totals

    def _read_chunk(self, chunk: Chunk) -> ResponseTable | None:
        frame, totals = chunk.frame, self.totals
        rows = np.arange(len(frame)) + chunk.first_row
        coded = [code_column(self.scale, frame[u.column.index], self.cache) for u in self.items]
        filled = np.zeros(len(frame), dtype=bool)
        for col in frame.columns:
            if col not in {u.column.index for u in self.items}:
                filled |= _text(frame[col]) != ""
        answered = np.zeros(len(frame), dtype=bool)
        for c in coded:
            answered |= c.answered
        filled |= answered
        reasons = np.full(len(frame), "", dtype=object)
        for col, values in self.layout.skip_values.items():
            reasons = np.where(reasons == "", _lookup(frame[col], values), reasons)
        reasons = np.where((reasons == "") & ~answered, EMPTY, reasons)
        keys = self._keys(frame, filled)
        for i in np.flatnonzero((reasons == "") & filled):
            if keys[i].startswith("row:"):
                continue
            if keys[i] in self.seen_ids:
                reasons[i] = DUPLICATE
            else:
                self.seen_ids.add(keys[i])
        reasons = reasons[filled]
        keep = reasons == ""
        totals.rows_read += int(filled.sum())
        totals.kept += int(keep.sum())
        totals.skipped.update(r for r in reasons.tolist() if r)
        if not self.items:
            return None
        rows, keys = rows[filled], [k for k, f in zip(keys, filled, strict=False) if f]
        values = np.zeros((int(keep.sum()), len(self.items)), dtype=np.int8)
        for j, (use, column) in enumerate(zip(self.items, coded, strict=False)):
            codes = column.codes[filled]
            recodes, _unknown, variants = column.tally(_expand(filled, keep))
            totals.recodes.update(recodes)
            for point, labels in variants.items():
                totals.variants.setdefault(use.item or "", {}).setdefault(point, set()).update(
                    labels
                )
                totals.labelled = True
            bad = np.flatnonzero(keep & (codes == UNKNOWN_CODE))
            if len(bad):
                totals.unknown_count += len(bad)
                totals.unknown_by_item[use.item] += len(bad)
                texts = _text(frame[use.column.index])[filled]
                for pos in bad[: max(0, MAX_LISTED - len(totals.unknown))]:
                    totals.unknown.append(
                        UnknownAnswer(int(rows[pos]), use.column.label, _shown(str(texts[pos])))
                    )
            values[:, j] = np.where(codes == UNKNOWN_CODE, 0, codes)[keep]
        kept_rows = np.flatnonzero(keep)
        return ResponseTable(
            self.item_ids,
            [keys[i] for i in kept_rows],
            values,
            self._schools(frame, filled)[kept_rows].tolist(),
            self._comments(frame, filled, kept_rows),
        )

    def _keys(self, frame: pd.DataFrame, filled: np.ndarray) -> list[str]:
        """Stable response keys: the export's id, else a hash of the row + occurrence."""
        n = len(frame)
        ids = [""] * n
        if self.layout.key_columns:
            parts = [_text(frame[c]).astype(object) for c in self.layout.key_columns]
            joined = parts[0]
            for p in parts[1:]:
                joined = joined + "\x1f" + p
            ids = [s.strip() if len(parts) == 1 else s for s in joined.tolist()]
            if len(parts) > 1:
                ids = ["" if not s.replace("\x1f", "").strip() else s for s in ids]
        fmt = self.layout.format
        keys: list[str] = []
        whole: list[str] | None = None
        for i in range(n):
            if ids[i]:
                if len(self.layout.key_columns) == 1:
                    keys.append(f"{fmt}:{ids[i]}")
                else:
                    keys.append(f"{fmt}:{_digest(ids[i])}")
                continue
            if whole is None:
                whole = _joined_rows(frame)
            digest = _digest(whole[i])
            if filled[i]:
                self.occurrences[digest] += 1
            keys.append(f"row:{digest}:{self.occurrences[digest]}")
        return keys

    def _schools(self, frame: pd.DataFrame, filled: np.ndarray) -> np.ndarray:
        if self.school is None:
            return np.full(int(filled.sum()), None, dtype=object)
        names = [" ".join(s.split()) or None for s in _text(frame[self.school])[filled].tolist()]
        return np.array(names, dtype=object)

    def _comments(
        self, frame: pd.DataFrame, filled: np.ndarray, kept_rows: np.ndarray
    ) -> list[str | None] | None:
        if not self.comments:
            return None
        columns = [(_text(frame[c])[filled])[kept_rows].tolist() for c in self.comments]
        joined = [
            "\n".join(t.strip() for t in texts if t.strip()) or None
            for texts in zip(*columns, strict=False)
        ]
        self.totals.comments += sum(1 for c in joined if c)
        return joined


def _shown(value: str) -> str:
    """An answer as quoted in messages: a cell of any length stays one readable line."""
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 3].rstrip() + "..."


def _text(cells: pd.Series) -> np.ndarray:
    """Cells as a numpy object array of str ('' for blanks)."""
    return cells.fillna("").to_numpy(dtype=object)


def _lookup(cells: pd.Series, values: dict[str, str]) -> np.ndarray:
    positions, uniques = pd.factorize(pd.Series(_text(cells)))
    lut = np.array([values.get(normalise(u), "") for u in uniques] + [""], dtype=object)
    return lut[positions]


def _expand(filled: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """A mask over all chunk rows from a mask over the filled rows."""
    mask = np.zeros(len(filled), dtype=bool)
    mask[np.flatnonzero(filled)[keep]] = True
    return mask


def _joined_rows(frame: pd.DataFrame) -> list[str]:
    joined = None
    for col in frame.columns:
        cells = _text(frame[col])
        joined = cells if joined is None else joined + "\x1f" + cells
    return joined.tolist() if joined is not None else [""] * len(frame)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

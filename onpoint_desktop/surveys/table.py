"""Read the rows: a survey file's body, read once, as a table of distinct texts.

Every column the import may use (questions, school, comments, the response id, status and
partial-response fields; never identifying or tool metadata) is kept as its distinct texts
and, per row, the index of its text: a Likert column of 100,000 answers is five or six
texts and 100,000 small integers. Mapping columns and answers then looks at every distinct
text once, and coding rows is a lookup. Blank rows are dropped (not counted as read); rows
without a response id get a hash of the whole row, so their key is stable (SPEC §2).

What the table keeps is charged to the file's memory budget as it grows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from onpoint_desktop.errors import Cancelled
from onpoint_desktop.surveys.budget import TEXT_OVERHEAD
from onpoint_desktop.surveys.header import Layout
from onpoint_desktop.surveys.readers import SourceFile
from onpoint_desktop.surveys.text import normalise

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
DIGEST_COST = 100  # bytes a row's hash costs where it is kept
WIDE = 256  # columns from which blank columns are found for the whole chunk at once


@dataclass
class FileColumn:
    """One column of the file: its distinct texts (code 0 is the blank cell), and per row
    the code of its text."""

    texts: list[str]
    codes: np.ndarray  # int32 per table row

    def counts(self) -> np.ndarray:
        """How many rows hold each text."""
        return np.bincount(self.codes, minlength=len(self.texts))

    def cells(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The texts of the rows (all rows, or those selected), as an object array."""
        codes = self.codes if rows is None else self.codes[rows]
        return np.asarray(self.texts, dtype=object)[codes]

    def blank_codes(self) -> np.ndarray:
        """Per code: the text is blank or only spaces."""
        return np.array([not t.strip() for t in self.texts], dtype=bool)


@dataclass
class SurveyTable:
    """The body of a survey file, read: data rows only (blank rows dropped)."""

    rows: np.ndarray  # spreadsheet row number of each data row
    columns: dict[int, FileColumn]  # by the file's column position
    digests: np.ndarray  # object: a hash of the whole row where it has no response id
    marked: np.ndarray  # object: why the tool marks the row ("preview", "test", "spam"), or ""
    scanned: int = 0  # rows read, blank ones included

    def __len__(self) -> int:
        return len(self.rows)


class _ColumnBuilder:
    """One column as it is read: per chunk, each row's index into that chunk's distinct
    texts; the texts of all chunks are merged once at the end (vectorised)."""

    def __init__(self) -> None:
        self.parts: list[tuple[int, np.ndarray, np.ndarray]] = []  # (first row, codes, texts)

    def add(self, start: int, positions: np.ndarray, uniques: np.ndarray, budget) -> None:
        texts = sum(map(len, uniques)) + TEXT_OVERHEAD * len(uniques)
        budget.charge(4 * len(positions) + texts, "the distinct answers of its columns")
        self.parts.append((start, positions.astype(np.int32, copy=False), uniques))

    def column(self, rows: int) -> FileColumn:
        """The whole column: distinct texts (the blank cell first) and each row's code."""
        if not self.parts:  # blank all along
            return FileColumn([""], np.zeros(rows, dtype=np.int32))
        merged = np.concatenate([np.array([""], dtype=object)] + [u for _, _, u in self.parts])
        codes_of, texts = pd.factorize(merged, use_na_sentinel=False)
        out = np.zeros(rows, dtype=np.int32)
        offset = 1
        for start, positions, uniques in self.parts:
            out[start : start + len(positions)] = codes_of[offset + positions]
            offset += len(uniques)
        return FileColumn([str(t) for t in texts], out)


def read_table(
    source: SourceFile,
    layout: Layout,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> SurveyTable:
    """Read the file's body once; the columns ``layout.read_columns`` are kept.

    A column is stored only for the chunks where it holds something, so the blank columns
    of a very wide sheet cost nothing per row."""
    kept = layout.read_columns
    kept_set = set(kept)
    wide = layout.width > WIDE
    others = [c for c in range(layout.width) if c not in kept_set]
    keys = [k for k in layout.key_columns if k in kept_set]
    builders = {c: _ColumnBuilder() for c in kept}
    rows: list[np.ndarray] = []
    digests: list[np.ndarray] = []
    total = source.estimated_rows(layout.header_rows)
    done = stored = 0
    for chunk in source.body(layout.header_rows, layout.width):
        if cancel is not None and cancel():
            raise Cancelled()
        frame = chunk.frame
        if wide:  # find the columns that hold anything at once (most hold nothing)
            written = frame.to_numpy(dtype=object) != ""
            used = set(np.flatnonzero(written.any(axis=0)).tolist())
        read, filled = {}, np.zeros(len(frame), dtype=bool)
        no_id = np.ones(len(frame), dtype=bool)  # rows whose response id is blank
        for c in kept:
            if wide and c not in used:
                continue
            positions, uniques = pd.factorize(frame[c], use_na_sentinel=False)
            uniques = np.asarray(uniques, dtype=object)
            read[c] = positions, uniques
            filled |= (uniques != "")[positions]
            if c in keys:
                blank = pd.Series(uniques, dtype=object).str.strip().to_numpy() == ""
                no_id &= blank[positions]
        if others and not filled.all():
            rest = np.flatnonzero(~filled)
            filled[rest] = (frame.iloc[rest, others].to_numpy(dtype=object) != "").any(axis=1)
        n = int(filled.sum())
        for c, (positions, uniques) in read.items():
            builders[c].add(stored, positions[filled], uniques, source.budget)
        rows.append(chunk.rows[filled])
        digests.append(_digests(frame, filled & no_id, source)[filled])
        stored += n
        done += len(frame)
        if progress is not None:
            progress(done, max(total, done))
    columns = {c: b.column(stored) for c, b in builders.items()}
    numbers = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    return SurveyTable(
        numbers,
        columns,
        np.concatenate(digests) if digests else np.zeros(0, dtype=object),
        _marked(columns, layout, len(numbers)),
        done,
    )


def _marked(columns: dict[int, FileColumn], layout: Layout, n: int) -> np.ndarray:
    """Per row, the first reason a status column gives to skip it ("preview"...), or ""."""
    reasons = np.full(n, "", dtype=object)
    for index, values in layout.skip_values.items():
        column = columns[index]
        lookup = np.array([values.get(normalise(t), "") for t in column.texts], dtype=object)
        reasons = np.where(reasons == "", lookup[column.codes], reasons)
    return reasons


def _digests(frame: pd.DataFrame, need: np.ndarray, source: SourceFile) -> np.ndarray:
    """Per row: a hash of the whole row (every column) where ``need``, else None."""
    out = np.full(len(frame), None, dtype=object)
    if need.any():
        source.budget.charge(int(need.sum()) * DIGEST_COST, "the keys of its rows")
        joined = None
        part = frame.iloc[np.flatnonzero(need)]
        for col in part.columns:
            cells = part[col].to_numpy(dtype=object)
            joined = cells if joined is None else joined + "\x1f" + cells
        out[need] = [_digest(text) for text in joined.tolist()]
    return out


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

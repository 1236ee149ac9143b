"""SPSS data files (.sav, .zsav), as Qualtrics and SurveyMonkey export them, read with
pyreadstat (the kept Python binding of ReadStat).

An SPSS file says more than a CSV: each variable has a name (``Q2_1``) and a label (the
question text), and each coded variable has value labels (1 = "Strongly disagree"...).
The reader gives the names and labels as the two header rows, and each answer as its
value label when it has one (so the answer is read like a choice-text export), else as
the number. The labels a variable declares tell its scale even where no respondent used
every point (``declared_answers``). Values the file declares missing are blank.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys.budget import MemoryBudget
from onpoint_desktop.surveys.readers import sav_process
from onpoint_desktop.surveys.readers.source import (
    HEAD_ROWS,
    Chunk,
    SourceFile,
    cell_text,
    chunk_rows,
)

CELL_BYTES = 8  # memory per cell of a chunk as pyreadstat returns it


class SpssFile(SourceFile):
    """An SPSS data file: variable names and labels are its header."""

    names: list[str]
    labels: list[str]
    value_labels: list[dict[str, str]]  # per column: value text → label
    rows: int = 0

    def head(self, n: int = HEAD_ROWS) -> list[list[str]]:
        rows = [list(self.names), list(self.labels)]
        if n > 2:
            block = self._block(0, n - 2)
            if block is not None:
                rows += block.frame.values.tolist()
        return rows[:n]

    def estimated_rows(self, header_rows: int) -> int:
        return self.rows

    def body(self, header_rows: int, width: int) -> Iterator[Chunk]:
        # The two header rows are the file's dictionary, not rows of its data.
        size = chunk_rows(width)
        offset = 0
        while (block := self._block(offset, size)) is not None:
            cells = block.frame.iloc[:, :width]
            keep = (cells.to_numpy(dtype=object) != "").any(axis=1)
            yield Chunk(cells.loc[keep].reset_index(drop=True), block.rows[keep])
            if len(block.rows) < size:
                return
            offset += size

    def _block(self, offset: int, limit: int) -> Chunk | None:
        """Rows ``offset`` to ``offset + limit`` as text, or None past the end."""
        self.budget.check(limit * len(self.names) * CELL_BYTES * 3, "one block of its rows")
        try:
            frame, _meta = sav_process.read_sav(
                str(self.path), row_offset=offset, row_limit=limit, user_missing=False
            )
        except Exception as exc:  # ReadstatError, ReaderStopped... from a damaged file
            raise _damaged(self.path, exc) from None
        if frame.empty:
            return None
        texts = pd.DataFrame(
            {
                i: _column_texts(frame.iloc[:, i], self.value_labels[i])
                for i in range(min(frame.shape[1], len(self.names)))
            }
        )
        # Spreadsheet rows as if laid out like an export: names, labels, then the data.
        return Chunk.consecutive(texts, 3 + offset)


def _column_texts(values: pd.Series, labels: dict[str, str]) -> np.ndarray:
    """Each value as its label when it has one, else as the number or text; NaN blank."""
    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [cell_text(v) for v in uniques]
    shown = np.array([labels.get(t, t) for t in texts] + [""], dtype=object)
    return shown[positions]


def _damaged(path: Path, exc: Exception) -> SurveyImportError:
    detail = " ".join(str(exc).split())[:120]
    return SurveyImportError(
        f"{path.name} is damaged or not an SPSS data file that can be read ({detail}); "
        "export the responses again (as .sav or CSV)."
    )


def open_spss(path: Path, budget: MemoryBudget) -> SpssFile:
    """Open an SPSS file: its dictionary (names, labels, value labels) and size."""
    try:  # in a process of its own: ReadStat can crash on a damaged file (sav_process)
        _empty, meta = sav_process.read_sav(str(path), metadataonly=True)
    except Exception as exc:
        raise _damaged(path, exc) from None
    names = list(meta.column_names or [])
    if not names:
        raise SurveyImportError(f"{path.name} is empty: it has no variables.")
    rows = max(int(meta.number_rows or 0), 0)
    budget.check(rows * len(names) * 4, f"its {rows:,} rows × {len(names):,} variables")
    labels = [
        (label or name) for name, label in zip(names, meta.column_labels or names, strict=False)
    ]
    value_labels = []
    for name in names:
        declared = (meta.variable_value_labels or {}).get(name, {})
        value_labels.append({cell_text(v): str(label) for v, label in declared.items()})
    source = SpssFile(path, budget, kind_label="SPSS data file", names_and_labels=True)
    source.names, source.labels, source.value_labels, source.rows = (
        names,
        labels,
        value_labels,
        rows,
    )
    source.declared_answers = {i: d for i, d in enumerate(value_labels) if d}
    return source

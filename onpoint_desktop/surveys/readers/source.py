"""What every reader gives the import: a file's first rows, then its body in chunks of text.

A reader never keeps a file open between calls. Rows are numbered as a spreadsheet shows
them (the first row of the file is row 1), so a message can point at the exact cell.
Leading blank rows (a title row left empty, blank lines) are not part of the header: the
reader skips them and counts them in ``leading_rows``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from onpoint_desktop.surveys.budget import MemoryBudget

HEAD_ROWS = 6  # rows read for recognising the layout
CHUNK_CELLS = 1_000_000  # cells per chunk of body rows (bounds the memory of one chunk)
MAX_CHUNK_ROWS = 25_000
MAX_COLUMNS = 16_384  # Excel's limit; a header wider than this is not a survey's


@dataclass(frozen=True)
class Chunk:
    """Body rows: every cell as text ('' when blank), and each row's spreadsheet number.

    A reader may leave out blank rows, so the numbers need not be consecutive."""

    frame: pd.DataFrame  # columns 0..width-1 (the file's column positions), object dtype
    rows: np.ndarray  # spreadsheet row number of each row of ``frame``

    @classmethod
    def consecutive(cls, frame: pd.DataFrame, first_row: int) -> Chunk:
        return cls(frame, np.arange(first_row, first_row + len(frame), dtype=np.int64))


def chunk_rows(width: int) -> int:
    """How many rows of ``width`` cells one chunk holds."""
    return max(1, min(MAX_CHUNK_ROWS, CHUNK_CELLS // max(width, 1)))


@dataclass
class SourceFile:
    """A survey file opened for reading. Subclasses read one kind of file."""

    path: Path
    budget: MemoryBudget
    kind_label: str = "file"  # e.g. "CSV", "TSV", "Excel workbook", "SPSS data file"
    encoding: str | None = None  # the codec of a text file
    encoding_label: str | None = None  # the same in words ("UTF-8 with byte-order mark")
    leading_rows: int = 0  # blank rows above the header
    # SPSS files: the header is the variable names, then their labels (not recognised from
    # the rows); each column's declared value labels (value text → label) tell its scale.
    names_and_labels: bool = False
    declared_answers: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def head(self, n: int = HEAD_ROWS) -> list[list[str]]:
        """The first ``n`` rows from the first non-blank one (header rows and a few
        answers), as text."""
        raise NotImplementedError

    def estimated_rows(self, header_rows: int) -> int:
        """About how many rows follow the header (for progress)."""
        raise NotImplementedError

    def body(self, header_rows: int, width: int) -> Iterator[Chunk]:
        """The rows after the ``header_rows`` header rows, ``width`` cells each, in chunks.

        Every cell is text, never a number: "04" or "4.0" stay as written.
        """
        raise NotImplementedError

    def first_body_row(self, header_rows: int) -> int:
        return self.leading_rows + header_rows + 1


def is_blank_row(row: list[str] | tuple) -> bool:
    return not any(str(c).strip() for c in row if c is not None)


def cell_text(value: object) -> str:
    """A workbook or data-file cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN: no value
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def text_frame(rows: list[list[str]], width: int) -> pd.DataFrame:
    """Rows of text cells as a chunk frame of exactly ``width`` columns."""
    body = [r if len(r) == width else (r + [""] * width)[:width] for r in rows]
    return pd.DataFrame(body, columns=range(width), dtype=object)

"""Excel workbooks (.xlsx): Microsoft Forms, SurveyMonkey and Qualtrics downloads.

A workbook's declared size (``<dimension ref>``) is never trusted: real Microsoft Forms
downloads declare ``A1`` whatever they hold, and a hostile one may declare ``XFD1048576``.
The reader forgets the declared size (``reset_dimensions``), reads the cells that are
there, and only as many columns as the header has. Before anything is loaded, the zip's
members are looked at: the declared sizes of what openpyxl holds in memory (shared
strings, styles) must fit the file's memory budget, and the sheet's rows are counted by
streaming its XML, so rows × header columns is known before the body is read.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys.budget import MemoryBudget
from onpoint_desktop.surveys.readers.source import (
    HEAD_ROWS,
    MAX_COLUMNS,
    Chunk,
    SourceFile,
    cell_text,
    chunk_rows,
    is_blank_row,
    text_frame,
)

HELD_FACTOR = 8  # memory openpyxl takes per byte of shared-strings / styles XML
MAX_CELLS = 40_000_000  # rows × header columns a workbook may make us visit
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_HELD = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")


class Workbook(SourceFile):
    """One sheet of an .xlsx workbook: the first that holds any cells."""

    sheet: int = 0  # index in the workbook's sheet order
    rows: int = 0  # rows of that sheet, counted in its XML

    def head(self, n: int = HEAD_ROWS) -> list[list[str]]:
        cached = getattr(self, "_head", None)
        if cached is not None and (len(cached[1]) >= n or cached[0]):
            return cached[1][:n]
        rows: list[list[str]] = []
        leading = 0
        for values in self._rows(1, None):
            texts = [cell_text(v) for v in values]
            if not rows and is_blank_row(texts):
                leading += 1
                continue
            rows.append(_trim(texts))
            if len(rows) >= n:
                break
        self._head = (len(rows) < n, rows)  # (the whole sheet was read, its rows)
        self.leading_rows = leading
        return rows

    def estimated_rows(self, header_rows: int) -> int:
        return max(self.rows - header_rows, 0)

    def body(self, header_rows: int, width: int) -> Iterator[Chunk]:
        self.check_cells(width, header_rows)
        first = self.first_body_row(header_rows)
        size = chunk_rows(width)
        empty = (None,) * width
        batch: list[list[str]] = []
        numbers: list[int] = []
        for row, values in enumerate(self._rows(first, width), start=first):
            if values == empty:
                continue  # a blank row, or a gap between rows the sheet skips
            texts = [cell_text(v) for v in values]
            batch.append(texts if len(texts) == width else (texts + [""] * width)[:width])
            numbers.append(row)
            if len(batch) >= size:
                yield Chunk(text_frame(batch, width), np.array(numbers, dtype=np.int64))
                batch, numbers = [], []
        if batch:
            yield Chunk(text_frame(batch, width), np.array(numbers, dtype=np.int64))

    def check_cells(self, width: int, header_rows: int) -> None:
        """Refuse a sheet whose rows × header columns are more than can be read."""
        cells = self.estimated_rows(header_rows) * width
        if cells > MAX_CELLS:
            raise SurveyImportError(
                f"{self.name} is too large to read as a workbook ({self.rows:,} rows × "
                f"{width:,} columns); export the responses as CSV instead."
            )
        self.budget.check(cells * 4, f"the {cells:,} cells of its sheet")

    def _rows(self, min_row: int, max_col: int | None) -> Iterator[tuple]:
        """The sheet's rows from ``min_row`` as tuples of cell values (damage refused)."""
        with self.path.open("rb") as stream:
            book = _load(self.path, stream)
            try:
                sheet = book.worksheets[self.sheet]
                sheet.reset_dimensions()  # the declared size is not to be trusted
                yield from sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True)
            except SurveyImportError:
                raise
            except Exception as exc:  # a sheet is read lazily: its damage shows only now
                raise _damaged(self.path, exc) from None
            finally:
                book.close()


def open_workbook(path: Path, budget: MemoryBudget) -> Workbook:
    """Open an .xlsx workbook: check its declared sizes, find its sheet, read its head."""
    _check_held_members(path, budget)
    with path.open("rb") as stream:
        book = _load(path, stream)
        try:
            members = [getattr(ws, "_worksheet_path", "") for ws in book.worksheets]
        finally:
            book.close()
    rows = _count_rows(path, members)
    source = Workbook(path, budget, kind_label="Excel workbook")
    for index, count in enumerate(rows):
        if count == 0:
            continue
        source.sheet, source.rows = index, count
        source._head = None
        head = source.head()
        if head:
            if len(head[0]) > MAX_COLUMNS:
                raise SurveyImportError(f"{path.name} has more columns than a sheet can hold.")
            return source
    raise SurveyImportError(f"{path.name} is empty: none of its sheets holds any cells.")


def _load(path: Path, stream):
    import openpyxl  # deferred: only workbooks need it

    try:
        return openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:
        raise _unreadable(path, exc) from None


def _check_held_members(path: Path, budget: MemoryBudget) -> None:
    """The members openpyxl keeps in memory must fit the budget (their declared sizes:
    zipfile never inflates a member past the size it declares)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {i.filename: i for i in archive.infolist()}
    except Exception as exc:  # BadZipFile and friends from a damaged archive
        raise _damaged(path, exc) from None
    held = sum(infos[name].file_size for name in _HELD if name in infos)
    budget.check(held * HELD_FACTOR, "its shared strings and styles")


def _count_rows(path: Path, members: list[str]) -> list[int]:
    """How many ``<row>`` elements each sheet's XML holds (streamed, never held whole)."""
    counts = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            for member in members:
                name = member.lstrip("/")
                counts.append(_rows_in(archive, name) if name in names else 0)
    except SurveyImportError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, EOFError... from a damaged archive
        raise _damaged(path, exc) from None
    return counts


def _rows_in(archive: zipfile.ZipFile, name: str) -> int:
    count, tail = 0, b""
    with archive.open(name) as stream:
        while block := stream.read(1 << 20):
            data = tail + block
            count += len(_ROW_TAG.findall(data)) - len(_ROW_TAG.findall(tail))
            tail = data[-64:]
    return count


def _trim(texts: list[str]) -> list[str]:
    end = len(texts)
    while end and not texts[end - 1].strip():
        end -= 1
    return texts[:end]


def _unreadable(path: Path, exc: Exception) -> SurveyImportError:
    from openpyxl.utils.exceptions import InvalidFileException

    if isinstance(exc, (InvalidFileException, KeyError, OSError, ValueError)):
        return SurveyImportError(
            f"{path.name} is not an Excel workbook that can be read ({str(exc)[:200]}); "
            "export the responses again as .xlsx or CSV."
        )
    return _damaged(path, exc)


def _damaged(path: Path, exc: Exception) -> SurveyImportError:
    """openpyxl reports a damaged archive or sheet with whatever its parsers raise
    (BadZipFile, zlib.error, XML ParseError, KeyError, ValueError...)."""
    kind = "BadZipFile" if isinstance(exc, zlib.error) else type(exc).__name__
    return SurveyImportError(
        f"{path.name} is damaged or not an Excel workbook ({kind}); export the responses "
        "again as .xlsx or CSV."
    )

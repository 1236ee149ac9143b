"""Legacy Excel workbooks (.xls, Excel 97–2003), read with xlrd.

xlrd is the kept reader of the old binary format (it reads nothing else since 2.0). The
workbook is opened on demand with ragged rows, so a row costs only the cells it has; a
sheet's size is at most 65,536 rows × 256 columns by the format, and it is checked
against the file's memory budget before its cells are turned into text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys.budget import MemoryBudget
from onpoint_desktop.surveys.readers.source import (
    HEAD_ROWS,
    Chunk,
    SourceFile,
    cell_text,
    chunk_rows,
    is_blank_row,
    text_frame,
)


class LegacyWorkbook(SourceFile):
    """The first sheet of an .xls workbook that holds any cells."""

    sheet: int = 0
    rows: int = 0

    def head(self, n: int = HEAD_ROWS) -> list[list[str]]:
        rows: list[list[str]] = []
        leading = 0
        with self._sheet() as (book, sheet):
            for r in range(sheet.nrows):
                texts = _texts(book, sheet, r)
                if not rows and is_blank_row(texts):
                    leading += 1
                    continue
                rows.append(texts)
                if len(rows) >= n:
                    break
        self.leading_rows = leading
        return rows

    def estimated_rows(self, header_rows: int) -> int:
        return max(self.rows - self.leading_rows - header_rows, 0)

    def body(self, header_rows: int, width: int) -> Iterator[Chunk]:
        first = self.first_body_row(header_rows)
        size = chunk_rows(width)
        with self._sheet() as (book, sheet):
            self.budget.check(sheet.nrows * width * 4, f"the cells of sheet '{sheet.name}'")
            batch: list[list[str]] = []
            numbers: list[int] = []
            for r in range(first - 1, sheet.nrows):
                texts = _texts(book, sheet, r)[:width]
                if is_blank_row(texts):
                    continue
                batch.append(texts)
                numbers.append(r + 1)
                if len(batch) >= size:
                    yield Chunk(text_frame(batch, width), np.array(numbers, dtype=np.int64))
                    batch, numbers = [], []
            if batch:
                yield Chunk(text_frame(batch, width), np.array(numbers, dtype=np.int64))

    def _sheet(self):
        return _OpenSheet(self.path, self.sheet)


class _OpenSheet:
    """``with _OpenSheet(path, index) as (book, sheet)``: the workbook released after."""

    def __init__(self, path: Path, index: int) -> None:
        self.path, self.index = path, index

    def __enter__(self):
        self.book = _open(self.path)
        try:
            return self.book, self.book.sheet_by_index(self.index)
        except Exception as exc:
            self.book.release_resources()
            raise _damaged(self.path, exc) from None

    def __exit__(self, *exc: object) -> None:
        self.book.release_resources()


def _texts(book, sheet, r: int) -> list[str]:
    import xlrd

    texts = []
    for cell in sheet.row(r):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                texts.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                texts.append(cell_text(cell.value))
        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
            texts.append(cell_text(bool(cell.value)))
        elif cell.ctype == xlrd.XL_CELL_ERROR:
            texts.append("")
        else:
            texts.append(cell_text(cell.value))
    return texts


def _open(path: Path):
    import xlrd  # deferred: only .xls files need it

    try:
        return xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)
    except Exception as exc:  # XLRDError, CompDocError, struct errors... from bad files
        raise _damaged(path, exc) from None


def _damaged(path: Path, exc: Exception) -> SurveyImportError:
    hint = " (a password-protected workbook cannot be read)" if "OLE2" in str(exc) else ""
    return SurveyImportError(
        f"{path.name} is damaged or not an Excel 97-2003 workbook{hint} "
        f"({type(exc).__name__}); open it in Excel and save it as .xlsx or CSV UTF-8."
    )


def open_legacy_workbook(path: Path, budget: MemoryBudget) -> LegacyWorkbook:
    """Open an .xls workbook: its first sheet with cells, and that sheet's head."""
    book = _open(path)
    try:
        sizes = [(i, book.sheet_by_index(i).nrows) for i in range(book.nsheets)]
    except Exception as exc:
        raise _damaged(path, exc) from None
    finally:
        book.release_resources()
    source = LegacyWorkbook(path, budget, kind_label="Excel 97-2003 workbook")
    for index, rows in sizes:
        if rows == 0:
            continue
        source.sheet, source.rows = index, rows
        if source.head():
            return source
    raise SurveyImportError(f"{path.name} is empty: none of its sheets holds any cells.")

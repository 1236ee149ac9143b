"""Opening a survey file: what it is, how it is encoded, and its rows as text.

A file is recognised by its content, not its name: a workbook saved with a ``.csv`` name
is still read as a workbook. Text files may be UTF-8 (with or without a byte-order mark),
UTF-16 (as Qualtrics writes TSV and Excel writes "Unicode text"), or Windows-1252 when the
bytes are not UTF-8 and read unambiguously as Windows-1252; anything else is refused with
a message saying how to re-save the file. The delimiter (comma, tab or semicolon) is
taken from the header, or from Excel's ``sep=`` line.

Rows are numbered as a spreadsheet shows them (the first header row is row 1), so an
error can point at the exact cell. The body is read with pandas in chunks, all cells as
text, so a large export is read at C speed with bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from onpoint_desktop.errors import SurveyImportError

BLOCK = 1 << 20
HEAD_ROWS = 6  # rows read for recognising the format
CSV_CHUNK_ROWS = 25_000
_PLAUSIBLE_SYMBOLS = set("\u00a0’‘“”–—…•€£¢¥©®°±×÷§¶·¼½¾¿¡«»™")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Chunk:
    """Consecutive body rows: cells as text ('' when blank), and their spreadsheet rows."""

    frame: pd.DataFrame  # columns are the file's 0-based column positions
    first_row: int  # spreadsheet row number of the first row of ``frame``


@dataclass
class SourceFile:
    """A survey file opened for reading (nothing is kept open between calls)."""

    path: Path
    kind: str  # "text" or "workbook"
    encoding: str | None = None
    delimiter: str | None = None
    lines: int = 0  # line breaks in a text file: an estimate of its rows
    skip_lines: int = 0  # Excel's "sep=" line
    _rows: list[list[str]] | None = None  # a workbook's rows

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def kind_label(self) -> str:
        if self.kind == "workbook":
            return "Excel workbook"
        return {"\t": "TSV", ";": "CSV (semicolons)"}.get(self.delimiter or ",", "CSV")

    def head(self, n: int = HEAD_ROWS) -> list[list[str]]:
        """The first ``n`` rows (header rows and a few answers), as text."""
        if self._rows is not None:
            return self._rows[:n]
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            for _ in range(self.skip_lines):
                fh.readline()
            reader = csv.reader(fh, delimiter=self.delimiter or ",")
            rows = []
            try:
                for row in reader:
                    rows.append(row)
                    if len(rows) >= n:
                        break
            except csv.Error as exc:
                raise SurveyImportError(
                    f"{self.name} cannot be read as {self.kind_label} near row "
                    f"{reader.line_num}: {exc}."
                ) from None
        return rows

    def estimated_rows(self, header_rows: int) -> int:
        if self._rows is not None:
            return max(len(self._rows) - header_rows, 0)
        return max(self.lines - header_rows - self.skip_lines, 0)

    def body(
        self,
        header_rows: int,
        width: int,
        columns: list[int] | None = None,
        chunk_rows: int | None = None,
    ) -> Iterator[Chunk]:
        """The rows after the header, in chunks, as text (only ``columns`` when given).

        Every cell is read as text (never as a number: "04" or "4.0" stay as written).
        """
        chunk_rows = chunk_rows or CSV_CHUNK_ROWS
        if self._rows is not None:
            yield from self._workbook_body(header_rows, width, columns, chunk_rows)
            return
        if len(self.head(header_rows + 1)) <= header_rows:
            return  # header rows only
        wanted = list(range(width)) if columns is None else sorted(columns)
        first_row = header_rows + 1
        try:
            reader = pd.read_csv(
                self.path,
                sep=self.delimiter,
                encoding=self.encoding,
                header=None,
                names=list(range(width)),
                index_col=False,
                usecols=None if columns is None else wanted,
                skiprows=header_rows + self.skip_lines,
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                chunksize=chunk_rows,
                engine="c",
            )
            with reader:
                for frame in reader:
                    yield Chunk(frame.reset_index(drop=True), first_row)
                    first_row += len(frame)
        except pd.errors.ParserError as exc:
            raise SurveyImportError(
                f"{self.name} cannot be read as {self.kind_label}: {_parser_problem(exc)} "
                f"(every row must have at most the {width} columns of the header)."
            ) from None
        except UnicodeDecodeError:
            raise SurveyImportError(
                f"{self.name} is not valid {self.encoding} text; re-save it as CSV UTF-8."
            ) from None

    def _workbook_body(
        self, header_rows: int, width: int, columns: list[int] | None, chunk_rows: int
    ) -> Iterator[Chunk]:
        rows = self._rows or []
        body = [(r + [""] * width)[:width] for r in rows[header_rows:]]
        frame = pd.DataFrame(body, columns=list(range(width)), dtype=object)
        if columns is not None:
            frame = frame[sorted(columns)]
        for start in range(0, len(frame), chunk_rows):
            part = frame.iloc[start : start + chunk_rows].reset_index(drop=True)
            yield Chunk(part, header_rows + start + 1)


def _parser_problem(exc: Exception) -> str:
    text = str(exc).strip().removeprefix("Error tokenizing data. C error: ")
    if "Expected" in text and "line" in text:
        # pandas counts rows from the first body row; its "line N" is the Nth record read.
        return text.replace("Expected", "expected").rstrip(".")
    return text.rstrip(".")


def open_source(path: Path) -> SourceFile:
    """Recognise a survey file's kind and encoding; refuse what cannot be read."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            start = fh.read(8)
    except FileNotFoundError:
        raise SurveyImportError(f"No file at {path}.") from None
    except IsADirectoryError:
        raise SurveyImportError(f"{path} is a folder, not a survey file.") from None
    except OSError as exc:
        raise SurveyImportError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if not start.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise SurveyImportError(f"{path.name} is empty: it holds no survey responses.")
    if start.startswith(_ZIP):
        return _open_workbook(path)
    if start.startswith(_OLE):
        raise SurveyImportError(
            f"{path.name} is an old-style Excel workbook (.xls); open it in Excel and save "
            "it as .xlsx or CSV UTF-8, then import that."
        )
    if start.startswith(b"%PDF"):
        raise SurveyImportError(
            f"{path.name} is a PDF report, not a survey export; export the responses as CSV "
            "or Excel from the survey tool."
        )
    return _open_text(path)


def _open_text(path: Path) -> SourceFile:
    encoding, lines = _detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline()
        sample = first + "".join(fh.readline() for _ in range(3))
    skip = 0
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, skip = first.strip()[4], 1
    else:
        delimiter = _sniff_delimiter(sample)
    source = SourceFile(path, "text", encoding, delimiter, lines, skip)
    if not any(any(c.strip() for c in row) for row in source.head()):
        raise SurveyImportError(f"{path.name} is empty: it holds no survey responses.")
    return source


def _detect_encoding(path: Path) -> tuple[str, int]:
    """The file's text encoding and its number of line breaks (one pass over the bytes)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif len(head) >= 4 and head[1:2] == b"\x00" and head[3:4] == b"\x00":
        candidates = ["utf-16-le"]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        lines = _decode_all(path, encoding)
        if lines is not None:
            return encoding, lines
    raise SurveyImportError(
        f"{path.name} is not in a text encoding Onpoint can read with certainty (it is "
        "neither UTF-8 nor plain Windows text). Open it in Excel or the survey tool and save "
        "or export it as 'CSV UTF-8', then import that file."
    )


def _decode_all(path: Path, encoding: str) -> int | None:
    """Decode the whole file; the number of line breaks, or None if it does not decode
    (or, for Windows-1252, holds characters real survey text would not)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError:
                return None
            if "\x00" in text:
                return None
            lines += text.count("\n")
            if encoding == "cp1252" and not _plausible(text):
                return None
        try:
            text = decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return lines + 1


def _plausible(text: str) -> bool:
    """Whether non-ASCII characters look like real text (letters, common punctuation)."""
    for ch in set(text):
        if ord(ch) < 128:
            continue
        if ch in _PLAUSIBLE_SYMBOLS or unicodedata.category(ch).startswith("L"):
            continue
        return False
    return True


def _sniff_delimiter(sample: str) -> str:
    best, best_fields = ",", 1
    for candidate in (",", "\t", ";"):
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=candidate))
        except csv.Error:
            continue
        fields = len(rows[0]) if rows else 0
        if fields > best_fields:
            best, best_fields = candidate, fields
    return best


def _open_workbook(path: Path) -> SourceFile:
    # The file is ours to close: openpyxl leaves its archive open when a damaged
    # workbook fails part-way through loading.
    with path.open("rb") as stream:
        return _read_workbook(path, stream)


def _read_workbook(path: Path, stream) -> SourceFile:
    import openpyxl  # deferred: only workbooks need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SurveyImportError(
            f"{path.name} is not an Excel workbook that can be read ({str(exc)[:200]}); "
            "export the responses again as .xlsx or CSV."
        ) from None
    except Exception as exc:  # zipfile.BadZipFile and parser errors from damaged files
        raise _damaged_workbook(path, exc) from None
    try:
        for sheet in book.worksheets:
            rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            while rows and not any(rows[-1]):
                rows.pop()
            if rows:
                return SourceFile(path, "workbook", _rows=_trim_columns(rows))
    except Exception as exc:  # a sheet is read lazily: its damage shows only now
        raise _damaged_workbook(path, exc) from None
    finally:
        book.close()
    raise SurveyImportError(f"{path.name} is empty: none of its sheets holds any cells.")


def _damaged_workbook(path: Path, exc: Exception) -> SurveyImportError:
    """openpyxl reports a damaged archive or sheet with whatever its parsers raise
    (BadZipFile, zlib.error, XML ParseError, KeyError, ValueError...)."""
    return SurveyImportError(
        f"{path.name} is damaged or not an Excel workbook ({type(exc).__name__}); export "
        "the responses again as .xlsx or CSV."
    )


def _trim_columns(rows: list[list[str]]) -> list[list[str]]:
    width = max((max((i + 1 for i, v in enumerate(r) if v), default=0) for r in rows), default=0)
    return [(r + [""] * width)[:width] for r in rows]


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)

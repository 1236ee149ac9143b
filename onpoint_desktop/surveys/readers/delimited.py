"""CSV and TSV exports: encoding, delimiter, and the body read at C speed with pandas.

Text may be UTF-8 (with or without a byte-order mark), UTF-16 (as Qualtrics writes TSV and
Excel writes "Unicode text"), or Windows-1252 when the bytes are not UTF-8 and read
unambiguously as Windows-1252; anything else is refused with a message saying how to
re-save the file. The delimiter (comma, tab or semicolon) is taken from Excel's ``sep=``
line, else from the header.

A row wider than the header is decided row by row: blank cells after the last column are
harmless (a trailing delimiter) and dropped; a real value there means the row's cells have
shifted (an unquoted comma) and the file is refused naming the row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys.budget import MemoryBudget
from onpoint_desktop.surveys.readers.source import (
    HEAD_ROWS,
    Chunk,
    SourceFile,
    chunk_rows,
    is_blank_row,
)

BLOCK = 1 << 20
MAX_EXTRA_CELLS = 256  # cells past the header a row may have before it is refused unread
_PLAUSIBLE_SYMBOLS = set("\u00a0’‘“”–—…•€£¢¥©®°±×÷§¶·¼½¾¿¡«»™")
_WIDER = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with byte-order mark",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 without byte-order mark",
    "cp1252": "Windows-1252 (Western European)",
}
DELIMITER_LABELS = {"\t": "TSV", ";": "CSV (semicolons)", ",": "CSV"}


class DelimitedFile(SourceFile):
    """A CSV or TSV file."""

    delimiter: str = ","
    lines: int = 0  # line breaks: an estimate of its rows
    skip_lines: int = 0  # Excel's "sep=" line

    def head(self, n: int = HEAD_ROWS) -> list[list[str]]:
        rows: list[list[str]] = []
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            for _ in range(self.skip_lines):
                fh.readline()
            reader = csv.reader(fh, delimiter=self.delimiter)
            try:
                for row in reader:
                    if not rows and is_blank_row(row):
                        continue  # leading blank lines are not the header
                    rows.append(row)
                    if len(rows) >= n:
                        break
            except csv.Error as exc:
                raise SurveyImportError(
                    f"{self.name} cannot be read as {self.kind_label} near line "
                    f"{reader.line_num}: {exc}."
                ) from None
        return rows

    def count_leading_rows(self) -> int:
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            for _ in range(self.skip_lines):
                fh.readline()
            blank = 0
            for row in csv.reader(fh, delimiter=self.delimiter):
                if not is_blank_row(row):
                    break
                blank += 1
        return blank

    def estimated_rows(self, header_rows: int) -> int:
        return max(self.lines - self.leading_rows - header_rows - self.skip_lines, 0)

    def body(self, header_rows: int, width: int) -> Iterator[Chunk]:
        skip = self.skip_lines + self.leading_rows + header_rows
        extra, done = 0, 0
        first = self._record_width(skip - self.skip_lines)
        if first > width:  # e.g. a trailing delimiter on every row
            extra = self._room(width, extra, first, skip - self.skip_lines + 1)
        while True:
            try:
                for frame in self._frames(skip + done, width + extra, chunk_rows(width + extra)):
                    if extra:
                        frame = self._without_extra_cells(frame, width, skip + done)
                    yield Chunk.consecutive(frame, self.first_body_row(header_rows) + done)
                    done += len(frame)
                return
            except pd.errors.ParserWarning:
                # The first row pandas reads is wider than the names given (pandas would
                # cut it): measure that row and read on with room for it.
                seen = self._record_width(skip - self.skip_lines + done)
                extra = self._room(width, extra, seen, skip - self.skip_lines + done + 1)
            except pd.errors.ParserError as exc:
                wider = _WIDER.search(str(exc))
                if wider is None:
                    raise SurveyImportError(
                        f"{self.name} cannot be read as {self.kind_label}: {_parser_problem(exc)}."
                    ) from None
                line = int(wider.group(2)) - self.skip_lines
                extra = self._room(width, extra, int(wider.group(3)), line)
            except UnicodeDecodeError:
                raise SurveyImportError(
                    f"{self.name} is not valid {self.encoding_label} text; re-save it as CSV UTF-8."
                ) from None

    def _room(self, width: int, extra: int, seen: int, row: int) -> int:
        """How many cells past the header to read with, now that a row of ``seen`` cells
        was found (growing geometrically: a file of ever wider rows is read a few times)."""
        grow = max(seen - width, 2 * extra, 1)
        if grow > MAX_EXTRA_CELLS:
            cells = f"{seen:,} cells" if seen > width else "more cells than it can hold"
            raise SurveyImportError(
                f"{self.name}, row {row} has {cells} but the header has {width}: the row is "
                "not part of the survey's table. Correct it in the file, or export the "
                "responses again."
            )
        return grow

    def _record_width(self, index: int) -> int:
        """How many cells record ``index`` (0: the first after any "sep=" line) has."""
        with self.path.open("r", encoding=self.encoding, newline="") as fh:
            for _ in range(self.skip_lines):
                fh.readline()
            try:
                for n, row in enumerate(csv.reader(fh, delimiter=self.delimiter)):
                    if n == index:
                        return len(row)
            except csv.Error:
                pass
        return 0

    def _frames(self, skip: int, names: int, rows: int) -> Iterator[pd.DataFrame]:
        """The body from record ``skip`` in frames of ``names`` columns. A first row wider
        than ``names`` is only a warning to pandas (it would cut the row): here it is an
        error the body decides on (the filter is set for each step, never across a yield)."""
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            reader = pd.read_csv(
                self.path,
                sep=self.delimiter,
                encoding=self.encoding,
                header=None,
                names=range(names),
                index_col=False,
                skiprows=skip,
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                chunksize=rows,
                engine="c",
            )
        with reader:
            while True:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", pd.errors.ParserWarning)
                    frame = next(reader, None)
                if frame is None:
                    return
                yield frame.reset_index(drop=True)

    def _without_extra_cells(self, frame: pd.DataFrame, width: int, skipped: int) -> pd.DataFrame:
        beyond = frame.iloc[:, width:].to_numpy(dtype=object)
        filled = np.flatnonzero((beyond != "").any(axis=1))
        if len(filled):
            at = int(filled[0])
            value = next(v for v in beyond[at] if v != "")
            shown = value if len(value) <= 40 else value[:37] + "..."
            row = skipped - self.skip_lines + at + 1
            raise SurveyImportError(
                f'{self.name}, row {row} has more cells than the header ("{shown}" past the '
                f"last column): a value with an unquoted {_delimiter_word(self.delimiter)} has "
                "shifted the row's answers. Correct the row in the file, or export it again."
            )
        return frame.iloc[:, :width]


def _delimiter_word(delimiter: str) -> str:
    return {"\t": "tab", ";": "semicolon"}.get(delimiter, "comma")


def _parser_problem(exc: Exception) -> str:
    text = str(exc).strip().removeprefix("Error tokenizing data. C error: ")
    return text.rstrip(".")


def open_delimited(path: Path, budget: MemoryBudget) -> DelimitedFile:
    """Open a text export: its encoding, delimiter and first rows; refuse what is unreadable."""
    encoding, lines = _detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline()
        sample = first + "".join(fh.readline() for _ in range(3))
    skip = 0
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, skip = first.strip()[4], 1
    else:
        delimiter = _sniff_delimiter(sample)
    source = DelimitedFile(
        path,
        budget,
        kind_label=DELIMITER_LABELS.get(delimiter, f"text separated by '{delimiter}'"),
        encoding=encoding,
        encoding_label=ENCODING_LABELS[encoding],
    )
    source.delimiter, source.lines, source.skip_lines = delimiter, lines, skip
    if not source.head():
        raise SurveyImportError(f"{path.name} is empty: it holds no survey responses.")
    source.leading_rows = source.count_leading_rows()
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
            decoder.decode(b"", final=True)
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

"""Open the source: which reader a survey file needs, recognised by content, not name.

One reader per kind of file; a new kind is one new module here and one line in
``READERS``. Every reader gives a ``SourceFile``: the first rows (to recognise the layout)
and the body in chunks of text, within the file's memory budget (``budget.py``).

- CSV / TSV (any common encoding and delimiter): ``delimited``
- Excel workbooks (.xlsx): ``xlsx`` — declared sizes never trusted
- Excel 97–2003 workbooks (.xls): ``xls`` (xlrd)
- SPSS data files (.sav, .zsav): ``sav`` (pyreadstat) — value labels become answers
"""

from __future__ import annotations

from pathlib import Path

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys.budget import MemoryBudget
from onpoint_desktop.surveys.readers.delimited import open_delimited
from onpoint_desktop.surveys.readers.source import Chunk, SourceFile, cell_text


def _open_xlsx(path: Path, budget: MemoryBudget) -> SourceFile:
    from onpoint_desktop.surveys.readers.xlsx import open_workbook

    return open_workbook(path, budget)


def _open_xls(path: Path, budget: MemoryBudget) -> SourceFile:
    from onpoint_desktop.surveys.readers.xls import open_legacy_workbook

    return open_legacy_workbook(path, budget)


def _open_sav(path: Path, budget: MemoryBudget) -> SourceFile:
    from onpoint_desktop.surveys.readers.sav import open_spss

    return open_spss(path, budget)


# How a file starts → the reader that opens it (text is the fallback).
READERS = (
    (b"PK\x03\x04", _open_xlsx),
    (b"\xd0\xcf\x11\xe0", _open_xls),
    (b"$FL2", _open_sav),
    (b"$FL3", _open_sav),
)
SUPPORTED = "CSV, TSV, Excel (.xlsx, .xls) or SPSS (.sav)"


def open_source(path: Path | str) -> SourceFile:
    """Recognise a survey file's kind and open it; refuse what cannot be read."""
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
    if start.startswith(b"%PDF"):
        raise SurveyImportError(
            f"{path.name} is a PDF report, not a survey export; export the responses as "
            f"{SUPPORTED} from the survey tool."
        )
    budget = MemoryBudget(path)
    for magic, opener in READERS:
        if start.startswith(magic):
            return opener(path, budget)
    return open_delimited(path, budget)


__all__ = ["SUPPORTED", "Chunk", "SourceFile", "cell_text", "open_source"]

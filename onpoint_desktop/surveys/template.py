"""The app's own survey template: item ids as headers, one respondent per row.

For districts that collect answers on paper or in a tool Onpoint does not know, the
consultant hands out a blank template (CSV, or an Excel workbook with the statements as
header notes, a sheet listing the items and the answer scale, and answer cells limited to
the scale). The importer reads it back like any export.
"""

from __future__ import annotations

import csv
from pathlib import Path

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.framework import Instrument

SCHOOL_HEADER = "School"
COMMENT_HEADER = "Comments"


def template_headers(instrument: Instrument) -> list[str]:
    return [SCHOOL_HEADER, *instrument.item_ids, COMMENT_HEADER]


def write_template(path: Path | str, instrument: Instrument) -> Path:
    """Write a blank template of ``instrument``; ``.xlsx`` gives a workbook, else CSV."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            _write_workbook(path, instrument)
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerow(template_headers(instrument))
    except OSError as exc:
        raise SurveyImportError(f"Could not write the template to {path}: {exc}.") from None
    return path


def _write_workbook(path: Path, instrument: Instrument) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Responses"
    headers = template_headers(instrument)
    sheet.append(headers)
    texts = {i.id: i.text for i in instrument.items}
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        if header in texts:
            cell.comment = Comment(texts[header], "Onpoint")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions[get_column_letter(len(headers))].width = 40
    sheet.freeze_panes = "B2"
    lo, hi = instrument.scale_min, instrument.scale_max
    scale_text = ", ".join(f"{v} = {label}" for v, label in instrument.scale)
    check = DataValidation(
        type="whole",
        operator="between",
        formula1=str(lo),
        formula2=str(hi),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Answer",
        error=f"Answers are {scale_text}; leave the cell blank for no answer.",
    )
    sheet.add_data_validation(check)
    last = get_column_letter(len(headers) - 1)
    check.add(f"B2:{last}5000")

    items = book.create_sheet("Items")
    items.append(["Item", "Statement", "Component", "Reverse-coded"])
    for item in instrument.items:
        items.append([item.id, item.text, item.component, "yes" if item.reverse else ""])
    items.append([])
    items.append(["Answers", scale_text])
    items.append(["", "Leave a cell blank when the respondent gave no answer (or N/A)."])
    for cell in items[1]:
        cell.font = Font(bold=True)
    items.column_dimensions["B"].width = 90
    book.save(path)

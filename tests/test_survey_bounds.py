"""Bounded cost (SPEC §8): a file is read cheaply, or refused clearly and early, before it
makes the process use more than 4× its size + 300 MB of memory."""

from __future__ import annotations

import csv
import io
import re
import resource
import subprocess
import sys
import zipfile

import pytest

from onpoint_desktop.errors import SurveyImportError
from onpoint_desktop.surveys import budget, import_survey, inspect_survey
from tests.conftest import SAMPLES
from tests.survey_helpers import INSTRUMENTS, dump, read_rows, write_rows

ROOT = SAMPLES.parent.parent
SHEET = "xl/worksheets/sheet1.xml"


def workbook_of(rows: list[list[str]], change_sheet=None, extra_members=()) -> bytes:
    """An .xlsx of ``rows`` (as openpyxl writes it), its sheet XML changed by
    ``change_sheet(xml bytes)``, with ``extra_members`` ((name, bytes)) replacing others."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append([int(v) if v.isdigit() else (v or None) for v in row])
    plain = io.BytesIO()
    book.save(plain)
    replaced = dict(extra_members)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = replaced.pop(info.filename, None) or source.read(info)
            if info.filename == SHEET and change_sheet:
                data = change_sheet(data)
            zf.writestr(info.filename, data)
        for name, data in replaced.items():
            zf.writestr(name, data)
    return out.getvalue()


def declare_xfd(xml: bytes) -> bytes:
    """Declare the sheet as A1:XFD1048576 and put one cell at XFD1048576."""
    xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace(b"</sheetData>", far + b"</sheetData>")


def test_a_small_workbook_declaring_a_cell_at_xfd1048576_is_read_cheaply(tmp_path):
    """The classic sparse bomb: 10 KB declaring a cell at XFD1048576 once drove
    inspect-survey past 11 GB. Here it must be read whole within 800 MB of address space."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(workbook_of(read_rows(SAMPLES / "leader_template.csv"), declare_xfd))
    assert path.stat().st_size < 10_000
    limit = 800 * 1024 * 1024

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "onpoint_desktop", "inspect-survey", str(path), "--role", "leader"],
        preexec_fn=cap_memory,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "ONPOINT_HOME": str(tmp_path / "home"),
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MALLOC_ARENA_MAX": "2",
        },
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Responses: 8 rows, 8 to import" in done.stdout


def test_the_sparse_bomb_imports_exactly(ws, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(workbook_of(read_rows(SAMPLES / "leader_template.csv"), declare_xfd))
    summary = import_survey(ws, path, "r1", "leader")
    assert summary.rows_imported == 8 and summary.rows_read == 8


def test_a_header_wider_than_its_rows_can_be_read_is_refused_before_reading_them(ws, tmp_path):
    """16,384 header cells over 2,500 rows would be 41 million cells to visit."""
    header = "".join(
        f'<c r="{_letters(c)}1" t="inlineStr"><is><t>Q{c}</t></is></c>' for c in range(16_384)
    )
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>4</v></c></row>' for r in range(2, 2_502))

    def wide(xml: bytes) -> bytes:
        data = f'<sheetData><row r="1">{header}</row>{rows}</sheetData>'.encode()
        return re.sub(rb"<sheetData>.*</sheetData>|<sheetData\s*/>", data, xml, flags=re.S)

    path = tmp_path / "wide.xlsx"
    path.write_bytes(workbook_of([["T01"]], wide))
    before = dump(ws)
    with pytest.raises(SurveyImportError, match=r"wide\.xlsx is too large to read as a workbook"):
        import_survey(ws, path, "r1", "teacher")
    assert dump(ws) == before


def test_a_shared_strings_bomb_is_refused_before_loading(ws, tmp_path):
    """50 MB of shared strings compress to a small file but would take far more memory."""
    strings = b"<si><t>a</t></si>" * 3_000_000
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="3000000" uniqueCount="3000000">' + strings + b"</sst>"
    )
    path = tmp_path / "strings.xlsx"
    path.write_bytes(
        workbook_of(
            read_rows(SAMPLES / "leader_template.csv"), None, [("xl/sharedStrings.xml", xml)]
        )
    )
    assert path.stat().st_size < 1_000_000
    with pytest.raises(SurveyImportError) as refused:
        inspect_survey(path, "leader", instruments=INSTRUMENTS)
    message = str(refused.value)
    assert message.startswith("strings.xlsx is too large to import safely: its shared strings")
    assert "more than the 300 MB allowed" in message


def test_a_text_file_needing_more_than_its_budget_is_refused(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "BASE_ALLOWANCE", 0)  # 4× the file's size, nothing more
    rows = read_rows(SAMPLES / "teacher_template.csv")
    path = write_rows(tmp_path / "big.csv", rows)
    before = dump(ws)
    with pytest.raises(SurveyImportError, match=r"^big\.csv is too large to import safely"):
        import_survey(ws, path, "r1", "teacher")
    assert dump(ws) == before


def test_an_spss_file_claiming_two_billion_rows_is_read_for_what_it_holds(ws, tmp_path):
    from tests.test_survey_real_layouts import write_spss

    path = write_spss(tmp_path / "claims.sav")
    data = bytearray(path.read_bytes())
    data[80:84] = (2_000_000_000).to_bytes(4, "little")  # the header's case count
    path.write_bytes(bytes(data))
    assert import_survey(ws, path, "r1", "teacher").rows_imported == 40


def test_an_spss_file_needing_more_than_its_budget_is_refused(ws, tmp_path, monkeypatch):
    from tests.test_survey_real_layouts import write_spss

    monkeypatch.setattr(budget, "BASE_ALLOWANCE", 0)
    path = write_spss(tmp_path / "dense.sav")
    with pytest.raises(SurveyImportError, match=r"^dense\.sav is too large to import safely"):
        import_survey(ws, path, "r1", "teacher")


def test_a_row_with_hundreds_of_cells_past_the_header_is_refused_naming_it(ws, tmp_path):
    rows = read_rows(SAMPLES / "teacher_template.csv")
    rows[7] = rows[7] + [""] * 1_000
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "ragged.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(SurveyImportError, match=r"ragged\.csv, row 8 has 1,024 cells but"):
        import_survey(ws, path, "r1", "teacher")


def _letters(index: int) -> str:
    from onpoint_desktop.surveys.header import column_letter

    return column_letter(index)

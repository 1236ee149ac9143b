"""Damaged and hostile survey workbooks and binary files (.xlsx, .xls, SPSS): imported
correctly, or refused clearly with nothing changed — the properties of
``tests/test_hostile_surveys.py`` applied to zip archives and binary formats."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SAMPLES
from tests.hostile_support import (
    Mutated,
    byte_flips,
    hostile_settings,
    splices,
    truncations,
)
from tests.hostile_survey_support import (
    RAW,
    XLSX_SAMPLES,
    check_import,
    zip_members,
    zipped,
)

# --- damaged workbooks -----------------------------------------------------------------------


@st.composite
def damaged_workbooks(draw):
    name = draw(st.sampled_from(XLSX_SAMPLES))
    blob = RAW[name]
    kind = draw(st.sampled_from(["flip", "truncate", "member"]))
    if kind == "flip":
        return name, Mutated(draw(byte_flips(blob)), f"{name} flipped")
    if kind == "truncate":
        return name, Mutated(draw(truncations(blob)), f"{name} truncated")
    members = [(info.filename, data) for info, data in zip_members(blob)]
    index = draw(st.integers(0, len(members) - 1))
    member, data = members[index]
    action = draw(st.sampled_from(["drop", "rename", "duplicate", "cut", "flip", "garbage"]))
    if action == "drop":
        del members[index]
    elif action == "rename":
        members[index] = (member + draw(st.sampled_from(["x", ".bak", "/"])), data)
    elif action == "duplicate":
        members.insert(index, (member, draw(st.sampled_from([data, data[: len(data) // 2]]))))
    elif action == "cut":
        members[index] = (member, data[: draw(st.integers(0, max(len(data) - 1, 0)))])
    elif action == "flip" and data:
        members[index] = (member, draw(byte_flips(data)))
    else:
        members[index] = (member, draw(st.binary(max_size=200)))
    return name, Mutated(zipped(members), f"{name} member {member} {action}")


@given(case=damaged_workbooks())
@hostile_settings(40)
def test_damaged_workbooks_import_whole_or_are_refused_clearly(ws, tmp_path, case):
    check_import(ws, tmp_path, *case)


@st.composite
def edited_workbooks(draw):
    """Workbooks re-saved with cells replaced (random unicode, huge text), blank rows."""
    from openpyxl import load_workbook

    name = draw(st.sampled_from(XLSX_SAMPLES))
    book = load_workbook(io.BytesIO(RAW[name]))
    sheet = book.worksheets[0]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cell", "huge", "blank", "number"]))
        if kind == "blank":
            sheet.insert_rows(draw(st.integers(1, sheet.max_row + 1)))
            continue
        cell = sheet.cell(
            draw(st.integers(1, sheet.max_row)), draw(st.integers(1, sheet.max_column))
        )
        if kind == "cell":
            text = draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cc"])))
            cell.value = text or None
        elif kind == "huge":
            cell.value = "é" * 32_000  # Excel's limit is 32,767 characters per cell
        else:
            cell.value = draw(st.one_of(st.integers(-(10**12), 10**12), st.floats()))
    buffer = io.BytesIO()
    book.save(buffer)
    return name, Mutated(buffer.getvalue(), f"{name} edited")


@given(case=edited_workbooks())
@hostile_settings(25)
def test_edited_workbooks_import_whole_or_are_refused_clearly(ws, tmp_path, case):
    check_import(ws, tmp_path, *case)


def test_a_workbook_whose_sheet_is_cut_short_is_refused_clearly(ws, tmp_path):
    """Regression: openpyxl reads a sheet lazily, so damage inside the sheet's XML used to
    escape as an XML ParseError (a traceback) instead of a refusal."""
    cut = [
        (info.filename, data[: len(data) // 2] if "worksheets/" in info.filename else data)
        for info, data in zip_members(RAW["leader_msforms.xlsx"])
    ]
    assert not check_import(ws, tmp_path, "leader_msforms.xlsx", zipped(cut))


def _spss_blob() -> bytes:
    import tempfile
    from pathlib import Path

    from tests.test_survey_real_layouts import write_spss

    with tempfile.TemporaryDirectory() as folder:
        return write_spss(Path(folder) / "export.sav").read_bytes()


BINARY = {
    "teacher_surveymonkey.xls": (
        SAMPLES.parent / "fixtures" / "surveys" / "teacher_surveymonkey.xls"
    ).read_bytes(),
    "teacher_export.sav": _spss_blob(),
}


@st.composite
def damaged_binaries(draw):
    name = draw(st.sampled_from(sorted(BINARY)))
    blob = BINARY[name]
    kind = draw(st.sampled_from(["flip", "truncate", "splice"]))
    if kind == "flip":
        blob = draw(byte_flips(blob))
    elif kind == "truncate":
        blob = draw(truncations(blob))
    else:
        blob = draw(splices(blob, [b"\x00", b"\xff" * 4, b"\x7f\xff\xff\xff", b"$FL2"]))
    return name, Mutated(blob, f"{name} {kind}")


@given(case=damaged_binaries())
@hostile_settings(40)
def test_damaged_xls_and_spss_files_import_whole_or_are_refused_clearly(ws, tmp_path, case):
    check_import(ws, tmp_path, *case)


def test_the_binary_samples_pass_the_property_unchanged(ws, tmp_path):
    for name, blob in BINARY.items():
        assert check_import(ws, tmp_path, name, blob, exact=True)


def test_an_spss_file_that_crashes_readstat_is_refused_and_the_app_lives_on(ws, tmp_path):
    # Found by the damaged-binaries property: a few flipped bytes made ReadStat read out
    # of bounds, and the whole test process (the consultant's app) died with SIGSEGV.
    crash = (SAMPLES.parent / "fixtures" / "surveys" / "readstat-crash.sav").read_bytes()
    assert not check_import(ws, tmp_path, "teacher_export.sav", crash)
    # The next SPSS file is read by a new reader process, as if nothing had happened.
    assert check_import(
        ws, tmp_path, "teacher_export.sav", BINARY["teacher_export.sav"], exact=True
    )

"""Damaged and hostile survey files: imported correctly, or refused clearly with nothing changed.

Every property starts from the real-layout samples in ``tests/samples`` and mutates
them. For each mutated file, ``inspect_survey`` and ``import_survey`` either succeed or
raise an ``OnpointError`` whose message names the file; never another exception, never a
hang; a refused import leaves every table of the workspace exactly as it was; an
accepted one is whole (its ``survey_imports`` record counts the rows stored, and the
stored aggregates equal a rebuild from the rows) and agrees with the preview. Mutations
that keep the content (another encoding, line endings, delimiter, blank lines) must
import exactly the true answers.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile_support import (
    SOAK,
    Hang,
    Mutated,
    byte_flips,
    hostile_settings,
    splices,
    time_limit,
    truncations,
)
from tests.hostile_survey_support import (
    CSV_PIECES,
    CSV_SAMPLES,
    RAW,
    UNICODE,
    XLSX_SAMPLES,
    check_import,
    encode_rows,
    header_rows,
    rows_of,
    zip_members,
    zipped,
)


@st.composite
def preserving_csv(draw):
    name = draw(st.sampled_from(CSV_SAMPLES))
    rows = rows_of(name)
    head = header_rows(name)
    blanks = draw(st.lists(st.integers(head, len(rows)), max_size=4))
    for at in sorted(blanks, reverse=True):
        rows.insert(at, [])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"]))
    text = "".join(",".join(r) for r in rows)
    if encoding == "cp1252":
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            encoding = "utf-8-sig"
    blob = encode_rows(
        rows,
        delimiter=draw(st.sampled_from([",", "\t", ";"])),
        endings=draw(st.sampled_from([("\r\n",), ("\n",), ("\r\n", "\n")])),
        encoding=encoding,
        draw=draw,
    )
    return name, Mutated(blob, f"{name} re-encoded {encoding}")


@given(case=preserving_csv())
@hostile_settings(25)
def test_content_preserving_changes_import_the_true_answers(ws, tmp_path, case):
    name, blob = case
    check_import(ws, tmp_path, name, blob, exact=True)


# --- damaged CSV / TSV -----------------------------------------------------------------------


@st.composite
def damaged_bytes(draw):
    name = draw(st.sampled_from(CSV_SAMPLES))
    blob = RAW[name]
    kind = draw(st.sampled_from(["flip", "truncate", "splice", "garbage", "reencode"]))
    if kind == "flip":
        blob = draw(byte_flips(blob))
    elif kind == "truncate":
        blob = draw(truncations(blob))
    elif kind == "splice":
        blob = draw(splices(blob, CSV_PIECES))
    elif kind == "garbage":
        at = draw(st.integers(0, len(blob)))
        blob = blob[:at] + draw(st.binary(min_size=1, max_size=64)) + blob[at:]
    else:
        text = blob.decode("utf-8-sig")
        encoding = draw(st.sampled_from(["latin-1", "cp1252", "utf-16-le", "utf-32", "cp037"]))
        blob = text.encode(encoding, errors="replace")
    return name, Mutated(blob, f"{name} {kind}")


@given(case=damaged_bytes())
@hostile_settings(50)
def test_damaged_text_files_import_whole_or_are_refused_clearly(ws, tmp_path, case):
    check_import(ws, tmp_path, *case)


ROW_DAMAGE = ["dup-header", "drop-header", "cell", "huge", "blank", "width"]
# Characters in a huge cell: around the CSV reader's field limit (131,072), and in the soak
# past a megabyte too (a cell of line breaks is then a million-line file: slow, not stuck).
HUGE_CELLS = [70_000, 140_000, 1_100_000] if SOAK else [70_000, 140_000]


@st.composite
def damaged_rows(draw):
    """Structural damage: header rows repeated or lost, random cells, huge cells, blank
    lines anywhere, rows of another width."""
    name = draw(st.sampled_from(CSV_SAMPLES))
    rows = rows_of(name)
    head = header_rows(name)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(ROW_DAMAGE))
        if kind == "dup-header":
            at = draw(st.integers(0, head))
            rows.insert(at, list(rows[draw(st.integers(0, head - 1))]))
        elif kind == "drop-header" and len(rows) > 1:
            del rows[draw(st.integers(0, min(head, len(rows)) - 1))]
        elif kind in ("cell", "huge"):
            r = draw(st.integers(0, len(rows) - 1))
            if rows[r]:
                c = draw(st.integers(0, len(rows[r]) - 1))
                if kind == "cell":
                    rows[r][c] = draw(st.text(UNICODE, max_size=40))
                else:
                    size = draw(st.sampled_from(HUGE_CELLS))
                    rows[r][c] = draw(UNICODE) * size
        elif kind == "blank":
            rows.insert(draw(st.integers(0, len(rows))), [])
        elif kind == "width":
            r = draw(st.integers(0, len(rows) - 1))
            extra = draw(st.integers(-3, 3))
            rows[r] = rows[r][:extra] if extra < 0 else rows[r] + ["x"] * extra
    blob = encode_rows(rows, endings=("\r\n", "\n", "\r"), draw=draw)
    return name, Mutated(blob, f"{name} with damaged rows")


@given(case=damaged_rows())
@hostile_settings(40)
def test_structurally_damaged_files_import_whole_or_are_refused_clearly(ws, tmp_path, case):
    check_import(ws, tmp_path, *case)


def test_every_sample_passes_the_property_unchanged(ws, tmp_path):
    """The property's own baseline: the untouched samples import exactly."""
    for name in CSV_SAMPLES + XLSX_SAMPLES:
        assert check_import(ws, tmp_path, name, RAW[name], exact=True)


def test_a_huge_unknown_answer_is_quoted_briefly(ws, tmp_path):
    """Regression: the refusal quoted an unknown answer whole (a megabyte-long dialog)."""
    rows = rows_of("teacher_qualtrics_text.csv")
    rows[10][20] = "é" * 1_100_000  # an answer cell
    assert not check_import(ws, tmp_path, "teacher_qualtrics_text.csv", encode_rows(rows))


def test_the_hang_guard_interrupts_a_stuck_example():
    """The guard every property relies on to turn a hang into a failing example."""
    import time

    started = time.monotonic()
    with pytest.raises(Hang), time_limit(0.2):
        while True:
            time.sleep(0.01)
    assert time.monotonic() - started < 2


def test_a_mapping_problem_names_the_file(ws, tmp_path):
    """Regression (found by the truncation property): a header cut short after "L1" maps
    a second column to L01, and that refusal did not say which file it was about."""
    blob = RAW["leader_template.csv"][:61]
    assert blob.decode().splitlines()[0].endswith(",L1")
    assert not check_import(ws, tmp_path, "leader_template.csv", blob)


# --- real tools' own ways of writing the same content (issue 10): must import exactly ------


def _single_quoted(cell: str, draw) -> str:
    """A Qualtrics ImportId cell as 2016–17 exports wrote it (Python-literal dict)."""
    if not draw(st.booleans()):
        return cell
    quoted = re.sub(r'"([^"]*)"', r"'\1'", cell)
    return quoted.replace(":'", ": '").replace(",'", ", '") if draw(st.booleans()) else quoted


@st.composite
def real_tool_rewrites(draw):
    """Content-preserving rewrites real exports show: ImportIds single-quoted, SurveyMonkey's
    metadata columns left out, trailing blank cells, a workbook declaring a wrong size
    (``A1`` as Microsoft Forms does, ``XFD1048576``), cells far away from the table."""
    kind = draw(st.sampled_from(["import-ids", "monkey-metadata", "trailing", "dimension", "far"]))
    if kind == "import-ids":
        name = draw(st.sampled_from([n for n in CSV_SAMPLES if "qualtrics" in n]))
        rows = rows_of(name)
        rows[2] = [_single_quoted(c, draw) for c in rows[2]]
        return name, Mutated(encode_rows(rows), f"{name} ImportIds single-quoted")
    if kind == "monkey-metadata":
        name = draw(st.sampled_from([n for n in CSV_SAMPLES if "surveymonkey" in n]))
        rows = rows_of(name)
        dropped = set(draw(st.lists(st.integers(0, 8), min_size=1, max_size=9)))
        rows = [[c for i, c in enumerate(r) if i not in dropped] for r in rows]
        return name, Mutated(encode_rows(rows), f"{name} without columns {sorted(dropped)}")
    if kind == "trailing":
        name = draw(st.sampled_from(CSV_SAMPLES))
        rows = [r + [""] * draw(st.integers(0, 4)) for r in rows_of(name)]
        return name, Mutated(encode_rows(rows), f"{name} with trailing blank cells")
    name = draw(st.sampled_from(XLSX_SAMPLES))
    members = [(info.filename, data) for info, data in zip_members(RAW[name])]
    sheet = next(i for i, (m, _d) in enumerate(members) if m.startswith("xl/worksheets/sheet"))
    member, xml = members[sheet]
    if kind == "dimension":
        declared = draw(st.sampled_from(["A1", "A1:XFD1048576", "B2:C3", "A1:A1048576", ""]))
        tag = f'<dimension ref="{declared}"/>'.encode() if declared else b""
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', tag, xml)
    else:
        where = draw(st.sampled_from(["XFD1048576", "XFD2", "A1048576", "ZZ5"]))
        row = int(re.search(r"\d+", where).group())
        cell = f'<c r="{where}" t="inlineStr"><is><t>far</t></is></c>'.encode()
        if row > 100:
            xml = xml.replace(
                b"</sheetData>", f'<row r="{row}">'.encode() + cell + b"</row></sheetData>"
            )
        else:
            xml = re.sub(
                rf'(<row r="{row}"[^>]*>.*?)(</row>)'.encode(),
                rb"\1" + cell + rb"\2",
                xml,
                count=1,
                flags=re.S,
            )
    members[sheet] = (member, xml)
    return name, Mutated(zipped(members), f"{name} {kind}")


@given(case=real_tool_rewrites())
@hostile_settings(30)
def test_real_tools_ways_of_writing_import_the_true_answers(ws, tmp_path, case):
    name, blob = case
    check_import(ws, tmp_path, name, blob, exact=True)


# --- damaged .xls and SPSS files: imported whole or refused clearly -----------------------------

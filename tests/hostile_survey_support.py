"""What the damaged-survey properties share: the real-layout samples, how a mutated file
is imported, and what a whole import or a clear refusal must look like (see
``tests/test_hostile_surveys.py`` for the properties)."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import warnings
import zipfile

from hypothesis import strategies as st

from onpoint_desktop.errors import OnpointError
from onpoint_desktop.surveys import import_survey, inspect_survey
from tests.conftest import SAMPLES
from tests.crash_imports import aggregates_match_rebuild
from tests.hostile_support import (
    check_refusal,
    time_limit,
)
from tests.survey_helpers import INSTRUMENTS, dump, expected_answers, stored_answers

CSV_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.csv"))
XLSX_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.xlsx"))
RAW = {name: (SAMPLES / name).read_bytes() for name in CSV_SAMPLES + XLSX_SAMPLES}
HEADER_ROWS = {"qualtrics": 3, "surveymonkey": 2}
CSV_PIECES = [b",", b"\t", b";", b'"', b"\r", b"\n", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf"]
_counter = itertools.count()
UNICODE = st.characters(codec="utf-8")  # any character a file can hold (no lone surrogates)


def role_of(name: str) -> str:
    return name.split("_", 1)[0]


def header_rows(name: str) -> int:
    return next((n for fmt, n in HEADER_ROWS.items() if fmt in name), 1)


def rows_of(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(RAW[name].decode("utf-8-sig"), newline="")))


def encode_rows(rows, *, delimiter=",", endings=("\r\n",), encoding="utf-8", draw=None) -> bytes:
    """Rows as CSV text, each row ending with one of ``endings`` (drawn when several)."""
    out = io.StringIO()
    for row in rows:
        ending = draw(st.sampled_from(endings)) if draw and len(endings) > 1 else endings[0]
        csv.writer(out, delimiter=delimiter, lineterminator=ending).writerow(row)
    text = out.getvalue()
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


# --- the property ----------------------------------------------------------------------------


def check_import(ws, tmp_path, name: str, blob: bytes, *, exact: bool = False) -> bool:
    """Import ``blob`` (a mutated ``name``) into a fresh round; True if it was accepted.

    ``exact``: the mutation kept the content, so the import must succeed with the true
    answers."""
    role = role_of(name)
    suffix = name.rsplit(".", 1)[1]
    path = tmp_path / f"mutated-{next(_counter)}-{name.rsplit('.', 1)[0]}.{suffix}"
    path.write_bytes(blob)
    round_id = f"h{next(_counter)}"
    ws.add_round(round_id, "year1")
    before = dump(ws)
    preview = refusal = None
    with time_limit():
        try:
            preview = inspect_survey(path, role, instruments=INSTRUMENTS)
        except OnpointError as exc:
            check_refusal(str(exc), path.name)
        try:
            summary = import_survey(ws, path, round_id, role)
        except OnpointError as exc:
            refusal = exc
    path.unlink()
    if refusal is not None:
        check_refusal(str(refusal), path.name)
        assert dump(ws) == before, f"a refused import changed the workspace: {refusal}"
        assert preview is None or not preview.ready, f"preview was ready, import: {refusal}"
        assert not exact, f"a content-preserving change was refused: {refusal}"
        return False
    assert preview is not None and preview.ready, "imported a file the preview refused"
    assert summary.rows_imported == preview.rows_to_import
    _check_whole_import(ws, round_id, role, summary)
    if exact:
        assert stored_answers(ws, role, round_id) == expected_answers(ws, role)
    return True


def _check_whole_import(ws, round_id: str, role: str, summary) -> None:
    stored = ws.conn.execute(
        "SELECT count(*) FROM survey_responses WHERE round_id = ?", (round_id,)
    ).fetchone()[0]
    assert stored == summary.rows_imported
    records = [r for r in ws.survey_imports(round_id)]
    if stored:
        assert [r["rows_imported"] for r in records] == [stored]
        assert records[0]["id"] == summary.import_id
    else:
        assert records == []
    assert aggregates_match_rebuild(ws.path)


# --- content-preserving changes: must import exactly ---------------------------------------


def zip_members(blob: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def zipped(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore", UserWarning)  # a repeated member name is the damage
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()

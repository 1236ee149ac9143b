"""Helpers for the survey import tests: workspace dumps, truth comparison, file writers."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path

from tests.conftest import SAMPLES

TABLES = (
    "meta",
    "district",
    "rounds",
    "rating_events",
    "survey_imports",
    "survey_responses",
    "survey_item_stats",
    "survey_component_counts",
    "benchmark_packs",
)


def dump(ws) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), read through a separate connection."""
    conn = sqlite3.connect(ws.path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        conn.close()


def truth() -> dict[str, list[dict]]:
    return json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


def as_multiset(rows: list[dict], item_ids) -> Counter:
    return Counter(json.dumps({i: r.get(i) for i in item_ids}, sort_keys=True) for r in rows)


def stored_answers(ws, role: str, round_id: str = "r1") -> Counter:
    rows = ws.conn.execute(
        "SELECT answers FROM survey_responses WHERE round_id = ? AND role = ?", (round_id, role)
    )
    return as_multiset(
        [json.loads(a) for (a,) in rows], ws.current_model.instruments[role].item_ids
    )


def expected_answers(ws, role: str) -> Counter:
    return as_multiset(truth()[role], ws.current_model.instruments[role].item_ids)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(
    path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def write_workbook(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path

"""Helpers for the survey import tests: workspace dumps, truth comparison, file writers."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path

from onpoint_desktop.model_catalogue import shipped_model
from tests.conftest import SAMPLES

# The instruments of the installed scoring model, for inspections outside a workspace.
INSTRUMENTS = shipped_model("onpoint-1").instruments

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


def truth_means(role: str) -> dict[str, float]:
    """The true mean raw answer of each item (missing answers left out)."""
    rows = truth()[role]
    means = {}
    for item in rows[0]:
        values = [r[item] for r in rows if r[item] is not None]
        means[item] = sum(values) / len(values)
    return means


def stored_means(ws, role: str, round_id: str = "r1") -> dict[str, float]:
    """The mean raw answer of each item, from the aggregates the score reads."""
    stats = ws.survey_aggregates(round_id).role(role).items
    return {item: stat.total / stat.n for item, stat in stats.items()}

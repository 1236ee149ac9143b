"""Killed survey imports (``crash_harness``): a large Qualtrics export imported into
several rounds, killed at a random moment, and the check that each round holds the
whole import or nothing, with aggregates equal to a rebuild of the stored responses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crash_harness import ROOT, Outcome, integrity, kill_during

QUALTRICS_SAMPLE = ROOT / "tests" / "samples" / "teacher_qualtrics_text.csv"
RESPONSE_ID_COLUMN = 8


def big_qualtrics_export(out: Path, rows: int) -> Path:
    """A Qualtrics export of ``rows`` body rows: the real sample's rows repeated (with
    previews and tests among them) under distinct response ids."""
    import csv
    import itertools

    with QUALTRICS_SAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        sample = list(csv.reader(fh))
    header, body = sample[:3], sample[3:]
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerows(header)
        for n, row in zip(range(rows), itertools.cycle(body)):
            row = list(row)
            row[RESPONSE_ID_COLUMN] = f"{row[RESPONSE_ID_COLUMN]}_{n // len(body)}"
            writer.writerow(row)
    return out


def importable_rows(export: Path) -> int:
    """How many responses a whole import of ``export`` stores (previews, tests skipped)."""
    from onpoint_desktop.model_catalogue import shipped_model
    from onpoint_desktop.surveys import inspect_survey

    instruments = shipped_model("onpoint-1").instruments
    return inspect_survey(export, "teacher", instruments=instruments).rows_to_import


def aggregates_match_rebuild(db: Path) -> bool:
    """Whether the stored survey aggregates equal a rebuild from the stored responses
    (checked inside a transaction that is rolled back: the file is not changed)."""
    from onpoint_desktop.model_catalogue import shipped_model
    from onpoint_desktop.workspace import responses as resp_store

    tables = ("survey_item_stats", "survey_component_counts")
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        stored = [sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables]
        for round_id, model_id in conn.execute("SELECT id, model FROM rounds").fetchall():
            resp_store.rebuild_aggregates(conn, round_id, shipped_model(model_id))
        rebuilt = [sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables]
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    return stored == rebuilt


def import_trial(
    db: Path, export: Path, rounds: list[str], whole: int, kill_after: float
) -> Outcome:
    """Kill imports of ``export`` into ``rounds`` (one after the other) after
    ``kill_after`` seconds of work. Each round must hold all ``whole`` responses with
    their one ``survey_imports`` record, or nothing; every acknowledged import must be
    whole; and the aggregates must equal a rebuild from the stored responses."""
    lines = kill_during(["import", str(db), str(export), *rounds], kill_after)
    acked = [line.split()[1] for line in lines if line.startswith("imported ")]
    state = integrity(db)
    problems: list[str] = []
    if state == "ok":
        conn = sqlite3.connect(db)
        counts = dict(
            conn.execute("SELECT round_id, count(*) FROM survey_responses GROUP BY round_id")
        )
        records = {}
        for round_id, rows_imported in conn.execute(
            "SELECT round_id, rows_imported FROM survey_imports"
        ):
            records.setdefault(round_id, []).append(rows_imported)
        conn.close()
        found = " ".join(
            f"{r}:" + {0: "none", whole: "whole"}.get(counts.get(r, 0), "PARTIAL") for r in rounds
        )
        for round_id in rounds:
            stored = counts.get(round_id, 0)
            if stored not in (0, whole):
                problems.append(f"round {round_id} half-imported: {stored} of {whole}")
            if records.get(round_id, []) != ([stored] if stored else []):
                problems.append(f"round {round_id}: import records {records.get(round_id)}")
        lost = [r for r in acked if counts.get(r, 0) != whole]
        if lost:
            problems.append(f"acknowledged imports missing: {lost}")
        if not aggregates_match_rebuild(db):
            problems.append("aggregates differ from a rebuild of the stored responses")
        return Outcome(acked, state, problems, found)
    return Outcome(acked, state, problems)

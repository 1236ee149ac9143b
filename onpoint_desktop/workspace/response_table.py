"""Storing survey responses: a columnar batch, its aggregates, and the one response writer.

A ``ResponseTable`` holds a batch of parsed responses as columns (keys, schools, and an
integer matrix of answers: respondents × items, 0 for missing). ``ResponseWriter`` is the
only code that writes responses: inside the caller's transaction it leaves out responses
whose key is already stored for the round and role (so re-importing a file adds nothing),
stores each new response as one row with its answers as compact JSON, and adds the batch's
aggregates (count and raw sum per item; respondents per component; district-wide and per
school) to the stored ones with one upsert (``upsert_aggregates``). ``aggregates_of`` is
the one computation of those aggregates, used by the writer, by a full rebuild and by HQ.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from onpoint_desktop import limits
from onpoint_desktop.workspace.responses import ALL_SCHOOLS, ANY_COMPONENT, Response


@dataclass(frozen=True)
class ResponseTable:
    """Parsed responses of one role, as columns."""

    item_ids: tuple[str, ...]
    keys: Sequence[str]
    values: np.ndarray  # int, shape (len(keys), len(item_ids)); 0 = missing
    schools: Sequence[str | None]
    comments: Sequence[str | None] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def part(self, start: int, stop: int) -> ResponseTable:
        """Rows ``start`` to ``stop`` (a batch to store)."""
        return ResponseTable(
            self.item_ids,
            self.keys[start:stop],
            self.values[start:stop],
            self.schools[start:stop],
            None if self.comments is None else self.comments[start:stop],
        )

    @classmethod
    def from_responses(
        cls, responses: Iterable[Response], item_ids: Sequence[str]
    ) -> ResponseTable:
        responses = list(responses)
        column = {item: j for j, item in enumerate(item_ids)}
        values = np.zeros((len(responses), len(item_ids)), dtype=np.int16)
        for i, resp in enumerate(responses):
            for item, value in resp.answers.items():
                values[i, column[item]] = value
        comments = [r.comment for r in responses]
        return cls(
            tuple(item_ids),
            [r.key for r in responses],
            values,
            [r.school or None for r in responses],
            comments if any(comments) else None,
        )


def answers_json(item_ids: Sequence[str], values: np.ndarray) -> list[str]:
    """Each row's answers as ``{"T01":3,"T04":5}`` (missing answers left out): each item's
    fragments are gathered for the whole column, then joined once per row."""
    if values.shape[0] == 0:
        return []
    top = int(values.max(initial=0))
    columns = [
        np.array(["", *(f'"{item}":{v},' for v in range(1, top + 1))], dtype=object)[
            values[:, j]
        ].tolist()
        for j, item in enumerate(item_ids)
    ]
    return ["{" + "".join(parts)[:-1] + "}" for parts in zip(*columns, strict=True)]


def aggregates_of(
    table: ResponseTable, component_of: Mapping[str, str], *, by_school: bool = True
) -> tuple[list[tuple], list[tuple]]:
    """The additive aggregates of a batch: ``(school, item, n, total)`` rows and
    ``(school, component, n)`` rows, district-wide (school ``ALL_SCHOOLS``) and, with
    ``by_school``, per school."""
    schools = table.schools if by_school else [None] * len(table)
    names = sorted({s for s in schools if s})
    group_of = {s: g for g, s in enumerate(names, start=1)}
    groups = np.fromiter((group_of.get(s, 0) for s in schools), dtype=np.int64, count=len(table))
    labels = [ALL_SCHOOLS, *names]
    values = table.values
    valid = values > 0
    width = len(labels)

    def per_group(weights: np.ndarray) -> np.ndarray:
        counts = np.bincount(groups, weights=weights, minlength=width)
        counts[0] = weights.sum()  # the district-wide cell counts every respondent
        return counts

    stats = []
    for j, item in enumerate(table.item_ids):
        n = per_group(valid[:, j].astype(np.float64))
        total = per_group(np.where(valid[:, j], values[:, j], 0).astype(np.float64))
        stats += [(labels[g], item, int(n[g]), float(total[g])) for g in np.flatnonzero(n)]
    by_component: dict[str, list[int]] = {}
    for j, item in enumerate(table.item_ids):
        if item in component_of:
            by_component.setdefault(component_of[item], []).append(j)
    counts = []
    known = [j for cols in by_component.values() for j in cols]
    for comp, cols in [*by_component.items(), (ANY_COMPONENT, known)]:
        if not cols:
            continue
        n = per_group(valid[:, cols].any(axis=1).astype(np.float64))
        counts += [(labels[g], comp, int(n[g])) for g in np.flatnonzero(n)]
    return stats, counts


def pairs_of(table: ResponseTable, scored: Iterable[str]) -> list[tuple]:
    """The additive pair aggregates of a batch, district-wide: for each pair of the
    ``scored`` items a ≤ b (a = b included) that some respondent answered both of,
    ``(a, b, n, Σab, Σa, Σb)`` over those respondents (what the analytic standard error of
    a score needs: ``scoring.PairStat``)."""
    wanted = set(scored)
    columns = [j for j, item in enumerate(table.item_ids) if item in wanted]
    if not columns or len(table) == 0:
        return []
    ids = [table.item_ids[j] for j in columns]
    values = table.values[:, columns].astype(np.float64)
    answered = (values > 0).astype(np.float64)
    values *= answered  # a missing answer adds nothing
    n = answered.T @ answered
    products = values.T @ values
    sums = values.T @ answered  # [j, k]: Σ item j over those who also answered k
    order = np.argsort(np.array(ids, dtype=object))  # pairs keyed (a, b) with a ≤ b by id
    xs, ys = np.triu_indices(len(ids))
    xs, ys = order[xs], order[ys]
    kept = n[xs, ys] > 0
    xs, ys = xs[kept], ys[kept]
    return list(
        zip(
            [ids[x] for x in xs.tolist()],
            [ids[y] for y in ys.tolist()],
            n[xs, ys].astype(np.int64).tolist(),
            products[xs, ys].tolist(),
            sums[xs, ys].tolist(),
            sums[ys, xs].tolist(),
            strict=True,
        )
    )


def upsert_pairs(conn: sqlite3.Connection, round_id: str, role: str, pairs: list[tuple]) -> None:
    """Add pair aggregates to the stored ones (all of them add up), inside the caller's
    transaction."""
    conn.executemany(
        "INSERT INTO survey_item_pairs (round_id, role, item_a, item_b, n, sum_ab, sum_a, "
        "sum_b) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, role, item_a, item_b) "
        "DO UPDATE SET n = n + excluded.n, sum_ab = sum_ab + excluded.sum_ab, "
        "sum_a = sum_a + excluded.sum_a, sum_b = sum_b + excluded.sum_b",
        [(round_id, role, *row) for row in pairs],
    )


def upsert_aggregates(
    conn: sqlite3.Connection, round_id: str, role: str, stats: list[tuple], counts: list[tuple]
) -> None:
    """Add aggregates to the stored ones (n and sums add up), inside the caller's
    transaction."""
    conn.executemany(
        "INSERT INTO survey_item_stats (round_id, role, school, item_id, n, total) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, role, school, item_id) "
        "DO UPDATE SET n = n + excluded.n, total = total + excluded.total",
        [(round_id, role, *row) for row in stats],
    )
    conn.executemany(
        "INSERT INTO survey_component_counts (round_id, role, school, component_id, n) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id, role, school, component_id) "
        "DO UPDATE SET n = n + excluded.n",
        [(round_id, role, *row) for row in counts],
    )


def stored_keys(conn: sqlite3.Connection, round_id: str, role: str) -> set[str]:
    rows = conn.execute(
        "SELECT response_key FROM survey_responses WHERE round_id = ? AND role = ?",
        (round_id, role),
    )
    return {r[0] for r in rows}


class ResponseWriter:
    """Adds response batches of one import (round and role) inside a transaction."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        component_of: Mapping[str, str],
        round_id: str,
        role: str,
        record: dict,
    ) -> None:
        self.conn, self.round_id, self.role = conn, round_id, role
        self.component_of = component_of  # item → component, of the round's scoring model
        self.record = record  # the survey_imports row, written with the first new response
        self.known = stored_keys(conn, round_id, role)
        self.import_id: int | None = None
        self.inserted = 0

    def add(self, table: ResponseTable) -> np.ndarray:
        """Store the responses with new keys; returns which rows of ``table`` were new."""
        limits.check_schools(table.schools)  # so the workspace can always be exported
        new = np.zeros(len(table), dtype=bool)
        for i, key in enumerate(table.keys):
            if key not in self.known:
                self.known.add(key)
                new[i] = True
        if not new.any():
            return new
        if self.import_id is None:
            columns = ", ".join(self.record)
            marks = ", ".join("?" for _ in self.record)
            cursor = self.conn.execute(
                f"INSERT INTO survey_imports ({columns}) VALUES ({marks})",
                list(self.record.values()),
            )
            self.import_id = cursor.lastrowid
        rows = np.flatnonzero(new)
        batch = ResponseTable(
            table.item_ids,
            [table.keys[i] for i in rows],
            table.values[rows],
            [table.schools[i] or None for i in rows],
            [table.comments[i] for i in rows] if table.comments is not None else None,
        )
        self.conn.executemany(
            "INSERT INTO survey_responses "
            "(round_id, role, response_key, school, answers, comment, import_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            zip(
                [self.round_id] * len(batch),
                [self.role] * len(batch),
                batch.keys,
                batch.schools,
                answers_json(batch.item_ids, batch.values),
                batch.comments if batch.comments is not None else [None] * len(batch),
                [self.import_id] * len(batch),
                strict=True,
            ),
        )
        upsert_aggregates(
            self.conn, self.round_id, self.role, *aggregates_of(batch, self.component_of)
        )
        upsert_pairs(self.conn, self.round_id, self.role, pairs_of(batch, self.component_of))
        self.inserted += len(batch)
        return new

    def finish(self, rows_read: int, summary: dict) -> int | None:
        """Complete the survey_imports record (if anything was stored); its id or None."""
        if self.import_id is None:
            return None
        self.conn.execute(
            "UPDATE survey_imports SET rows_read = ?, rows_imported = ?, rows_skipped = ?, "
            "summary = ? WHERE id = ?",
            (
                rows_read,
                self.inserted,
                rows_read - self.inserted,
                json.dumps(summary, ensure_ascii=False, sort_keys=True),
                self.import_id,
            ),
        )
        return self.import_id

"""Storing many survey responses at once: a columnar batch and the writer of one import.

A ``ResponseTable`` holds a batch of parsed responses as columns (keys, schools, and an
integer matrix of answers: respondents × items, 0 for missing). ``ResponseWriter`` adds
batches to the workspace inside the caller's transaction: responses whose key is already
stored for the round and role are left out (so re-importing a file adds nothing), each
new response is stored as one row with its answers as compact JSON, and the aggregates
the live score reads are updated from the whole batch with numpy. They come out exactly
as ``responses.rebuild_aggregates`` would compute them from the stored rows.

The survey import is recorded in ``survey_imports`` only when it stores something.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from onpoint_desktop import limits
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.workspace.responses import ALL_SCHOOLS, ANY_COMPONENT, Response, existing_keys


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
    """Each row's answers as ``{"T01":3,"T04":5}`` (missing answers left out), vectorised."""
    n = values.shape[0]
    if n == 0:
        return []
    top = int(values.max(initial=0))
    text = np.full(n, "", dtype=object)
    for j, item in enumerate(item_ids):
        fragments = np.array([""] + [f'"{item}":{v},' for v in range(1, top + 1)], dtype=object)
        text = text + fragments[values[:, j]]
    return ["{" + s[:-1] + "}" for s in text.tolist()]


class ResponseWriter:
    """Adds response batches of one import (round and role) inside a transaction."""

    def __init__(
        self, conn: sqlite3.Connection, model: ScoringModel, round_id: str, role: str, record: dict
    ) -> None:
        self.conn, self.model, self.round_id, self.role = conn, model, round_id, role
        self.record = record  # the survey_imports row, written with the first new response
        self.known = existing_keys(conn, round_id, role)
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
        values = table.values[rows]
        keys = [table.keys[i] for i in rows]
        schools = [table.schools[i] or None for i in rows]
        comments = [table.comments[i] for i in rows] if table.comments is not None else None
        answers = answers_json(table.item_ids, values)
        self.conn.executemany(
            "INSERT INTO survey_responses "
            "(round_id, role, response_key, school, answers, comment, import_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            zip(
                [self.round_id] * len(keys),
                [self.role] * len(keys),
                keys,
                schools,
                answers,
                comments if comments is not None else [None] * len(keys),
                [self.import_id] * len(keys),
                strict=False,
            ),
        )
        self._add_aggregates(table.item_ids, values, schools)
        self.inserted += len(keys)
        return new

    def _add_aggregates(
        self, item_ids: Sequence[str], values: np.ndarray, schools: list[str | None]
    ) -> None:
        names = sorted({s for s in schools if s})
        group_of = {s: g for g, s in enumerate(names, start=1)}
        groups = np.fromiter(
            (group_of.get(s, 0) for s in schools), dtype=np.int64, count=len(schools)
        )
        labels = [ALL_SCHOOLS, *names]
        valid = values > 0
        width = len(labels)

        def per_group(weights: np.ndarray) -> np.ndarray:
            counts = np.bincount(groups, weights=weights, minlength=width)
            counts[0] = weights.sum()  # the district-wide cell counts every respondent
            return counts

        stats = []
        for j, item in enumerate(item_ids):
            n = per_group(valid[:, j].astype(np.float64))
            total = per_group(np.where(valid[:, j], values[:, j], 0).astype(np.float64))
            stats += [(labels[g], item, int(n[g]), float(total[g])) for g in np.flatnonzero(n)]
        self.conn.executemany(
            "INSERT INTO survey_item_stats (round_id, role, school, item_id, n, total) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, role, school, item_id) "
            "DO UPDATE SET n = n + excluded.n, total = total + excluded.total",
            [(self.round_id, self.role, *row) for row in stats],
        )
        component_of = {i.id: i.component for i in self.model.instruments[self.role].items}
        by_component: dict[str, list[int]] = {}
        for j, item in enumerate(item_ids):
            if item in component_of:
                by_component.setdefault(component_of[item], []).append(j)
        counts = []
        known = [j for cols in by_component.values() for j in cols]
        for comp, cols in [*by_component.items(), (ANY_COMPONENT, known)]:
            if not cols:
                continue
            n = per_group(valid[:, cols].any(axis=1).astype(np.float64))
            counts += [(labels[g], comp, int(n[g])) for g in np.flatnonzero(n)]
        self.conn.executemany(
            "INSERT INTO survey_component_counts (round_id, role, school, component_id, n) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id, role, school, component_id) "
            "DO UPDATE SET n = n + excluded.n",
            [(self.round_id, self.role, *row) for row in counts],
        )

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

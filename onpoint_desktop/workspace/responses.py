"""Survey responses in the workspace, read back: the aggregates the live score reads.

Responses are stored one row per respondent (answers as a compact JSON object of item id
→ raw value; reverse coding happens only in scoring), written only by
``response_table.ResponseWriter``. Alongside, per round, role and school, the store keeps
additive aggregates (count and raw sum per item, respondents per component, and
district-wide the sums a covariance needs per pair of items), updated in the same
transaction as the responses, so the score never rescans responses.

A stored row whose answers are empty (``{}``: written by release 1 for a row that answered
nothing) is no respondent: it is in no count.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.survey_aggregates import ItemStat, PairStat, RoleAggregate, SurveyAggregates

if TYPE_CHECKING:  # the columnar machinery (numpy) is loaded only by what writes or rebuilds
    from onpoint_desktop.workspace.response_table import ResponseTable

ALL_SCHOOLS = ""  # the school key of district-wide aggregates
ANY_COMPONENT = "*"  # component key counting respondents with any valid answer

__all__ = [
    "ALL_SCHOOLS",
    "ANY_COMPONENT",
    "Response",
    "aggregate_responses",
    "load_aggregates",
    "rebuild_aggregates",
    "respondent_counts",
    "schools",
]


@dataclass(frozen=True)
class Response:
    """One respondent's answers, already parsed: item id → raw value (1–5), missing omitted."""

    key: str
    answers: dict[str, int]
    school: str | None = None
    comment: str | None = None


def component_of(model: ScoringModel, role: str) -> dict[str, str]:
    """Item → component of one role's instrument in a scoring model."""
    return {item.id: item.component for item in model.instruments[role].items}


def _table(model: ScoringModel, role: str, rows: list[tuple[dict, str | None]]) -> ResponseTable:
    from onpoint_desktop.workspace.response_table import ResponseTable

    items = list(model.instruments[role].item_ids)
    extra = sorted({i for answers, _ in rows for i in answers} - set(items))
    responses = [Response(str(n), answers, school) for n, (answers, school) in enumerate(rows)]
    return ResponseTable.from_responses(responses, items + extra)


CHUNK = 5000  # respondents aggregated at a time: memory stays flat for any round


def aggregate_responses(
    model: ScoringModel, responses: Iterable[tuple[str, dict[str, int], str | None]]
) -> SurveyAggregates:
    """District-wide aggregates of (role, answers, school) rows, computed in memory.

    The same sums the workspace stores incrementally (``aggregates_of``, ``pairs_of``),
    for callers that hold the responses themselves (HQ rebuilds each round's aggregates
    from merged responses, streamed): respondents are taken ``CHUNK`` at a time into one
    matrix per role and their sums added up, so a round of 150,000 responses costs a few
    megabytes. Answers to items outside the role's instrument are not scored, so they are
    left out.
    """
    sums: dict[str, _RoleSums] = {}
    pending: dict[str, list[dict[str, int]]] = defaultdict(list)
    for role, answers, _school in responses:
        if role not in model.instruments:
            continue
        pending[role].append(answers)
        if len(pending[role]) >= CHUNK:
            sums.setdefault(role, _RoleSums(model, role)).add(pending.pop(role))
    for role, rows in pending.items():
        sums.setdefault(role, _RoleSums(model, role)).add(rows)
    return SurveyAggregates({role: s.aggregate() for role, s in sums.items()})


class _RoleSums:
    """The running sums of one role's answers (``aggregate_responses``)."""

    def __init__(self, model: ScoringModel, role: str) -> None:
        import numpy as np

        self.items = list(model.instruments[role].item_ids)
        self.column = {item: j for j, item in enumerate(self.items)}
        of_component = component_of(model, role)
        groups: dict[str, list[int]] = defaultdict(list)
        for item in self.items:
            groups[of_component[item]].append(self.column[item])
        self.groups = dict(groups)
        self.known = [j for cols in groups.values() for j in cols]
        k = len(self.items)
        self.n = np.zeros(k)
        self.totals = np.zeros(k)
        self.counts = dict.fromkeys([*groups, ANY_COMPONENT], 0)
        self.pair_n = np.zeros((k, k))
        self.products = np.zeros((k, k))
        self.pair_sums = np.zeros((k, k))

    def add(self, rows: list[dict[str, int]]) -> None:
        import numpy as np

        items = self.items  # answers outside the instrument are left out; missing ones are 0
        values = np.array(
            [[answers.get(item, 0) for item in items] for answers in rows], dtype=np.float64
        ).reshape(len(rows), len(items))
        answered = (values > 0).astype(np.float64)
        self.n += answered.sum(axis=0)
        self.totals += values.sum(axis=0)
        for comp, cols in self.groups.items():
            self.counts[comp] += int(answered[:, cols].any(axis=1).sum())
        if self.known:
            self.counts[ANY_COMPONENT] += int(answered[:, self.known].any(axis=1).sum())
        self.pair_n += answered.T @ answered
        self.products += values.T @ values
        self.pair_sums += values.T @ answered

    def aggregate(self) -> RoleAggregate:
        items, pairs = self.items, {}
        # Plain Python numbers first: indexing numpy arrays one value at a time is slow.
        pair_n, products = self.pair_n.tolist(), self.products.tolist()
        pair_sums, n, totals = self.pair_sums.tolist(), self.n.tolist(), self.totals.tolist()
        for x, a in enumerate(items):
            for y, b in enumerate(items):
                if a <= b and pair_n[x][y]:
                    pairs[a, b] = PairStat(
                        int(pair_n[x][y]), products[x][y], pair_sums[x][y], pair_sums[y][x]
                    )
        return RoleAggregate(
            {a: ItemStat(int(n[j]), totals[j]) for j, a in enumerate(items) if n[j]},
            {comp: n for comp, n in self.counts.items() if n},
            pairs,
        )


def load_aggregates(
    conn: sqlite3.Connection, round_id: str, school: str = ALL_SCHOOLS
) -> SurveyAggregates:
    """The stored aggregates of a round (district-wide, or of one school: pair aggregates,
    hence standard errors, are kept district-wide only)."""
    items: dict[str, dict[str, ItemStat]] = defaultdict(dict)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for role, item, n, total in conn.execute(
        "SELECT role, item_id, n, total FROM survey_item_stats WHERE round_id = ? AND school = ?",
        (round_id, school),
    ):
        items[role][item] = ItemStat(n, total)
    for role, comp, n in conn.execute(
        "SELECT role, component_id, n FROM survey_component_counts "
        "WHERE round_id = ? AND school = ?",
        (round_id, school),
    ):
        counts[role][comp] = n
    pairs: dict[str, dict[tuple[str, str], PairStat]] = defaultdict(dict)
    if school == ALL_SCHOOLS:
        for role, a, b, *sums in conn.execute(
            "SELECT role, item_a, item_b, n, sum_ab, sum_a, sum_b FROM survey_item_pairs "
            "WHERE round_id = ?",
            (round_id,),
        ):
            pairs[role][a, b] = PairStat(*sums)
    roles = set(items) | set(counts)
    return SurveyAggregates(
        {
            r: RoleAggregate(dict(items.get(r, {})), dict(counts.get(r, {})), pairs.get(r, {}))
            for r in roles
        }
    )


def schools(conn: sqlite3.Connection, round_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT school FROM survey_component_counts WHERE round_id = ? AND school != ''"
        " ORDER BY school",
        (round_id,),
    )
    return [r[0] for r in rows]


def rebuild_aggregates(conn: sqlite3.Connection, round_id: str, model: ScoringModel) -> None:
    """Recompute a round's aggregates from its stored responses with ``model`` (inside the
    caller's transaction).

    Used when a round changes scoring model (another item → component mapping), and by
    tests to check that the incremental aggregates are exact.
    """
    from onpoint_desktop.workspace.response_table import (
        aggregates_of,
        pairs_of,
        upsert_aggregates,
        upsert_pairs,
    )

    conn.execute("DELETE FROM survey_item_stats WHERE round_id = ?", (round_id,))
    conn.execute("DELETE FROM survey_component_counts WHERE round_id = ?", (round_id,))
    conn.execute("DELETE FROM survey_item_pairs WHERE round_id = ?", (round_id,))
    roles = conn.execute(
        "SELECT DISTINCT role FROM survey_responses WHERE round_id = ?", (round_id,)
    ).fetchall()
    for (role,) in roles:
        if role not in model.instruments:
            continue  # answers to an instrument the model does not use: kept, not scored
        rows = [
            (json.loads(answers), school)
            for school, answers in conn.execute(
                "SELECT school, answers FROM survey_responses WHERE round_id = ? AND role = ?",
                (round_id, role),
            )
        ]
        table = _table(model, role, rows)
        stats, counts = aggregates_of(table, component_of(model, role))
        upsert_aggregates(conn, round_id, role, stats, counts)
        upsert_pairs(conn, round_id, role, pairs_of(table, component_of(model, role)))


def respondent_counts(conn: sqlite3.Connection, round_id: str) -> dict[str, int]:
    """Respondents per role in a round (stored rows that answered at least one item)."""
    rows = conn.execute(
        "SELECT role, count(*) FROM survey_responses WHERE round_id = ? AND answers != '{}' "
        "GROUP BY role",
        (round_id,),
    )
    return dict(rows.fetchall())


def answer_counts(conn: sqlite3.Connection, round_id: str) -> dict[str, dict[str, dict[int, int]]]:
    """How many respondents gave each answer to each item in a round: role → item →
    answer value → count. Values are the raw answers (before reverse coding); missing
    answers are not stored, so they are not counted.

    Read-only, for item-level results (the report's answer distributions); the live
    score never needs it.
    """
    counts: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for role, item, value, n in conn.execute(
        "SELECT r.role, a.key, a.value, count(*) FROM survey_responses AS r, "
        "json_each(r.answers) AS a WHERE r.round_id = ? GROUP BY r.role, a.key, a.value",
        (round_id,),
    ):
        counts[role][item][int(value)] = n
    return {role: dict(items) for role, items in counts.items()}

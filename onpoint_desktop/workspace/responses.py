"""Survey responses in the workspace, and the aggregates the live score reads.

Responses are stored one row per respondent (answers as a compact JSON object of item id
→ raw value; reverse coding happens only in scoring). Alongside, per round, role and
school, the store keeps additive aggregates: count and raw sum per item, and respondents
per component. They are updated in the same transaction as the responses they summarise,
so the score never rescans responses.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from onpoint_desktop import limits
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.scoring import ItemStat, RoleAggregate, SurveyAggregates

ALL_SCHOOLS = ""  # the school key of district-wide aggregates
ANY_COMPONENT = "*"  # component key counting respondents with any valid answer


@dataclass(frozen=True)
class Response:
    """One respondent's answers, already parsed: item id → raw value (1–5), missing omitted."""

    key: str
    answers: dict[str, int]
    school: str | None = None
    comment: str | None = None


def existing_keys(conn: sqlite3.Connection, round_id: str, role: str) -> set[str]:
    rows = conn.execute(
        "SELECT response_key FROM survey_responses WHERE round_id = ? AND role = ?",
        (round_id, role),
    )
    return {r[0] for r in rows}


class _Accumulator:
    """Additive aggregates of a batch of responses of one role, per school."""

    def __init__(self, model: ScoringModel, role: str) -> None:
        self.component_of = {item.id: item.component for item in model.instruments[role].items}
        self.item_n: dict[tuple[str, str], int] = defaultdict(int)
        self.item_total: dict[tuple[str, str], float] = defaultdict(float)
        self.comp_n: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, answers: dict[str, int], school: str | None) -> None:
        schools = (ALL_SCHOOLS, school) if school else (ALL_SCHOOLS,)
        components = {self.component_of[i] for i in answers if i in self.component_of}
        if components:
            components.add(ANY_COMPONENT)
        for s in schools:
            for item, value in answers.items():
                self.item_n[s, item] += 1
                self.item_total[s, item] += value
            for comp in components:
                self.comp_n[s, comp] += 1

    def role_aggregate(self, school: str = ALL_SCHOOLS) -> RoleAggregate:
        """This batch's aggregate for one school (default: district-wide), in memory."""
        items = {
            i: ItemStat(n, self.item_total[s, i])
            for (s, i), n in self.item_n.items()
            if s == school
        }
        counts = {c: n for (s, c), n in self.comp_n.items() if s == school}
        return RoleAggregate(items, counts)

    def write(self, conn: sqlite3.Connection, round_id: str, role: str) -> None:
        """Add this batch to the stored aggregates (upsert: n and sums add up)."""
        conn.executemany(
            "INSERT INTO survey_item_stats (round_id, role, school, item_id, n, total) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, role, school, item_id) "
            "DO UPDATE SET n = n + excluded.n, total = total + excluded.total",
            [(round_id, role, s, i, n, self.item_total[s, i]) for (s, i), n in self.item_n.items()],
        )
        conn.executemany(
            "INSERT INTO survey_component_counts (round_id, role, school, component_id, n) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id, role, school, component_id) "
            "DO UPDATE SET n = n + excluded.n",
            [(round_id, role, s, c, n) for (s, c), n in self.comp_n.items()],
        )


def insert_responses(
    conn: sqlite3.Connection,
    model: ScoringModel,
    round_id: str,
    role: str,
    responses: Iterable[Response],
    import_id: int | None,
) -> int:
    """Insert the responses whose key is new for (round, role); update aggregates.

    Runs inside the caller's transaction. Returns how many were inserted.
    """
    responses = list(responses)
    limits.check_schools(r.school for r in responses)  # so the workspace can always be exported
    known = existing_keys(conn, round_id, role)
    acc = _Accumulator(model, role)
    rows = []
    for resp in responses:
        if resp.key in known:
            continue
        known.add(resp.key)
        rows.append(
            (
                round_id,
                role,
                resp.key,
                resp.school,
                json.dumps(resp.answers, separators=(",", ":")),
                resp.comment,
                import_id,
            )
        )
        acc.add(resp.answers, resp.school)
    conn.executemany(
        "INSERT INTO survey_responses "
        "(round_id, role, response_key, school, answers, comment, import_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    acc.write(conn, round_id, role)
    return len(rows)


def aggregate_responses(
    model: ScoringModel, responses: Iterable[tuple[str, dict[str, int], str | None]]
) -> SurveyAggregates:
    """District-wide aggregates of (role, answers, school) rows, computed in memory.

    The same accumulation the workspace stores incrementally, for callers that hold the
    responses themselves (HQ rebuilds each round's aggregates from merged responses).
    """
    accumulators: dict[str, _Accumulator] = {}
    for role, answers, school in responses:
        acc = accumulators.get(role)
        if acc is None:
            acc = accumulators[role] = _Accumulator(model, role)
        acc.add(answers, school)
    return SurveyAggregates({r: acc.role_aggregate() for r, acc in accumulators.items()})


def load_aggregates(
    conn: sqlite3.Connection, round_id: str, school: str = ALL_SCHOOLS
) -> SurveyAggregates:
    """The stored aggregates of a round (district-wide, or of one school)."""
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
    roles = set(items) | set(counts)
    return SurveyAggregates(
        {r: RoleAggregate(dict(items.get(r, {})), dict(counts.get(r, {}))) for r in roles}
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
    conn.execute("DELETE FROM survey_item_stats WHERE round_id = ?", (round_id,))
    conn.execute("DELETE FROM survey_component_counts WHERE round_id = ?", (round_id,))
    roles = conn.execute(
        "SELECT DISTINCT role FROM survey_responses WHERE round_id = ?", (round_id,)
    ).fetchall()
    for (role,) in roles:
        if role not in model.instruments:
            continue  # answers to an instrument the model does not use: kept, not scored
        acc = _Accumulator(model, role)
        for school, answers in conn.execute(
            "SELECT school, answers FROM survey_responses WHERE round_id = ? AND role = ?",
            (round_id, role),
        ):
            acc.add(json.loads(answers), school)
        acc.write(conn, round_id, role)


def respondent_counts(conn: sqlite3.Connection, round_id: str) -> dict[str, int]:
    """Respondents per role in a round (all rows stored, whatever they answered)."""
    rows = conn.execute(
        "SELECT role, count(*) FROM survey_responses WHERE round_id = ? GROUP BY role",
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

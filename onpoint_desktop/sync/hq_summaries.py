"""Each round's score as HQ lists it, kept beside the facts it is derived from.

A national store (13,000 districts × 3 rounds) cannot be rescored each time it is listed,
ranked or benchmarked: every round would be read back from its rating events and survey
responses. So HQ keeps one *summary* per round (``round_summaries``): its total, whether
it is complete, its component scores, how many of its focus areas are in conflict, and
the round exactly as ``hq list --json`` prints it — with the values that depend on the
benchmark (each component's band, the strengths and focus areas) and on the other
districts (the percentile rank) left *open*, filled in when the round is listed.

A summary is a pure function of the store's facts, recomputed with the consultant's own
scoring code (:func:`score_district`: ``scoring.compute`` over the current levels and the
survey aggregates of the round's responses, with the round's own model) whenever a fact
it rests on changes: a merged bundle drops, in its own transaction, the summaries of the
rounds whose events, responses or description it changed, and the merge run makes them
again once at its end (``merge``: a district merged seven times is summarised once); an
HQ decision re-summarises its round (``hq_decisions``). Opening a store summarises what
is missing, and everything again when this release summarises differently from the one
that wrote them (``SUMMARY_VERSION``).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.scoring import RoundScore, compute
from onpoint_desktop.sync import hq_comparisons, summary_pool
from onpoint_desktop.sync.hq_comparisons import Against, Compared, benchmarks
from onpoint_desktop.workspace.responses import aggregate_responses

if TYPE_CHECKING:
    from onpoint_desktop.benchmark import Benchmark
    from onpoint_desktop.sync.hq_store import HQStore

# Raise when summaries are made differently (a new field, another rule): every store is
# summarised again when this release first opens it.
SUMMARY_VERSION = "2"  # 2: the 90% intervals of SPEC §13
OPEN = "\x1f"  # the placeholder of an open value (never in a name: control characters are refused)
OPEN_JSON = json.dumps(OPEN)  # how it reads inside a listing
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HQRound:
    """One round of one district as HQ sees it, scored from the facts."""

    district_uuid: str
    district: str
    round_id: str
    label: str
    stage: str
    levels: dict[str, int]  # current level per rated area, in framework order
    respondents: dict[str, int]  # responses stored per role
    score: RoundScore
    conflicts: int = 0  # focus areas whose views disagree


class RoundSummary(NamedTuple):
    """What HQ keeps of one round's score (one row of ``round_summaries``; a named tuple:
    a national store reads 39,000 of them at once)."""

    district_uuid: str
    round_id: str
    model_id: str
    stage: str
    total: float | None
    complete: bool
    scores: dict[str, float | None]  # component id → score, in the model's order

    def compared(self) -> Compared:
        """What comparing it with a benchmark reads (``hq_comparisons``)."""
        return (
            self.district_uuid,
            self.round_id,
            self.model_id,
            self.stage,
            self.scores,
            self.total,
        )


def score_district(
    hq: HQStore,
    district_uuid: str,
    round_ids: Iterable[str] | None = None,
    benchmark_of: Callable[[ScoringModel], Benchmark] | None = None,
) -> list[HQRound]:
    """The rounds of one district (all, or ``round_ids``), in the district's order, scored
    from HQ's facts with each round's model against ``benchmark_of(model)`` (default: the
    model's own benchmark). Reads that district's rows only."""
    conn = hq.conn
    wanted = None if round_ids is None else set(round_ids)
    row = conn.execute("SELECT name FROM districts WHERE uuid = ?", (district_uuid,)).fetchone()
    name = row[0] if row else ""
    rounds = [
        r
        for r in conn.execute(
            "SELECT round_id, label, stage, model FROM rounds WHERE district_uuid = ? "
            "AND NOT deleted "
            "ORDER BY position, created_at, round_id",
            (district_uuid,),
        )
        if wanted is None or r[0] in wanted
    ]
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    for rid, area, level in conn.execute(
        "SELECT round_id, area_id, level FROM current_levels WHERE district_uuid = ? "
        "AND level IS NOT NULL",
        (district_uuid,),
    ):
        levels[rid][area] = level
    conflicted = dict(
        conn.execute(
            "SELECT round_id, count(*) FROM (SELECT round_id, area_id FROM view_levels "
            "WHERE district_uuid = ? GROUP BY round_id, area_id "
            "HAVING count(DISTINCT coalesce(level, 0)) > 1) GROUP BY round_id",
            (district_uuid,),
        ).fetchall()
    )
    order = list(hq.models.framework.areas)
    out = []
    for rid, label, stage, model_id in rounds:
        model = hq.models.get(model_id)
        respondents = {role: 0 for role in model.roles}
        aggregates = aggregate_responses(
            model, _answers(hq, district_uuid, rid, model, respondents)
        )
        board = levels.get(rid, {})
        score = compute(
            model,
            hq.models.framework,
            board,
            aggregates,
            stage,
            benchmark_of(model) if benchmark_of else model.benchmark,
            district=name,
            round_id=rid,
        )
        ordered = {a: board[a] for a in order if a in board}
        out.append(
            HQRound(
                district_uuid,
                name,
                rid,
                label,
                stage,
                ordered,
                respondents,
                score,
                conflicted.get(rid, 0),
            )
        )
    return out


def _answers(
    hq: HQStore, district_uuid: str, round_id: str, model: ScoringModel, counts: dict[str, int]
) -> Iterator[tuple[str, dict[str, int], None]]:
    """The round's scored responses of the model's roles, streamed (a round of any size
    costs one response of memory at a time); counted per role into ``counts``."""
    for role, answers in hq.conn.execute(
        "SELECT role, answers FROM scored_responses WHERE district_uuid = ? AND round_id = ?",
        (district_uuid, round_id),
    ):
        if role in model.instruments:
            counts[role] += 1
            yield role, json.loads(answers), None


def listing(rnd: HQRound) -> str:
    """The round as ``hq list --json`` prints it, with its open values (in order: each
    component's band, the strengths, the focus areas, the percentile rank) left open."""
    score = rnd.score.to_json()
    components = [{**c, "band": OPEN} for c in score["components"]]
    document = {
        "id": rnd.round_id,
        "label": rnd.label,
        "stage": rnd.stage,
        "model": score["model"],
        "levels": rnd.levels,
        "respondents": rnd.respondents,
        "total": score["total"],
        "total_ci": score["total_ci"],
        "complete": score["complete"],
        "components": components,
        "strengths": OPEN,
        "focus_areas": OPEN,
        "percentile_rank": OPEN,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def filled_json(text: str, pieces: Sequence[str], more: str = "") -> str:
    """``text`` with its open values replaced by ``pieces`` (JSON texts), in order, and
    ``more`` (``,"key":value`` JSON text) added before its closing brace: the pieces
    between open values are joined once (a national list fills 400,000 open values)."""
    parts = text.split(OPEN_JSON)
    if len(parts) != len(pieces) + 1:
        raise ValueError(f"{len(parts) - 1} open values, {len(pieces)} given")
    joined: list[str] = [""] * (2 * len(parts) - 1)
    joined[::2] = parts
    joined[1::2] = pieces
    if more:
        joined[-1] = parts[-1][:-1] + more + "}"
    return "".join(joined)


def summarize(
    hq: HQStore,
    district_uuid: str,
    round_ids: Iterable[str] | None = None,
    against: Against | None = None,
) -> None:
    """Summarise one district's rounds again (all, or ``round_ids``), and compare each with
    the benchmark HQ lists its model against (``hq_comparisons``; ``against``: a run's
    memo of them), inside the caller's transaction."""
    keep_summaries(hq, *summary_rows(hq, district_uuid, round_ids), against)


def summary_rows(
    hq: HQStore, district_uuid: str, round_ids: Iterable[str] | None = None
) -> tuple[list[tuple[Any, ...]], list[Compared]]:
    """One district's rounds scored (all, or ``round_ids``): their ``round_summaries``
    rows and what each is compared on. Reads only: a worker process may make them."""
    rows, compared = [], []
    for rnd in score_district(hq, district_uuid, round_ids):
        score = rnd.score
        scores = {c.id: c.score for c in score.components}
        rows.append(
            (
                district_uuid,
                rnd.round_id,
                score.model.id,
                rnd.stage,
                score.total,
                int(score.complete),
                json.dumps(scores, separators=(",", ":")),
                rnd.conflicts,
                listing(rnd),
            )
        )
        compared.append(
            (district_uuid, rnd.round_id, score.model.id, rnd.stage, scores, score.total)
        )
    return rows, compared


def keep_summaries(
    hq: HQStore,
    rows: list[tuple[Any, ...]],
    compared: list[Compared],
    against: Against | None = None,
) -> None:
    """Store rounds' summaries (``summary_rows``) and comparisons, in the caller's
    transaction."""
    hq.conn.executemany(
        "INSERT OR REPLACE INTO round_summaries (district_uuid, round_id, model, stage, total, "
        "complete, scores, conflicts, listing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    hq_comparisons.keep(hq, hq_comparisons.comparison_rows(hq, compared, against or benchmarks(hq)))


def forget(hq: HQStore, district_uuid: str, round_ids: Iterable[str] | None = None) -> None:
    """Drop the summaries of one district's rounds (all, or ``round_ids``) whose facts
    changed, inside the caller's transaction: :func:`bring_up_to_date` makes them again
    (a merge run calls it once at its end, and opening a store does, so a run that stops
    half-way never leaves a summary that disagrees with its facts)."""
    for table in ("round_summaries", "round_comparisons"):
        if round_ids is None:
            hq.conn.execute(f"DELETE FROM {table} WHERE district_uuid = ?", (district_uuid,))
        else:
            hq.conn.executemany(
                f"DELETE FROM {table} WHERE district_uuid = ? AND round_id = ?",
                [(district_uuid, r) for r in round_ids],
            )


def bring_up_to_date(hq: HQStore, progress: Progress | None = None) -> int:
    """Summarise the rounds that have no summary (every round, when the summaries were made
    by another release); one transaction. Returns how many districts were summarised."""
    conn = hq.conn
    committed = not conn.in_transaction  # so worker processes see every fact (summary_pool)
    version = conn.execute("SELECT value FROM meta WHERE key = 'summary_version'").fetchone()
    if version is not None and version[0] == SUMMARY_VERSION:
        if _all_summarised(conn):
            if hq_comparisons.any_missing(hq):  # an upgraded store: compared once
                with hq.transaction():
                    hq_comparisons.compare_missing(hq)
            return 0
        missing: dict[str, list[str]] = defaultdict(list)
        for d, rid in conn.execute(
            "SELECT r.district_uuid, r.round_id FROM rounds r WHERE NOT r.deleted "
            "AND NOT EXISTS (SELECT 1 FROM "
            "round_summaries s WHERE s.district_uuid = r.district_uuid "
            "AND s.round_id = r.round_id)"
        ):
            missing[d].append(rid)
        if not missing:
            return 0
        todo: dict[str, list[str] | None] = dict(missing)
    else:
        todo = {d: None for (d,) in conn.execute("SELECT uuid FROM districts ORDER BY uuid")}
    with hq.transaction():
        if version is None or version[0] != SUMMARY_VERSION:
            conn.execute("DELETE FROM round_summaries")
            conn.execute("DELETE FROM round_comparisons")
        against = benchmarks(hq)
        for index, (rows, compared) in enumerate(summary_pool.scored(hq, todo, parallel=committed)):
            keep_summaries(hq, rows, compared, against)
            if progress is not None:
                progress(index + 1, len(todo))
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('summary_version', ?)",
            (SUMMARY_VERSION,),
        )
    return len(todo)


def _all_summarised(conn: Any) -> bool:
    """Whether every round that is not deleted has its summary, from three counts (each
    summary is of a round: those of live rounds are all the summaries but those of deleted
    ones) rather than a lookup per round."""
    live, kept, of_deleted = conn.execute(
        "SELECT (SELECT count(*) FROM rounds WHERE NOT deleted), "
        "(SELECT count(*) FROM round_summaries), "
        "(SELECT count(*) FROM rounds r WHERE r.deleted AND EXISTS (SELECT 1 FROM "
        "round_summaries s WHERE s.district_uuid = r.district_uuid AND s.round_id = r.round_id))"
    ).fetchone()
    return kept - of_deleted == live


def summaries(
    hq: HQStore, model_id: str | None = None, *, with_scores: bool = True
) -> list[RoundSummary]:
    """Every round's summary (of one model, or all), districts by UUID, rounds in each
    district's order (read from the summaries' lean index). ``with_scores=False`` leaves
    each summary's component ``scores`` empty, unread (totals are all a rank needs)."""
    where, args = ("AND s.model = ?", (model_id,)) if model_id else ("", ())
    scores = "s.scores" if with_scores else "NULL"
    return [
        RoundSummary(d, rid, model, stage, total, bool(complete), json.loads(kept) if kept else {})
        for d, rid, model, stage, total, complete, kept in hq.conn.execute(
            f"SELECT s.district_uuid, s.round_id, s.model, s.stage, s.total, s.complete, "
            f"{scores} FROM round_summaries s INDEXED BY round_summaries_lean "
            "JOIN rounds r USING (district_uuid, round_id) WHERE NOT r.deleted "
            f"{where} ORDER BY s.district_uuid, r.position, r.created_at, r.round_id",
            args,
        )
    ]


def kept_scores(hq: HQStore, district_uuid: str, round_id: str) -> dict[str, float | None]:
    """One round's kept component scores (component id → score)."""
    row = hq.conn.execute(
        "SELECT scores FROM round_summaries WHERE district_uuid = ? AND round_id = ?",
        (district_uuid, round_id),
    ).fetchone()
    return json.loads(row[0]) if row else {}


def listings(conn: sqlite3.Connection) -> Iterator[tuple[str, dict[str, str]]]:
    """(district UUID, its rounds' kept listings by round id) of every district with a
    kept listing, in list order (by name, then UUID). The caller orders each district's
    rounds and leaves out deleted ones (``summaries`` knows both)."""
    rows = conn.execute(
        # From the districts in list order to each one's rows: SQLite would otherwise sort
        # all the listings (100 MB on a national store) by district name, and joining the
        # rounds to order them costs more than ordering a district's few rounds in Python.
        "SELECT s.district_uuid, s.round_id, s.listing FROM districts d "
        "INDEXED BY districts_listed CROSS JOIN round_summaries s ON s.district_uuid = d.uuid "
        "ORDER BY d.name_key, d.uuid"
    )
    district, kept = None, {}
    for d, round_id, listing in rows:
        if d != district:
            if district is not None:
                yield district, kept
            district, kept = d, {}
        kept[round_id] = listing
    if district is not None:
        yield district, kept

"""Each round's listing compared with the benchmark HQ lists its model against, kept.

A round's bands, strengths and focus areas depend on the benchmark: HQ lists a model's
rounds against the latest benchmark pack it built for that model, else the model's own
benchmark (:func:`hq_benchmark_of`). Comparing 39,000 rounds on every ``hq list`` would
cost seconds, so HQ keeps each round's *comparison* in ``round_comparisons`` (one small
row: the compared values as JSON, and the key of the benchmark they were compared with,
``pack:<id>`` or ``model:<id>``), in step with the summaries (``hq_summaries``):

- summarising a round compares it (:func:`comparison_rows`, :func:`keep`);
- forgetting a round's summary forgets its comparison;
- a new benchmark pack compares its model's rounds again, in the transaction that keeps
  the pack (:func:`compare_again`);
- opening a store compares the summarised rounds that have no comparison yet (a store
  upgraded from a release without them: :func:`compare_missing`).

A comparison whose key is not that of the benchmark the round is listed against is never
listed: the lister compares such a round afresh (``hq_overview``), so a kept comparison
only ever saves time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from onpoint_desktop.benchmark import Benchmark, benchmark_from_json
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.scoring import compare

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore

SEPARATOR = "\x1e"  # between the JSON texts of compared values (never raw inside JSON)
Against = Callable[[ScoringModel], tuple[str, Benchmark]]
# (district UUID, round id, model id, stage, component id → score, total) of a round
Compared = tuple[str, str, str, str, dict[str, float | None], float | None]


def hq_benchmark_of(hq: HQStore, model: ScoringModel) -> tuple[str, Benchmark]:
    """What HQ compares a model's rounds with, and its key: the latest pack HQ built for
    the model (``pack:<id>``), else the model's own benchmark (``model:<id>``; for
    onpoint-1, the shipped illustrative one)."""
    row = hq.conn.execute(
        "SELECT id, content, name FROM benchmark_packs WHERE model = ? ORDER BY id DESC LIMIT 1",
        (model.id,),
    ).fetchone()
    if row is None:
        return f"model:{model.id}", model.benchmark
    source = f"benchmark pack '{row[2]}' in {hq.path}"
    return f"pack:{row[0]}", benchmark_from_json(row[1], source, model.component_ids)


def benchmarks(hq: HQStore) -> Against:
    """:func:`hq_benchmark_of`, read once per model (a run's memo)."""
    memo: dict[str, tuple[str, Benchmark]] = {}

    def against(model: ScoringModel) -> tuple[str, Benchmark]:
        if model.id not in memo:
            memo[model.id] = hq_benchmark_of(hq, model)
        return memo[model.id]

    return against


def compared_values(
    model: ScoringModel,
    stage: str,
    scores: dict[str, float | None],
    total: float | None,
    benchmark: Benchmark,
) -> str:
    """The open values of a listing that depend on the benchmark (``scoring.compare``):
    each component's band, then the strengths and the focus areas, each as JSON text,
    joined by ``SEPARATOR`` (:func:`pieces` splits them)."""
    against = compare(model, stage, scores, total, benchmark)
    values: list[Any] = [against.bands[c] for c in model.component_ids]
    values += [list(against.strengths), list(against.focus_areas)]
    return SEPARATOR.join(json_of(value) for value in values)


def pieces(compared: str) -> list[str]:
    """The JSON texts of :func:`compared_values`, in order."""
    return compared.split(SEPARATOR)


def comparison_rows(
    hq: HQStore, rounds: Iterable[Compared], against: Against
) -> list[tuple[str, str, str, str]]:
    """(district UUID, round id, benchmark key, compared values) of each round."""
    rows = []
    for district_uuid, round_id, model_id, stage, scores, total in rounds:
        model = hq.models.get(model_id)
        key, benchmark = against(model)
        values = compared_values(model, stage, scores, total, benchmark)
        rows.append((district_uuid, round_id, key, values))
    return rows


def keep(hq: HQStore, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """Keep comparisons (:func:`comparison_rows`), inside the caller's transaction."""
    hq.conn.executemany(
        "INSERT OR REPLACE INTO round_comparisons (district_uuid, round_id, compared_with, "
        "compared) VALUES (?, ?, ?, ?)",
        rows,
    )


def compare_again(hq: HQStore, model: ScoringModel, rounds: Iterable[Compared]) -> None:
    """Compare a model's rounds again with the benchmark HQ now lists that model against
    (after a new pack), inside the caller's transaction."""
    key_and_benchmark = hq_benchmark_of(hq, model)
    wanted = (r for r in rounds if r[2] == model.id)
    keep(hq, comparison_rows(hq, wanted, lambda _model: key_and_benchmark))


def any_missing(hq: HQStore) -> bool:
    """Whether some summarised round has no comparison, from two counts (a comparison is
    kept and forgotten with its round's summary)."""
    summarised, compared = hq.conn.execute(
        "SELECT (SELECT count(*) FROM round_summaries), (SELECT count(*) FROM round_comparisons)"
    ).fetchone()
    return summarised != compared


def compare_missing(hq: HQStore) -> int:
    """Compare the summarised rounds that have no comparison (an upgraded store), inside
    the caller's transaction; returns how many."""
    missing = [
        (d, rid, model_id, stage, json.loads(scores), total)
        for d, rid, model_id, stage, scores, total in hq.conn.execute(
            "SELECT s.district_uuid, s.round_id, s.model, s.stage, s.scores, s.total "
            "FROM round_summaries s INDEXED BY round_summaries_lean WHERE NOT EXISTS "
            "(SELECT 1 FROM round_comparisons c WHERE c.district_uuid = s.district_uuid "
            "AND c.round_id = s.round_id)"
        )
    ]
    keep(hq, comparison_rows(hq, missing, benchmarks(hq)))
    return len(missing)


_SMALL_JSON: dict[Any, str] = {}  # the few bands, lists of ids and ranks, as JSON text


def json_of(value: Any) -> str:
    """``json.dumps`` of an open value, remembered (a national list fills 400,000 of them,
    drawn from a few hundred distinct ones)."""
    key = tuple(value) if isinstance(value, list) else value
    text = _SMALL_JSON.get(key) if key.__hash__ is not None else None
    if text is None:
        text = json.dumps(value, separators=(",", ":"))
        if len(_SMALL_JSON) < 100_000:
            _SMALL_JSON[key] = text
    return text

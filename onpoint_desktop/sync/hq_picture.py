"""HQ's national picture (SPEC §13): what the HQ report and the HQ window's dashboard show.

Read from the round summaries HQ keeps (``hq_summaries``) with set-based queries, never by
rescoring: a store of 13,000 districts × 3 rounds is pictured in about a second.

- *Districts per stage*: each district counted once, at the stage of its latest round.
- *Distributions per stage*: the population a benchmark pack is built from (each
  district's latest complete round at that stage, ``hq_ranks``), the total and every
  component summarised by percentiles, every district placed with its percentile rank.
- *Coverage*: per stage, the districts with a round at that stage and how many of them
  have a complete one.
- *Trends*: per step between consecutive rounds of a district (first to second round,
  second to third…), how many districts made it and the median change of their totals.
- *Benchmark pack history*: every pack HQ built, with its date, model and districts per
  stage.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from onpoint_desktop.benchmark import TOTAL
from onpoint_desktop.sync.hq_ranks import MIN_DISTRICTS, Population, populations
from onpoint_desktop.sync.hq_store import HQStore
from onpoint_desktop.sync.hq_summaries import bring_up_to_date, summaries


@dataclass(frozen=True)
class Spread:
    """Percentiles of one score across a stage's districts."""

    n: int
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float


@dataclass(frozen=True)
class PlacedDistrict:
    district_uuid: str
    name: str
    round_id: str
    total: float
    percentile_rank: float | None


@dataclass(frozen=True)
class StageDistribution:
    model_id: str
    stage: str
    spreads: Mapping[str, Spread | None]  # "total" and each component id
    districts: tuple[PlacedDistrict, ...]  # ascending by total

    @property
    def ranked(self) -> bool:
        return len(self.districts) >= MIN_DISTRICTS


@dataclass(frozen=True)
class Coverage:
    stage: str
    with_round: int  # districts with a round at this stage
    complete: int  # of them, with a complete round at this stage


@dataclass(frozen=True)
class TrendStep:
    step: int  # 1: from a district's first round to its second, …
    districts: int
    median_change: float | None
    rising: int  # districts whose total rose


@dataclass(frozen=True)
class PackRecord:
    name: str
    date: str
    model_id: str
    built_at: str
    n_per_stage: Mapping[str, int]


@dataclass(frozen=True)
class NationalPicture:
    districts: int
    rounds: int
    per_stage: Mapping[str, int]  # districts at each stage (their latest round's)
    distributions: tuple[StageDistribution, ...]
    coverage: tuple[Coverage, ...]
    trends: tuple[TrendStep, ...]
    packs: tuple[PackRecord, ...]


def spread(values: list[float]) -> Spread | None:
    """Percentiles (inclusive method, as benchmark packs) of at least two values."""
    if len(values) < 2:
        return None
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return Spread(len(values), cuts[1], cuts[4], cuts[9], cuts[14], cuts[17])


def national_picture(hq: HQStore) -> NationalPicture:
    """The national picture of the store (see the module docstring)."""
    bring_up_to_date(hq)
    conn = hq.conn
    stage_ids = hq.models.framework.stage_ids
    names = dict(conn.execute("SELECT uuid, name FROM districts"))
    rounds = summaries(hq)
    latest: dict[str, str] = {}
    by_district: dict[str, list] = defaultdict(list)
    with_round: dict[str, set[str]] = defaultdict(set)
    complete: dict[str, set[str]] = defaultdict(set)
    for rnd in rounds:  # each district's rounds in its order
        latest[rnd.district_uuid] = rnd.stage
        by_district[rnd.district_uuid].append(rnd)
        with_round[rnd.stage].add(rnd.district_uuid)
        if rnd.complete:
            complete[rnd.stage].add(rnd.district_uuid)
    per_stage = {s: 0 for s in stage_ids}
    for stage in latest.values():
        per_stage[stage] = per_stage.get(stage, 0) + 1
    found = populations(rounds)
    order = {s: i for i, s in enumerate(stage_ids)}
    distributions = tuple(
        _distribution(hq, found[key], names)
        for key in sorted(found, key=lambda k: (k[0], order.get(k[1], len(order)), k[1]))
    )
    coverage = tuple(
        Coverage(s, len(with_round[s]), len(complete[s] & with_round[s])) for s in stage_ids
    )
    return NationalPicture(
        districts=len(names),
        rounds=len(rounds),
        per_stage=per_stage,
        distributions=distributions,
        coverage=coverage,
        trends=_trends(by_district),
        packs=pack_history(hq),
    )


def _distribution(
    hq: HQStore, population: Population, names: Mapping[str, str]
) -> StageDistribution:
    model = hq.models.get(population.model_id)
    keys = [TOTAL, *model.component_ids]
    spreads = {key: spread(population.values(key)) for key in keys}
    placed = sorted(
        (
            PlacedDistrict(
                r.district_uuid,
                names.get(r.district_uuid, ""),
                r.round_id,
                r.total,
                population.rank(r.total),
            )
            for r in population.rounds
            if r.total is not None
        ),
        key=lambda p: (p.total, p.name, p.district_uuid),
    )
    return StageDistribution(population.model_id, population.stage, spreads, tuple(placed))


def _trends(by_district: Mapping[str, list]) -> tuple[TrendStep, ...]:
    changes: dict[int, list[float]] = defaultdict(list)
    for rounds in by_district.values():
        totals = [r.total for r in rounds]
        for step in range(1, len(totals)):
            if totals[step] is not None and totals[step - 1] is not None:
                changes[step].append(totals[step] - totals[step - 1])
    return tuple(
        TrendStep(
            step,
            len(values),
            statistics.median(values) if values else None,
            sum(v > 0 for v in values),
        )
        for step, values in sorted(changes.items())
    )


def pack_history(hq: HQStore) -> tuple[PackRecord, ...]:
    """Every benchmark pack HQ built, oldest first."""
    out = []
    for name, date, model_id, built_at, content in hq.conn.execute(
        "SELECT name, date, model, built_at, content FROM benchmark_packs ORDER BY id"
    ):
        document = json.loads(content)
        document = document.get("document", document)
        stages = document.get("stages", {})
        out.append(
            PackRecord(
                name,
                date,
                model_id,
                built_at,
                {s: int(v.get("n_districts", 0)) for s, v in stages.items()},
            )
        )
    return tuple(out)

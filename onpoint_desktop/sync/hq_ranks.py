"""Where each district stands nationally: the population of a stage, and percentile ranks.

The *population* of a stage (for one scoring model) is the one HQ's benchmark pack is
built from: each district's latest complete round (every component with an expert and a
survey part), at that round's stage — one round per district, so a district counts
once, with its current picture. A round's *percentile rank* places its total (or a
component's score) among that population: the percentage of the population's districts
scoring below it, counting ties as half below and half above,

    percentile rank = 100 × (below + ½ × equal) / districts,

the usual mid-rank definition (the lowest of 5 distinct scores ranks 10, the highest 90,
the median 50). It is given only where the population has at least ``MIN_DISTRICTS``
districts, as the benchmark pack withholds such stages: a rank among two districts says
nothing. A provisional round is ranked too (against complete rounds): its ``complete``
flag says how far to trust the comparison.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from onpoint_desktop.benchmark import TOTAL
from onpoint_desktop.sync.hq_summaries import RoundSummary

MIN_DISTRICTS = 5  # the smallest population a rank or a benchmark stage is given for


def latest_complete(rounds: Iterable[RoundSummary]) -> dict[str, RoundSummary]:
    """District UUID → its latest complete round (``rounds`` in each district's order)."""
    latest: dict[str, RoundSummary] = {}
    for rnd in rounds:
        if rnd.complete:
            latest[rnd.district_uuid] = rnd
    return latest


def percentile_rank(value: float | None, population: Sequence[float]) -> float | None:
    """The percentile rank of ``value`` among ``population`` (sorted ascending), rounded
    to one decimal; None without a value or with fewer than ``MIN_DISTRICTS`` values.

    >>> percentile_rank(600, [500, 550, 600, 650, 700])
    50.0
    >>> percentile_rank(500, [500, 550, 600, 650, 700]), percentile_rank(720, [500] * 5)
    (10.0, 100.0)
    >>> percentile_rank(600, [600, 600, 600, 700, 800]), percentile_rank(600, [600, 700])
    (30.0, None)
    """
    if value is None or len(population) < MIN_DISTRICTS:
        return None
    below = bisect_left(population, value)
    equal = bisect_right(population, value) - below
    return round(100 * (below + equal / 2) / len(population), 1)


@dataclass
class Population:
    """The rounds a stage of one model is described by, and their sorted scores."""

    model_id: str
    stage: str
    rounds: list[RoundSummary] = field(default_factory=list)
    _sorted: dict[str, list[float]] = field(default_factory=dict)

    def values(self, key: str = TOTAL) -> list[float]:
        """The population's totals (``key="total"``) or scores of a component, ascending."""
        if key not in self._sorted:
            found = (r.total if key == TOTAL else r.scores.get(key) for r in self.rounds)
            self._sorted[key] = sorted(v for v in found if v is not None)
        return self._sorted[key]

    def rank(self, value: float | None, key: str = TOTAL) -> float | None:
        return percentile_rank(value, self.values(key))


def populations(rounds: Iterable[RoundSummary]) -> dict[tuple[str, str], Population]:
    """(model id, stage) → its population: each district's latest complete round scored
    with that model, at that round's stage (``rounds`` in each district's order)."""
    by_model: dict[str, list[RoundSummary]] = defaultdict(list)
    for rnd in rounds:
        by_model[rnd.model_id].append(rnd)
    out: dict[tuple[str, str], Population] = {}
    for model_id, of_model in by_model.items():
        for rnd in latest_complete(of_model).values():
            key = (model_id, rnd.stage)
            out.setdefault(key, Population(model_id, rnd.stage)).rounds.append(rnd)
    return out


def total_ranks(
    rounds: Iterable[RoundSummary], found: dict[tuple[str, str], Population]
) -> dict[tuple[str, str], float | None]:
    """(district UUID, round id) → the percentile rank of each round's total in its
    stage's population (``found``: its model's), in one pass."""
    totals = {key: population.values() for key, population in found.items()}
    return {
        (r.district_uuid, r.round_id): percentile_rank(
            r.total, totals.get((r.model_id, r.stage), ())
        )
        for r in rounds
    }

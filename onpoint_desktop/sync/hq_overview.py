"""What the HQ store holds, scored: districts, rounds, current levels, respondents, conflicts.

Every round is scored with ``scoring.compute`` from HQ's own data — the current level of
each area (``current_levels``: HQ's decision, else the provisional winner) and survey
aggregates rebuilt from the merged responses (``scored_responses``) with the workspace's
own accumulation (``workspace.responses.aggregate_responses``) — and with the scoring
model the round names (shipped, or published by HQ), so a round's HQ score equals the
consultant's score for the same facts. HQ keeps that score with the facts
(``hq_summaries``); listing the store fills in what depends on the benchmark and on the
other districts: a model's rounds are compared with the latest benchmark pack HQ built
for it, else the model's own benchmark, and each round's total is given its percentile
rank in its stage (``hq_ranks``). The overview is a pure function of the store's facts:
the same bundles merged in any order list identically.

The ``hq list --json`` document is written as a stream (:func:`write_overview`) from the
kept listings, never built as one object: a national store lists in seconds.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from onpoint_desktop.benchmark import Benchmark
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID
from onpoint_desktop.sync.conflicts import Conflict, conflicts
from onpoint_desktop.sync.hq_comparisons import compared_values, hq_benchmark_of, json_of, pieces
from onpoint_desktop.sync.hq_evidence import round_evidence
from onpoint_desktop.sync.hq_ranks import populations, round_rank
from onpoint_desktop.sync.hq_signers import signers
from onpoint_desktop.sync.hq_store import HQStore, name_key
from onpoint_desktop.sync.hq_summaries import (
    OPEN,
    OPEN_JSON,
    HQRound,
    Listing,
    RoundSummary,
    filled_json,
    kept_scores,
    listings,
    score_district,
    summaries,
)

LIST_FORMAT = "onpoint-hq-list/1"
NO_EVIDENCE = {"walkthroughs": 0, "district_rated_areas": 0, "conditions_rated": 0}
Progress = Callable[[int, int], None]

__all__ = [
    "LIST_FORMAT",
    "HQRound",
    "district_rounds",
    "hq_benchmark",
    "hq_rounds",
    "listed_districts",
    "overview",
    "overview_head",
    "write_overview",
]


def hq_benchmark(hq: HQStore, model: ScoringModel) -> Benchmark:
    """What HQ compares a model's rounds with: the latest pack it built for the model,
    else the model's own benchmark (for onpoint-1, the shipped illustrative one)."""
    return hq_benchmark_of(hq, model)[1]


def hq_rounds(
    hq: HQStore, benchmark: Benchmark | None = None, progress: Progress | None = None
) -> list[HQRound]:
    """Every round in the store scored again from the facts, with its own model against
    that model's benchmark (``benchmark`` instead, for the rounds of the model it
    describes); districts by name, rounds in their order. One district is read at a time;
    the kept summaries (``hq_summaries``) are what listing a large store reads instead."""
    compared: dict[str, Benchmark] = {}

    def benchmark_of(model: ScoringModel) -> Benchmark:
        if benchmark is not None and benchmark.model_id == model.id:
            return benchmark
        return compared.setdefault(model.id, hq_benchmark(hq, model))

    districts = hq.conn.execute("SELECT uuid FROM districts ORDER BY name_key, uuid").fetchall()
    out = []
    for index, (d,) in enumerate(districts):
        out += score_district(hq, d, benchmark_of=benchmark_of)
        if progress is not None:
            progress(index + 1, len(districts))
    return out


class _Lister:
    """Fills in the open values of the kept listings: bands against each model's benchmark
    (kept compared with the benchmark HQ lists against; compared here only for another
    one), and percentile ranks in each stage's population."""

    def __init__(self, hq: HQStore, benchmark: Benchmark | None) -> None:
        self.hq = hq
        self.benchmark = benchmark
        self.compared: dict[str, tuple[str | None, Benchmark]] = {}
        self.rounds: dict[tuple[str, str], RoundSummary] = {
            (r.district_uuid, r.round_id): r for r in summaries(hq, with_scores=False)
        }
        self.populations = populations(self.rounds.values())
        self.evidence = round_evidence(hq)  # (district, round) → the visit's other evidence

    def benchmark_of(self, model_id: str) -> tuple[str | None, Benchmark]:
        """The benchmark a model's rounds are listed against, and its key (None: one given
        for this list only, which no kept comparison is with)."""
        if model_id not in self.compared:
            model = self.hq.models.get(model_id)
            chosen = self.benchmark
            if chosen is None or chosen.model_id != model_id:
                self.compared[model_id] = hq_benchmark_of(self.hq, model)
            else:
                self.compared[model_id] = (None, chosen)
        return self.compared[model_id]

    def round_text(self, district_uuid: str, round_id: str, kept: Listing) -> str:
        rnd = self.rounds[district_uuid, round_id]
        key, benchmark = self.benchmark_of(rnd.model_id)
        if key is None or kept.compared_with != key or kept.compared is None:
            model = self.hq.models.get(rnd.model_id)
            scores = kept_scores(self.hq, district_uuid, round_id)
            compared = compared_values(model, rnd.stage, scores, rnd.total, benchmark)
        else:
            compared = kept.compared
        values = pieces(compared)
        values.append(json_of(round_rank(rnd, self.populations)))
        evidence = self.evidence.get((district_uuid, round_id))
        text = filled_json(kept.listing, values)
        return text[:-1] + ',"evidence":' + (_evidence_json(evidence) if evidence else _NONE) + "}"


def _evidence_json(evidence: dict[str, Any]) -> str:
    return json.dumps(evidence, separators=(",", ":"), ensure_ascii=True)


_NONE = _evidence_json(NO_EVIDENCE)  # most rounds' other evidence: none


def _districts(hq: HQStore) -> list[tuple[str, str, str]]:
    return hq.conn.execute(
        "SELECT uuid, name, model FROM districts ORDER BY name_key, uuid"
    ).fetchall()


def district_rounds(
    hq: HQStore, benchmark: Benchmark | None = None, lister: _Lister | None = None
) -> Iterator[tuple[str, list[str]]]:
    """(district UUID, its rounds as ``hq list --json`` prints them) for every district,
    in list order (by name, then UUID)."""
    lister = lister or _Lister(hq, benchmark)
    rows = listings(hq)
    pending = next(rows, None)
    for d, _, _ in _districts(hq):
        texts = []
        while pending is not None and pending.district_uuid == d:
            texts.append(lister.round_text(d, pending.round_id, pending))
            pending = next(rows, None)
        yield d, texts


def overview_head(
    hq: HQStore, benchmark: Benchmark | None = None, found: list[Conflict] | None = None
) -> dict[str, Any]:
    """The ``hq list --json`` document's fields other than ``districts`` and ``signers``
    (``found``: the store's conflicts, when the caller has read them already)."""
    conn = hq.conn
    found = conflicts(conn) if found is None else found
    models = [r[0] for r in conn.execute("SELECT DISTINCT model FROM round_summaries")]
    used = {}
    for model_id in sorted(models):
        chosen = benchmark
        if chosen is None or chosen.model_id != model_id:
            chosen = hq_benchmark(hq, hq.models.get(model_id))
        used[model_id] = chosen.label
    default = hq_benchmark(hq, hq.models.get(DEFAULT_MODEL_ID))
    return {
        "format": LIST_FORMAT,
        "benchmark": "; ".join(used.values()) or default.label,
        "benchmarks": used,  # model id → the benchmark its rounds are scored against
        "counts": hq.counts(),
        "conflicts": len(found),
        "unresolved_conflicts": sum(not c.resolved for c in found),
    }


def listed_districts(
    hq: HQStore,
    benchmark: Benchmark | None = None,
    found: list[Conflict] | None = None,
    lister: _Lister | None = None,
) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Each district of the ``hq list --json`` document, in its order: its fields (with
    ``rounds`` open), and its rounds as JSON text."""
    conn = hq.conn
    by_district: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for conflict in conflicts(conn) if found is None else found:
        by_district[conflict.district_uuid].append(conflict.to_json())
    signers_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for d, fp, cid, name in conn.execute(
        "SELECT DISTINCT b.district_uuid, s.fingerprint, s.consultant_id, s.name "
        "FROM merged_bundles b JOIN signer_keys s ON s.fingerprint = b.signer "
        "ORDER BY b.district_uuid, s.name, s.fingerprint"
    ):
        signers_of[d].append({"fingerprint": fp, "consultant_id": cid, "name": name})
    bundle_counts = {
        d: (n, w)
        for d, n, w in conn.execute(
            "SELECT district_uuid, count(*), count(DISTINCT workspace_uuid) FROM merged_bundles "
            "GROUP BY district_uuid"
        )
    }
    rows = _districts(hq)
    same_name: dict[str, list[str]] = defaultdict(list)
    for d, name, _ in rows:
        same_name[name_key(name)].append(d)
    names = {d: (name, model_id) for d, name, model_id in rows}
    for d, rounds in district_rounds(hq, benchmark, lister):
        name, model_id = names[d]
        n_bundles, n_workspaces = bundle_counts.get(d, (0, 0))
        district = {
            "uuid": d,
            "name": name,
            "model": model_id,
            "same_name_as": [u for u in same_name[name_key(name)] if u != d],
            "bundles": n_bundles,
            "workspaces": n_workspaces,
            "signers": signers_of[d],
            "rounds": OPEN,
            "conflicts": by_district[d],
        }
        yield district, rounds


def write_overview(hq: HQStore, out: TextIO, benchmark: Benchmark | None = None) -> None:
    """Write the ``hq list --json`` document (``onpoint-hq-list/1``) to ``out``."""
    found = conflicts(hq.conn)
    lister = _Lister(hq, benchmark)
    text = json.dumps(overview_head(hq, benchmark, found), ensure_ascii=True)
    out.write(text[:-1] + ',\n"districts": [')
    for index, (district, rounds) in enumerate(listed_districts(hq, benchmark, found, lister)):
        piece = json.dumps(district, ensure_ascii=True, separators=(",", ":"))
        before, after = piece.split(OPEN_JSON)
        out.write(("\n" if index == 0 else ",\n") + before + "[" + ",".join(rounds) + "]" + after)
    listed = [s.to_json() for s in signers(hq)]
    out.write('\n],\n"signers": ' + json.dumps(listed, ensure_ascii=True) + "\n}\n")


def overview(hq: HQStore, benchmark: Benchmark | None = None) -> dict[str, Any]:
    """The ``hq list --json`` document (``onpoint-hq-list/1``), as an object."""
    buffer = io.StringIO()
    write_overview(hq, buffer, benchmark)
    return json.loads(buffer.getvalue())

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

import contextlib
import io
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, TextIO

from onpoint_desktop.benchmark import Benchmark
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID
from onpoint_desktop.sync.conflicts import Conflict, conflicts
from onpoint_desktop.sync.hq_comparisons import compared_values, hq_benchmark_of, json_of, pieces
from onpoint_desktop.sync.hq_evidence import round_evidence
from onpoint_desktop.sync.hq_ranks import populations, total_ranks
from onpoint_desktop.sync.hq_signers import signers
from onpoint_desktop.sync.hq_store import HQStore
from onpoint_desktop.sync.hq_summaries import (
    OPEN,
    OPEN_JSON,
    HQRound,
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
    "heads_overview",
    "hq_benchmark",
    "hq_rounds",
    "listed_districts",
    "overview",
    "overview_head",
    "reading",
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
        self.rounds: dict[tuple[str, str], RoundSummary] = {}
        self.order: dict[str, list[str]] = defaultdict(list)  # district → its live rounds
        for r in summaries(hq, with_scores=False):
            self.rounds[r.district_uuid, r.round_id] = r
            self.order[r.district_uuid].append(r.round_id)
        self.ranks = total_ranks(self.rounds.values(), populations(self.rounds.values()))
        self.evidence = round_evidence(hq)  # (district, round) → the visit's other evidence
        models = {r.model_id for r in self.rounds.values()}
        listed_with = {model_id: self.benchmark_of(model_id)[0] for model_id in models}
        self.kept_compared: dict[tuple[str, str], str] = {}  # compared values kept for this list
        rounds = self.rounds
        for d, rid, compared, key in hq.conn.execute(
            "SELECT district_uuid, round_id, compared, compared_with FROM round_comparisons"
        ):
            rnd = rounds.get((d, rid))
            if rnd is not None and key is not None and key == listed_with[rnd.model_id]:
                self.kept_compared[d, rid] = compared

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

    def round_text(self, district_uuid: str, round_id: str, listing: str) -> str:
        """The round as ``hq list --json`` prints it, from its kept ``listing``."""
        compared = self.kept_compared.get((district_uuid, round_id))
        if compared is None:  # compared with another benchmark: compared now
            rnd = self.rounds[district_uuid, round_id]
            model = self.hq.models.get(rnd.model_id)
            scores = kept_scores(self.hq, district_uuid, round_id)
            benchmark = self.benchmark_of(rnd.model_id)[1]
            compared = compared_values(model, rnd.stage, scores, rnd.total, benchmark)
        values = pieces(compared)
        values.append(json_of(self.ranks[district_uuid, round_id]))
        evidence = self.evidence.get((district_uuid, round_id))
        more = ',"evidence":' + (_evidence_json(evidence) if evidence else _NONE)
        return filled_json(listing, values, more)

    def round_head(self, district_uuid: str, round_id: str, listing: str) -> dict[str, Any]:
        """What a one-line view of the round shows (its id, label, stage, model, levels,
        respondents, total and its interval, whether complete) and its ``percentile_rank``,
        read from the head of its kept ``listing`` without parsing the components."""
        head = json.loads(listing[: listing.index(_COMPONENTS)] + "}")
        head["percentile_rank"] = self.ranks[district_uuid, round_id]
        return head


_COMPONENTS = ',"components":'  # where a listing's head ends (never inside a JSON string)


def _evidence_json(evidence: dict[str, Any]) -> str:
    return json.dumps(evidence, separators=(",", ":"), ensure_ascii=True)


_COMPACT = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))  # made once: 13,000 uses
_NONE = _evidence_json(NO_EVIDENCE)  # most rounds' other evidence: none


class DistrictFacts(NamedTuple):
    """What the list shows of each district besides its rounds."""

    names: list[tuple[str, str, str]]  # (UUID, name, model) in list order (name, then UUID)
    signers: dict[str, list[dict[str, str]]]  # UUID → the signers of its bundles
    bundles: dict[str, tuple[int, int]]  # UUID → (bundles, workspaces)
    same_name: dict[str, list[str]]  # UUID → all districts of its name, if it shares it


def _district_facts(conn: sqlite3.Connection) -> DistrictFacts:
    """Each district's facts, from one pass over the merged bundles (in table order: their
    district index would cost a lookup per bundle) and over the districts in list order."""
    keys = {
        fp: {"fingerprint": fp, "consultant_id": cid, "name": name}
        for fp, cid, name in conn.execute(
            "SELECT fingerprint, consultant_id, name FROM signer_keys"
        )
    }
    bundles: dict[str, int] = defaultdict(int)
    workspaces: dict[str, set[str]] = defaultdict(set)
    signed: dict[str, set[str]] = defaultdict(set)
    for d, workspace, signer in conn.execute(
        "SELECT district_uuid, workspace_uuid, signer FROM merged_bundles NOT INDEXED"
    ):
        bundles[d] += 1
        workspaces[d].add(workspace)
        signed[d].add(signer)
    signers_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for d, fingerprints in signed.items():
        listed = sorted(fingerprints, key=lambda fp: (keys[fp]["name"], fp))
        signers_of[d] = [keys[fp] for fp in listed]
    names, same_name = [], {}
    group: list[str] = []  # the districts of one name so far (list order keeps them together)
    last = None
    for d, name, model_id, key in conn.execute(
        "SELECT uuid, name, model, name_key FROM districts ORDER BY name_key, uuid"
    ):
        names.append((d, name, model_id))
        if key != last:
            group, last = [], key
        group.append(d)
        if len(group) > 1:
            for u in group:
                same_name[u] = group  # each district's others are picked out when listed
    counts = {d: (n, len(workspaces[d])) for d, n in bundles.items()}
    return DistrictFacts(names, signers_of, counts, same_name)


@dataclass
class Reading:
    """Everything listing the store reads, from one snapshot of it: its conflicts, the
    lister, each district's facts, and the kept listings in list order (read once)."""

    hq: HQStore
    benchmark: Benchmark | None
    found: list[Conflict]
    lister: _Lister
    facts: DistrictFacts
    kept: Iterator[tuple[str, dict[str, str]]]  # ``hq_summaries.listings``


@contextlib.contextmanager
def reading(hq: HQStore, benchmark: Benchmark | None = None) -> Iterator[Reading]:
    """Read what the list shows, from one snapshot of the store (``HQStore.bulk_read``):
    ``benchmark``: compare every round of its model with it, not with the one HQ lists
    against."""
    with hq.bulk_read():
        conn = hq.conn
        found = conflicts(conn)
        facts = _district_facts(conn)
        lister = _Lister(hq, benchmark)
        yield Reading(hq, benchmark, found, lister, facts, listings(conn))


def district_rounds(read: Reading, heads: bool = False) -> Iterator[tuple[str, list[Any]]]:
    """(district UUID, its rounds as ``hq list --json`` prints them) for every district,
    in list order (by name, then UUID); ``heads``: each round's head only, as an object
    (``_Lister.round_head``). The listings are read once: call once per reading."""
    lister = read.lister
    render = lister.round_head if heads else lister.round_text
    pending = next(read.kept, None)
    for d, _, _ in read.facts.names:
        texts = []
        if pending is not None and pending[0] == d:
            kept = pending[1]
            texts = [render(d, rid, kept[rid]) for rid in lister.order.get(d, ()) if rid in kept]
            pending = next(read.kept, None)
        yield d, texts


def overview_head(read: Reading) -> dict[str, Any]:
    """The ``hq list --json`` document's fields other than ``districts`` and ``signers``."""
    hq, benchmark, found = read.hq, read.benchmark, read.found
    models = [r[0] for r in hq.conn.execute("SELECT DISTINCT model FROM round_summaries")]
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
    read: Reading, heads: bool = False
) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """Each district of the ``hq list --json`` document, in its order: its fields (with
    ``rounds`` open), and its rounds as JSON text (``heads``: each round's head, as an
    object: ``_Lister.round_head``). Call once per reading."""
    by_district: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for conflict in read.found:
        by_district[conflict.district_uuid].append(conflict.to_json())
    facts = read.facts
    same_name = facts.same_name
    names = {d: (name, model_id) for d, name, model_id in facts.names}
    for d, rounds in district_rounds(read, heads):
        name, model_id = names[d]
        n_bundles, n_workspaces = facts.bundles.get(d, (0, 0))
        district = {
            "uuid": d,
            "name": name,
            "model": model_id,
            "same_name_as": [u for u in same_name[d] if u != d] if d in same_name else [],
            "bundles": n_bundles,
            "workspaces": n_workspaces,
            "signers": facts.signers[d],
            "rounds": OPEN,
            "conflicts": by_district[d],
        }
        yield district, rounds


def write_overview(hq: HQStore, out: TextIO, benchmark: Benchmark | None = None) -> None:
    """Write the ``hq list --json`` document (``onpoint-hq-list/1``) to ``out``."""
    with reading(hq, benchmark) as read:
        text = json.dumps(overview_head(read), ensure_ascii=True)
        out.write(text[:-1] + ',\n"districts": [')
        for index, (district, rounds) in enumerate(listed_districts(read)):
            piece = _COMPACT.encode(district)
            before, after = piece.split(OPEN_JSON)
            out.write(
                ("\n" if index == 0 else ",\n") + before + "[" + ",".join(rounds) + "]" + after
            )
        listed = [s.to_json() for s in signers(hq)]
    out.write('\n],\n"signers": ' + json.dumps(listed, ensure_ascii=True) + "\n}\n")


def heads_overview(read: Reading) -> dict[str, Any]:
    """The ``hq list --json`` document with each round's head (``_Lister.round_head``, its
    levels left out too: no components, strengths or evidence) and without the signers:
    what a window's tree of districts shows, in a fraction of the time and memory the
    whole document takes at national scale."""
    document = overview_head(read)
    districts = []
    for district, rounds in listed_districts(read, heads=True):
        for rnd in rounds:
            del rnd["levels"]
        district["rounds"] = rounds
        districts.append(district)
    document["districts"] = districts
    return document


def overview(hq: HQStore, benchmark: Benchmark | None = None) -> dict[str, Any]:
    """The ``hq list --json`` document (``onpoint-hq-list/1``), as an object."""
    buffer = io.StringIO()
    write_overview(hq, buffer, benchmark)
    return json.loads(buffer.getvalue())

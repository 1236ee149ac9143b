"""What the HQ store holds, scored: districts, rounds, current levels, respondents, conflicts.

Every round is scored with ``scoring.compute`` from HQ's own data — the current level of
each area (``current_levels``: HQ's decision, else the provisional winner) and survey
aggregates rebuilt from the merged responses (``scored_responses``) with the workspace's
own accumulation (``workspace.responses.aggregate_responses``) — and with the scoring
model the round names (shipped, or published by HQ), so a round's HQ score equals the
consultant's score for the same facts. A model's rounds are compared with the latest
benchmark pack HQ built for it, else the model's own benchmark. The overview is a pure
function of the store's facts: the same bundles merged in any order list identically.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from onpoint_desktop.benchmark import Benchmark, benchmark_from_json
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID
from onpoint_desktop.scoring import RoundScore, compute
from onpoint_desktop.sync.conflicts import conflicts
from onpoint_desktop.sync.hq_evidence import round_evidence
from onpoint_desktop.sync.hq_signers import signers
from onpoint_desktop.sync.hq_store import HQStore, name_key
from onpoint_desktop.workspace.responses import aggregate_responses

LIST_FORMAT = "onpoint-hq-list/1"
NO_EVIDENCE = {"walkthroughs": 0, "district_rated_areas": 0, "conditions_rated": 0}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HQRound:
    """One round of one district as HQ sees it."""

    district_uuid: str
    district: str
    round_id: str
    label: str
    stage: str
    levels: dict[str, int]  # current level per rated area, in framework order
    respondents: dict[str, int]  # responses stored per role
    score: RoundScore


def hq_benchmark(hq: HQStore, model: ScoringModel) -> Benchmark:
    """What HQ compares a model's rounds with: the latest pack it built for the model,
    else the model's own benchmark (for onpoint-1, the shipped illustrative one)."""
    row = hq.conn.execute(
        "SELECT content, name FROM benchmark_packs WHERE model = ? ORDER BY id DESC LIMIT 1",
        (model.id,),
    ).fetchone()
    if row is None:
        return model.benchmark
    return benchmark_from_json(
        row[0], f"benchmark pack '{row[1]}' in {hq.path}", model.component_ids
    )


def hq_rounds(
    hq: HQStore, benchmark: Benchmark | None = None, progress: Progress | None = None
) -> list[HQRound]:
    """Every round in the store, scored with its own model against that model's benchmark
    (``benchmark`` instead, for the rounds of the model it describes); districts by name,
    rounds in their order."""
    conn = hq.conn
    districts = conn.execute("SELECT uuid, name FROM districts ORDER BY name_key, uuid").fetchall()
    rounds: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for d, rid, label, stage, model_id in conn.execute(
        "SELECT district_uuid, round_id, label, stage, model FROM rounds WHERE NOT deleted "
        "ORDER BY district_uuid, position, created_at, round_id"
    ):
        rounds[d].append((rid, label, stage, model_id))
    levels: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for d, rid, area, level in conn.execute(
        "SELECT district_uuid, round_id, area_id, level FROM current_levels WHERE level IS NOT NULL"
    ):
        levels[d, rid][area] = level
    responses: dict[tuple[str, str], list[tuple[str, dict[str, int], None]]] = defaultdict(list)
    for d, rid, role, answers in conn.execute(
        "SELECT district_uuid, round_id, role, answers FROM scored_responses"
    ):
        responses[d, rid].append((role, json.loads(answers), None))

    out = []
    order = list(hq.models.framework.areas)
    compared: dict[str, Benchmark] = {}
    for index, (d, name) in enumerate(districts):
        for rid, label, stage, model_id in rounds[d]:
            model = hq.models.get(model_id)
            rows = [r for r in responses.get((d, rid), []) if r[0] in model.instruments]
            board = levels.get((d, rid), {})
            respondents = {role: 0 for role in model.roles}
            for role, _, _ in rows:
                respondents[role] += 1
            score = compute(
                model,
                hq.models.framework,
                board,
                aggregate_responses(model, rows),
                stage,
                benchmark
                if benchmark and benchmark.model_id == model.id
                else compared.setdefault(model.id, hq_benchmark(hq, model)),
                district=name,
                round_id=rid,
            )
            ordered = {a: board[a] for a in order if a in board}
            out.append(HQRound(d, name, rid, label, stage, ordered, respondents, score))
        if progress is not None:
            progress(index + 1, len(districts))
    return out


def overview(hq: HQStore, benchmark: Benchmark | None = None) -> dict[str, Any]:
    """The ``hq list --json`` document (``onpoint-hq-list/1``)."""
    conn = hq.conn
    by_district: dict[str, list[HQRound]] = defaultdict(list)
    rounds = hq_rounds(hq, benchmark)
    for rnd in rounds:
        by_district[rnd.district_uuid].append(rnd)
    found = defaultdict(list)
    for conflict in conflicts(conn):
        found[conflict.district_uuid].append(conflict.to_json())
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
    rows = conn.execute(
        "SELECT uuid, name, model FROM districts ORDER BY name_key, uuid"
    ).fetchall()
    evidence = round_evidence(hq)
    same_name: dict[str, list[str]] = defaultdict(list)
    for d, name, _ in rows:
        same_name[name_key(name)].append(d)
    districts = []
    for d, name, model_id in rows:
        n_bundles, n_workspaces = bundle_counts.get(d, (0, 0))
        districts.append(
            {
                "uuid": d,
                "name": name,
                "model": model_id,
                "same_name_as": [u for u in same_name[name_key(name)] if u != d],
                "bundles": n_bundles,
                "workspaces": n_workspaces,
                "signers": signers_of[d],
                "rounds": [
                    _round_json(r) | {"evidence": evidence.get((d, r.round_id), NO_EVIDENCE)}
                    for r in by_district[d]
                ],
                "conflicts": found[d],
            }
        )
    listed = [s.to_json() for s in signers(hq)]
    used = {r.score.model.id: r.score.benchmark.label for r in rounds}
    default = hq_benchmark(hq, hq.models.get(DEFAULT_MODEL_ID))
    return {
        "format": LIST_FORMAT,
        "benchmark": "; ".join(used.values()) or default.label,
        "benchmarks": used,  # model id → the benchmark its rounds are scored against
        "counts": hq.counts(),
        "conflicts": sum(len(c) for c in found.values()),
        "unresolved_conflicts": sum(c["status"] == "conflicted" for v in found.values() for c in v),
        "districts": districts,
        "signers": listed,
    }


def _round_json(rnd: HQRound) -> dict[str, Any]:
    score = rnd.score.to_json()
    return {
        "id": rnd.round_id,
        "label": rnd.label,
        "stage": rnd.stage,
        "model": score["model"],
        "levels": rnd.levels,
        "respondents": rnd.respondents,
        "total": score["total"],
        "complete": score["complete"],
        "components": score["components"],
        "strengths": score["strengths"],
        "focus_areas": score["focus_areas"],
    }

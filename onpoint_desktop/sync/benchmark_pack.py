"""Benchmark packs: HQ builds them from merged bundles, consultants import them.

HQ side. A pack describes the scores of one scoring model. For each district, the
*latest complete round* scored with that model (the last such round in the district's
order whose score has both an expert and a survey part in every component) is taken at
that round's stage. Per stage, the 25th, 50th and 75th percentiles of the total
and of each component are computed over those districts (linear interpolation between
order statistics, ``statistics.quantiles(method="inclusive")``, the same as spreadsheet
``PERCENTILE.INC``), with the number of districts. A stage with fewer than
``MIN_DISTRICTS`` (5) districts is withheld: too few to describe a national picture, and
too few to keep a district from being recognised. The pack's document has exactly the
format of the shipped benchmark (``onpoint-benchmark/1``, checked with
``parse_benchmark``), and the file HQ writes is that document signed with HQ's signing key
(``signed``, kind ``benchmark-pack``).

HQ keeps every pack it builds (``benchmark_packs`` in the HQ store, with its model).

Consultant side. :func:`import_pack` accepts only a pack signed by the HQ key the
consultant trusts (``hq-key import``), validates it against the components of the model it
names and stores it in the workspace's ``benchmark_packs`` table in one transaction; from
then on the scores and reports of the workspace's rounds scored with that model use it
(per model, the latest imported pack wins), labelled with its name.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop.benchmark import BENCHMARK_FORMAT, TOTAL, Benchmark, parse_benchmark
from onpoint_desktop.errors import BundleError, OnpointError
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID
from onpoint_desktop.sync import keys, signed
from onpoint_desktop.sync.hq_overview import HQRound, hq_rounds
from onpoint_desktop.sync.hq_store import HQStore

if TYPE_CHECKING:
    from onpoint_desktop.framework import ScoringModel
    from onpoint_desktop.workspace import Workspace

MIN_DISTRICTS = 5
MAX_PACK_BYTES = 5 * 1024**2
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PackResult:
    benchmark: Benchmark
    document: dict[str, Any]
    stages_withheld: dict[str, int]  # stage → districts it had (fewer than MIN_DISTRICTS)
    districts_used: int


def percentiles(values: list[float]) -> dict[str, float]:
    """p25, p50 and p75 of ``values`` (inclusive method; at least two values)."""
    p25, p50, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return {"p25": round(p25, 2), "p50": round(p50, 2), "p75": round(p75, 2)}


def latest_complete_rounds(rounds: list[HQRound]) -> dict[str, HQRound]:
    """District UUID → its latest complete round (``rounds`` in each district's order)."""
    latest: dict[str, HQRound] = {}
    for rnd in rounds:
        if rnd.score.complete:
            latest[rnd.district_uuid] = rnd
    return latest


def build_pack(
    rounds: list[HQRound],
    *,
    name: str,
    date: str,
    source: str,
    model: ScoringModel,
    stage_ids: tuple[str, ...],
    min_districts: int = MIN_DISTRICTS,
) -> PackResult:
    """A benchmark pack document for ``model`` from scored HQ rounds (see the module
    docstring); rounds scored with other models are left out."""
    by_stage: dict[str, list[HQRound]] = {}
    chosen = latest_complete_rounds([r for r in rounds if r.score.model.id == model.id])
    for rnd in chosen.values():
        by_stage.setdefault(rnd.stage, []).append(rnd)
    stages, withheld = {}, {}
    for stage in stage_ids:
        group = by_stage.get(stage, [])
        if len(group) < min_districts:
            withheld[stage] = len(group)
            continue
        stages[stage] = {
            "n_districts": len(group),
            TOTAL: percentiles([r.score.total for r in group]),
            "components": {
                c: percentiles([r.score.component(c).score for r in group])
                for c in model.component_ids
            },
        }
    if not stages:
        counts = ", ".join(f"{s} {n}" for s, n in withheld.items())
        raise BundleError(
            f"No stage has {min_districts} or more districts with a complete round scored "
            f"with model {model.id} ({counts}); no benchmark pack was written. Merge more "
            "bundles first."
        )
    document = {
        "format": BENCHMARK_FORMAT,
        "id": f"hq-{model.id}-{date}",
        "version": 1,
        "name": name,
        "date": date,
        "source": source,
        "illustrative": False,
        "model": model.id,
        "stages": stages,
    }
    benchmark = parse_benchmark(document, f"benchmark pack '{name}'", model.component_ids)
    return PackResult(benchmark, document, withheld, sum(len(g) for g in by_stage.values()))


def write_pack(
    hq: HQStore,
    out: Path,
    *,
    name: str | None = None,
    date: str | None = None,
    model_id: str = DEFAULT_MODEL_ID,
    progress: Progress | None = None,
) -> PackResult:
    """Build the benchmark pack of model ``model_id`` from the HQ store, sign it with HQ's
    key, keep it in the store's history and write it to ``out``."""
    from onpoint_desktop.workspace import utc_now

    signing_key = hq.signing_key()  # refused before any work when the key is not there
    model = hq.models.get(model_id)
    date = date or datetime.now(timezone.utc).strftime("%Y-%m-%d")
    name = name or "Onpoint national benchmark"  # the date is a field of its own
    counts = hq.counts()
    source = (
        f"Built by Onpoint HQ from the latest complete round of each district "
        f"({counts['districts']} districts, {counts['merged_bundles']} bundles merged); "
        f"stages with fewer than {MIN_DISTRICTS} districts withheld."
    )
    result = build_pack(
        hq_rounds(hq, progress=progress),
        name=name,
        date=date,
        source=source,
        model=model,
        stage_ids=hq.models.framework.stage_ids,
    )
    with hq.transaction():  # kept only if the file is written too
        hq.conn.execute(
            "INSERT INTO benchmark_packs (model, name, date, content, built_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (model.id, name, date, json.dumps(result.document, ensure_ascii=False), utc_now()),
        )
        signed.write_signed(out, signed.BENCHMARK_PACK, result.document, signing_key)
    return result


def read_pack(
    path: Path,
    component_ids: Callable[[str], tuple[str, ...]],
    trusted: keys.HQPublicKey | None = None,
) -> tuple[Benchmark, str]:
    """Check a benchmark pack file (signed by the trusted HQ key, default the one imported
    with ``hq-key import``) against the components of the model it names
    (``component_ids(model_id)``); returns the benchmark and its document's canonical JSON."""
    path = Path(path)
    doc = signed.read_signed(path, signed.BENCHMARK_PACK, trusted, max_bytes=MAX_PACK_BYTES)
    doc = doc.document
    try:
        model_id = doc.get("model") if isinstance(doc, dict) else None
        benchmark = parse_benchmark(doc, str(path), component_ids(str(model_id)))
    except OnpointError as exc:
        raise BundleError(f"{exc} The benchmark pack was not imported.") from None
    return benchmark, json.dumps(doc, ensure_ascii=False, sort_keys=True)


def import_pack(ws: Workspace, path: Path) -> Benchmark:
    """Store a benchmark pack in an open workspace: from now on, the rounds scored with the
    pack's model are compared with it."""
    from onpoint_desktop.workspace import utc_now

    def component_ids(model_id: str) -> tuple[str, ...]:
        if model_id not in ws.models.ids():
            raise BundleError(
                f"{path} is a benchmark for scoring model '{model_id[:60]}', which this "
                f"workspace does not have ({', '.join(ws.models.ids())}); import that model's "
                "pack first, or ask HQ for a matching benchmark."
            )
        return ws.models.get(model_id).component_ids

    benchmark, text = read_pack(path, component_ids)
    if not benchmark.stages:
        raise BundleError(f"{path} has no stages; the benchmark pack was not imported.")
    with ws.transaction():
        ws.conn.execute(
            "INSERT INTO benchmark_packs (name, date, content, imported_at, model) "
            "VALUES (?, ?, ?, ?, ?)",
            (benchmark.name, benchmark.date, text, utc_now(), benchmark.model_id),
        )
    return benchmark

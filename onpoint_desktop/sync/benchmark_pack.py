"""Benchmark packs: HQ builds them from merged bundles, consultants import them.

HQ side. For each district, the *latest complete round* (the last round in the
district's order whose score has both an expert and a survey part in every component) is
taken at that round's stage. Per stage, the 25th, 50th and 75th percentiles of the total
and of each component are computed over those districts (linear interpolation between
order statistics, ``statistics.quantiles(method="inclusive")``, the same as spreadsheet
``PERCENTILE.INC``), with the number of districts. A stage with fewer than
``MIN_DISTRICTS`` (5) districts is withheld: too few to describe a national picture, and
too few to keep a district from being recognised. The pack's document has exactly the
format of the shipped benchmark (``onpoint-benchmark/1``, checked with
``parse_benchmark``), and the file HQ writes is that document signed with HQ's signing key
(``signed``, kind ``benchmark-pack``).

Consultant side. :func:`import_pack` accepts only a pack signed by the HQ key the
consultant trusts (``hq-key import``), validates it and stores it in the workspace's
``benchmark_packs`` table in one transaction; from then on the workspace's scores and
reports use it (the latest imported pack wins), labelled with its name.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop import framework
from onpoint_desktop.benchmark import BENCHMARK_FORMAT, TOTAL, Benchmark, parse_benchmark
from onpoint_desktop.errors import BundleError, OnpointError
from onpoint_desktop.sync import keys, signed
from onpoint_desktop.sync.hq_overview import HQRound, hq_rounds
from onpoint_desktop.sync.hq_store import HQStore

if TYPE_CHECKING:
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
    model_id: str = "onpoint-1",
    min_districts: int = MIN_DISTRICTS,
) -> PackResult:
    """A benchmark pack document from scored HQ rounds (see the module docstring)."""
    model = framework.load(model_id).model
    by_stage: dict[str, list[HQRound]] = {}
    chosen = latest_complete_rounds([r for r in rounds if r.score.model == model_id])
    for rnd in chosen.values():
        by_stage.setdefault(rnd.stage, []).append(rnd)
    stages, withheld = {}, {}
    for stage in framework.load(model_id).framework.stage_ids:
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
            f"No stage has {min_districts} or more districts with a complete round "
            f"({counts}); no benchmark pack was written. Merge more bundles first."
        )
    document = {
        "format": BENCHMARK_FORMAT,
        "name": name,
        "date": date,
        "source": source,
        "illustrative": False,
        "model": model_id,
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
    progress: Progress | None = None,
) -> PackResult:
    """Build the benchmark pack of the HQ store, sign it with HQ's key, write it to ``out``."""
    signing_key = hq.signing_key()  # refused before any work when the key is not there
    date = date or datetime.now(timezone.utc).strftime("%Y-%m-%d")
    name = name or "Onpoint national benchmark"  # the date is a field of its own
    counts = hq.counts()
    source = (
        f"Built by Onpoint HQ from the latest complete round of each district "
        f"({counts['districts']} districts, {counts['merged_bundles']} bundles merged); "
        f"stages with fewer than {MIN_DISTRICTS} districts withheld."
    )
    result = build_pack(hq_rounds(hq, progress=progress), name=name, date=date, source=source)
    signed.write_signed(out, signed.BENCHMARK_PACK, result.document, signing_key)
    return result


def read_pack(
    path: Path, component_ids: tuple[str, ...], trusted: keys.HQPublicKey | None = None
) -> tuple[Benchmark, str]:
    """Check a benchmark pack file (signed by the trusted HQ key, default the one imported
    with ``hq-key import``); returns the benchmark and its document's canonical JSON."""
    path = Path(path)
    doc = signed.read_signed(path, signed.BENCHMARK_PACK, trusted, max_bytes=MAX_PACK_BYTES)
    doc = doc.document
    try:
        benchmark = parse_benchmark(doc, str(path), component_ids)
    except OnpointError as exc:
        raise BundleError(f"{exc} The benchmark pack was not imported.") from None
    return benchmark, json.dumps(doc, ensure_ascii=False, sort_keys=True)


def import_pack(ws: Workspace, path: Path) -> Benchmark:
    """Store a benchmark pack in an open workspace; its scores use it from now on."""
    from onpoint_desktop.workspace import utc_now

    benchmark, text = read_pack(path, ws.model.component_ids)
    if benchmark.model != ws.model.id:
        raise BundleError(
            f"{path} is a benchmark for scoring model '{benchmark.model}', but this "
            f"workspace scores with '{ws.model.id}'; ask HQ for a matching pack."
        )
    if not benchmark.stages:
        raise BundleError(f"{path} has no stages; the benchmark pack was not imported.")
    with ws.transaction():
        ws.conn.execute(
            "INSERT INTO benchmark_packs (name, date, content, imported_at) VALUES (?, ?, ?, ?)",
            (benchmark.name, benchmark.date, text, utc_now()),
        )
    return benchmark

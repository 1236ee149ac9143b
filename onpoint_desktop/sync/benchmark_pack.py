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

HQ keeps every pack it builds (``benchmark_packs`` in the HQ store, with its model) and
scores that model's rounds against the latest one. :func:`pack_readiness` says beforehand,
in plain words, whether a pack can be built.

Consultant side. :func:`import_pack` accepts only a pack signed by the HQ key the
consultant trusts (``hq-key import``) whose values pass :func:`check_pack_values` (SPEC
§9: finite, within the model's scale — 200 ≤ p25 ≤ median ≤ p75 ≤ 1000 for onpoint-1 —,
known stages and components of the model it names, at least ``MIN_DISTRICTS`` districts
per stage, printable names of at most 200 characters), and stores it in the workspace
(``workspace.exchange``) in one transaction; from then on the scores and reports of the
workspace's rounds scored with that model use it (per model, the latest imported pack
wins), labelled with its name.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop import clock, framework, limits
from onpoint_desktop.benchmark import BENCHMARK_FORMAT, TOTAL, Benchmark, parse_benchmark
from onpoint_desktop.english import counted
from onpoint_desktop.errors import BundleError, OnpointError
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID
from onpoint_desktop.sync import keys, signed
from onpoint_desktop.sync.hq_comparisons import compare_again
from onpoint_desktop.sync.hq_ranks import MIN_DISTRICTS, latest_complete
from onpoint_desktop.sync.hq_store import HQStore
from onpoint_desktop.sync.hq_summaries import RoundSummary, bring_up_to_date, summaries

if TYPE_CHECKING:
    from onpoint_desktop.framework import ScoringModel
    from onpoint_desktop.workspace import Workspace

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


def _by_stage(
    rounds: list[RoundSummary], model_id: str, stage_ids: tuple[str, ...]
) -> dict[str, list[RoundSummary]]:
    """Each stage's districts (their latest complete round scored with ``model_id``, at
    that round's stage), every stage listed."""
    by_stage: dict[str, list[RoundSummary]] = {s: [] for s in stage_ids}
    chosen = latest_complete([r for r in rounds if r.model_id == model_id])
    for rnd in chosen.values():
        by_stage.setdefault(rnd.stage, []).append(rnd)
    return by_stage


@dataclass(frozen=True)
class PackReadiness:
    """Whether HQ can build a benchmark pack now, and what it would hold."""

    districts: dict[str, int]  # stage → districts with a complete round there
    min_districts: int
    model_id: str = DEFAULT_MODEL_ID

    @property
    def stages(self) -> list[str]:
        """The stages a pack would hold."""
        return [s for s, n in self.districts.items() if n >= self.min_districts]

    @property
    def ready(self) -> bool:
        return bool(self.stages)

    def explanation(self) -> str:
        """In plain words, why no pack can be built yet (or what one would hold)."""
        fw = framework.framework()
        each = "; ".join(
            f"{fw.stage_label(s)}: {counted(n, 'district') if n else 'none'}"
            for s, n in self.districts.items()
        )
        if self.ready:
            held = ", ".join(fw.stage_label(s) for s in self.stages)
            return f"A pack would cover {held}. Districts with a complete round: {each}."
        return (
            f"A benchmark pack needs at least {self.min_districts} districts with a complete "
            f"round scored with model {self.model_id} (expert ratings and surveys in every "
            "component) at the same stage, and no stage has that many yet. Districts with a "
            f"complete round: {each}. Merge more bundles first."
        )


def pack_readiness(
    hq: HQStore, *, model_id: str = DEFAULT_MODEL_ID, progress: Progress | None = None
) -> PackReadiness:
    """What a pack of ``model_id`` built now would hold (its ``explanation`` says it)."""
    bring_up_to_date(hq, progress)
    groups = _by_stage(summaries(hq, model_id), model_id, hq.models.framework.stage_ids)
    return PackReadiness({s: len(g) for s, g in groups.items()}, MIN_DISTRICTS, model_id)


def build_pack(
    rounds: list[RoundSummary],
    *,
    name: str,
    date: str,
    source: str,
    model: ScoringModel,
    stage_ids: tuple[str, ...],
    min_districts: int = MIN_DISTRICTS,
) -> PackResult:
    """A benchmark pack document for ``model`` from the summaries of HQ's rounds (see the
    module docstring); rounds scored with other models are left out."""
    by_stage = _by_stage(rounds, model.id, stage_ids)
    readiness = PackReadiness({s: len(g) for s, g in by_stage.items()}, min_districts, model.id)
    if not readiness.ready:
        raise BundleError(f"No benchmark pack was written. {readiness.explanation()}")
    stages, withheld = {}, {}
    for stage, group in by_stage.items():
        if len(group) < min_districts:
            withheld[stage] = len(group)
            continue
        stages[stage] = {
            "n_districts": len(group),
            TOTAL: percentiles([r.total for r in group]),
            "components": {
                c: percentiles([r.scores[c] for r in group]) for c in model.component_ids
            },
        }
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
    benchmark = check_pack_values(document, f"benchmark pack '{name}'", model, min_districts)
    return PackResult(benchmark, document, withheld, sum(len(g) for g in by_stage.values()))


def check_pack_values(
    doc: Any, source: str, model: ScoringModel, min_districts: int = MIN_DISTRICTS
) -> Benchmark:
    """A benchmark pack's document for ``model``, checked as SPEC §9 asks (see the module
    docstring); a :class:`BundleError` naming ``source`` and the value otherwise."""
    try:
        benchmark = parse_benchmark(doc, source, model.component_ids)
    except OnpointError as exc:
        raise BundleError(str(exc)) from None
    stage_ids = framework.framework().stage_ids
    low, high = model.score_min, model.score_max

    def refuse(where: str, problem: str) -> BundleError:
        return BundleError(f"{source}: {where} {problem}.")

    for what, value in (("the name", benchmark.name), ("the date", benchmark.date)):
        problem = limits.name_problem(value)
        if problem:
            raise refuse(what, problem)
    if not _is_date(benchmark.date):
        raise refuse("the date", f"{benchmark.date!r} is not a date like 2026-06-30")
    if limits.note_problem(benchmark.source):
        raise refuse("the source", limits.note_problem(benchmark.source))
    for stage, sb in benchmark.stages.items():
        if stage not in stage_ids:
            raise refuse(f"stage {stage!r}", "is not a stage of the framework")
        if sb.n_districts < min_districts:
            raise refuse(
                f"stage {stage!r}",
                f"rests on {sb.n_districts} districts (at least {min_districts})",
            )
        unknown = set(sb.components) - set(model.component_ids)
        if unknown:
            raise refuse(f"stage {stage!r}", f"names unknown component {sorted(unknown)[0]!r}")
        for key, pct in (("total", sb.total), *sb.components.items()):
            values = (pct.p25, pct.p50, pct.p75)
            if not all(math.isfinite(v) for v in values) or not (
                low <= pct.p25 <= pct.p50 <= pct.p75 <= high
            ):
                raise refuse(
                    f"stage {stage!r}, {key}",
                    f"has p25/median/p75 {values}, not {low:g} ≤ p25 ≤ median ≤ p75 ≤ {high:g}",
                )
    return benchmark


def _is_date(text: str) -> bool:
    try:
        return len(text) == 10 and datetime.strptime(text, "%Y-%m-%d") is not None
    except ValueError:
        return False


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
    signing_key = hq.signing_key()  # refused before any work when the key is not there
    model = hq.models.get(model_id)
    date = date or clock.now().strftime("%Y-%m-%d")
    if not _is_date(date):
        raise BundleError(f"The pack's date {date!r} is not a date like 2026-06-30.")
    name = name or "Onpoint national benchmark"  # the date is a field of its own
    districts, bundles = hq.conn.execute(  # two counts, not hq.counts(): a national store
        "SELECT (SELECT count(*) FROM districts), (SELECT count(*) FROM merged_bundles)"
    ).fetchone()
    source = (
        f"Built by Onpoint HQ from the latest complete round of each district "
        f"({districts} districts, {bundles} bundles merged); "
        f"stages with fewer than {MIN_DISTRICTS} districts withheld."
    )
    bring_up_to_date(hq, progress)
    kept = summaries(hq, model.id)
    result = build_pack(
        kept,
        name=name,
        date=date,
        source=source,
        model=model,
        stage_ids=hq.models.framework.stage_ids,
    )
    with hq.transaction():  # kept (and scored against) only if the file is written too
        hq.conn.execute(
            "INSERT INTO benchmark_packs (model, name, date, content, built_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                model.id,
                name,
                date,
                json.dumps(result.document, ensure_ascii=False),
                clock.utc_now(),
            ),
        )
        # HQ's lists compare the model's rounds with the new pack from now on.
        compare_again(
            hq,
            model,
            ((r.district_uuid, r.round_id, r.model_id, r.stage, r.scores, r.total) for r in kept),
        )
        signed.write_signed(out, signed.BENCHMARK_PACK, result.document, signing_key)
    return result


def read_pack(
    path: Path,
    model_of: Callable[[str], ScoringModel],
    trusted: keys.HQPublicKey | None = None,
) -> tuple[Benchmark, str]:
    """Check a benchmark pack file (signed by the trusted HQ key, default the one imported
    with ``hq-key import``) and its values, for the model it names (``model_of(model_id)``);
    returns the benchmark and its document's canonical JSON."""
    path = Path(path)
    doc = signed.read_signed(path, signed.BENCHMARK_PACK, trusted, max_bytes=MAX_PACK_BYTES)
    doc = doc.document
    try:
        model_id = doc.get("model") if isinstance(doc, dict) else None
        benchmark = check_pack_values(doc, str(path), model_of(str(model_id)))
    except OnpointError as exc:
        raise BundleError(f"{exc} The benchmark pack was not imported.") from None
    return benchmark, json.dumps(doc, ensure_ascii=False, sort_keys=True)


def import_pack(ws: Workspace, path: Path) -> Benchmark:
    """Store a benchmark pack in an open workspace: from now on, the rounds scored with the
    pack's model are compared with it."""
    from onpoint_desktop.workspace.exchange import add_benchmark_pack

    def model_of(model_id: str) -> ScoringModel:
        if model_id not in ws.models.ids():
            raise BundleError(
                f"{path} is a benchmark for scoring model '{model_id[:60]}', which this "
                f"workspace does not have ({', '.join(ws.models.ids())}); import that model's "
                "pack first, or ask HQ for a matching benchmark."
            )
        return ws.models.get(model_id)

    benchmark, text = read_pack(path, model_of)
    if not benchmark.stages:
        raise BundleError(f"{path} has no stages; the benchmark pack was not imported.")
    add_benchmark_pack(ws, benchmark.model_id, benchmark.name, benchmark.date, text)
    return benchmark

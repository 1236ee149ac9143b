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

HQ keeps each pack it builds (``published_packs``) and scores against the latest one.
:func:`pack_readiness` says beforehand whether a pack can be built, in plain words.

Consultant side. :func:`import_pack` accepts only a pack signed by the HQ key the
consultant trusts (``hq-key import``) whose values pass :func:`check_pack_values` (SPEC
§9: finite, 200 ≤ p25 ≤ median ≤ p75 ≤ 1000, known stages and components, at least
``MIN_DISTRICTS`` districts per stage, printable names of at most 200 characters), and
stores it in the workspace in one transaction; from then on the workspace's scores and
reports use it (the latest imported pack wins), labelled with its name.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onpoint_desktop import clock, framework, limits
from onpoint_desktop.benchmark import BENCHMARK_FORMAT, TOTAL, Benchmark, parse_benchmark
from onpoint_desktop.english import counted
from onpoint_desktop.errors import BundleError, OnpointError
from onpoint_desktop.sync import keys, signed
from onpoint_desktop.sync.hq_overview import HQRound, hq_rounds
from onpoint_desktop.sync.hq_store import HQStore

if TYPE_CHECKING:
    from onpoint_desktop.workspace import Workspace

MIN_DISTRICTS = 5
SCORE_MIN, SCORE_MAX = 200, 1000  # the Onpoint score's scale
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


def _by_stage(rounds: list[HQRound], model_id: str) -> dict[str, list[HQRound]]:
    """Each stage's districts (their latest complete round at that stage), all stages."""
    by_stage: dict[str, list[HQRound]] = {
        s: [] for s in framework.load(model_id).framework.stage_ids
    }
    chosen = latest_complete_rounds([r for r in rounds if r.score.model == model_id])
    for rnd in chosen.values():
        by_stage.setdefault(rnd.stage, []).append(rnd)
    return by_stage


@dataclass(frozen=True)
class PackReadiness:
    """Whether HQ can build a benchmark pack now, and what it would hold."""

    districts: dict[str, int]  # stage → districts with a complete round there
    min_districts: int

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
            "round (expert ratings and surveys in every component) at the same stage, and no "
            f"stage has that many yet. Districts with a complete round: {each}. Merge more "
            "bundles first."
        )


def pack_readiness(
    hq: HQStore, *, model_id: str = "onpoint-1", progress: Progress | None = None
) -> PackReadiness:
    """What a pack built now would hold (``PackReadiness.explanation`` says it)."""
    groups = _by_stage(hq_rounds(hq, progress=progress), model_id)
    return PackReadiness({s: len(g) for s, g in groups.items()}, MIN_DISTRICTS)


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
    by_stage = _by_stage(rounds, model_id)
    readiness = PackReadiness({s: len(g) for s, g in by_stage.items()}, min_districts)
    if not readiness.ready:
        raise BundleError(f"No benchmark pack was written. {readiness.explanation()}")
    stages, withheld = {}, {}
    for stage, group in by_stage.items():
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
    document = {
        "format": BENCHMARK_FORMAT,
        "name": name,
        "date": date,
        "source": source,
        "illustrative": False,
        "model": model_id,
        "stages": stages,
    }
    benchmark = check_pack_values(document, f"benchmark pack '{name}'", model_id, min_districts)
    return PackResult(benchmark, document, withheld, sum(len(g) for g in by_stage.values()))


def check_pack_values(
    doc: Any, source: str, model_id: str | None = None, min_districts: int = MIN_DISTRICTS
) -> Benchmark:
    """A benchmark pack's document, checked as SPEC §9 asks (see the module docstring);
    a :class:`BundleError` naming ``source`` and the value otherwise."""
    if model_id is None:
        model_id = str(doc.get("model")) if isinstance(doc, dict) else ""
    try:
        res = framework.load(model_id)
    except OnpointError:
        raise BundleError(
            f"{source} is a benchmark for scoring model {model_id!r}, which is not installed "
            "here; ask HQ for a pack of your model."
        ) from None
    try:
        benchmark = parse_benchmark(doc, source, res.model.component_ids)
    except OnpointError as exc:
        raise BundleError(str(exc)) from None

    def refuse(where: str, problem: str) -> BundleError:
        return BundleError(f"{source}: {where} {problem}.")

    for what, value in (("the name", benchmark.name), ("the date", benchmark.date)):
        problem = limits.name_problem(value)
        if problem:
            raise refuse(what, problem)
    if limits.note_problem(benchmark.source):
        raise refuse("the source", limits.note_problem(benchmark.source))
    for stage, sb in benchmark.stages.items():
        if stage not in res.framework.stage_ids:
            raise refuse(f"stage {stage!r}", "is not a stage of the framework")
        if sb.n_districts < min_districts:
            raise refuse(
                f"stage {stage!r}",
                f"rests on {sb.n_districts} districts (at least {min_districts})",
            )
        unknown = set(sb.components) - set(res.model.component_ids)
        if unknown:
            raise refuse(f"stage {stage!r}", f"names unknown component {sorted(unknown)[0]!r}")
        for key, pct in (("total", sb.total), *sb.components.items()):
            values = (pct.p25, pct.p50, pct.p75)
            if not all(math.isfinite(v) for v in values) or not (
                SCORE_MIN <= pct.p25 <= pct.p50 <= pct.p75 <= SCORE_MAX
            ):
                raise refuse(
                    f"stage {stage!r}, {key}",
                    f"has p25/median/p75 {values}, not {SCORE_MIN} ≤ p25 ≤ median ≤ p75 ≤ "
                    f"{SCORE_MAX}",
                )
    return benchmark


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
    with hq.transaction():  # HQ scores against the pack it published from now on
        hq.conn.execute(
            "INSERT INTO published_packs (model, name, date, document, built_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                result.benchmark.model,
                result.benchmark.name,
                result.benchmark.date,
                json.dumps(result.document, ensure_ascii=False, sort_keys=True),
                clock.utc_now(),
            ),
        )
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
        benchmark = check_pack_values(doc, str(path), benchmark.model)
    except OnpointError as exc:
        raise BundleError(f"{exc} The benchmark pack was not imported.") from None
    return benchmark, json.dumps(doc, ensure_ascii=False, sort_keys=True)


def import_pack(ws: Workspace, path: Path) -> Benchmark:
    """Store a benchmark pack in an open workspace; its scores use it from now on."""
    from onpoint_desktop.workspace.exchange import add_benchmark_pack

    benchmark, text = read_pack(path, ws.model.component_ids)
    if benchmark.model != ws.model.id:
        raise BundleError(
            f"{path} is a benchmark for scoring model '{benchmark.model}', but this "
            f"workspace scores with '{ws.model.id}'; ask HQ for a matching pack."
        )
    if not benchmark.stages:
        raise BundleError(f"{path} has no stages; the benchmark pack was not imported.")
    add_benchmark_pack(ws, benchmark.name, benchmark.date, text)
    return benchmark

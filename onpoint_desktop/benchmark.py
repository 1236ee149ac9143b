"""National benchmarks by implementation stage, bands, and recommendation texts.

A benchmark gives, per stage, the 25th/50th/75th percentile of the total and of each
component of one scoring model, with the number of districts behind them. Each model
ships its own (illustrative) benchmark and recommendation set (``ScoringModel.benchmark``,
``ScoringModel.recommendations``); HQ builds real benchmarks from merged bundles
(benchmark packs), one model at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from onpoint_desktop.errors import ResourceError
from onpoint_desktop.resources import Fields

BANDS = ("below", "within", "above")
BENCHMARK_FORMAT = "onpoint-benchmark/1"
TOTAL = "total"


@dataclass(frozen=True)
class Percentiles:
    p25: float
    p50: float
    p75: float

    def band(self, score: float | None) -> str | None:
        """``below`` under p25, ``above`` over p75, else ``within``; None without a score."""
        if score is None:
            return None
        if score < self.p25:
            return "below"
        if score > self.p75:
            return "above"
        return "within"


@dataclass(frozen=True)
class StageBenchmark:
    n_districts: int
    total: Percentiles
    components: dict[str, Percentiles]

    def of(self, key: str) -> Percentiles | None:
        return self.total if key == TOTAL else self.components.get(key)


@dataclass(frozen=True)
class Benchmark:
    name: str
    date: str
    source: str
    illustrative: bool
    model_id: str  # the scoring model whose scores it describes
    stages: dict[str, StageBenchmark]
    id: str = ""  # shipped benchmarks and HQ's packs carry an id and a version
    version: int = 1

    def percentiles(self, stage: str, key: str) -> Percentiles | None:
        """Percentiles for the total (``key="total"``) or a component at a stage, if known."""
        stage_bm = self.stages.get(stage)
        return stage_bm.of(key) if stage_bm else None

    def band(self, stage: str, key: str, score: float | None) -> str | None:
        pct = self.percentiles(stage, key)
        return pct.band(score) if pct else None

    @property
    def label(self) -> str:
        """How the UI and reports name it: the name, with "illustrative" when it is (once:
        not when the name already says so)."""
        if self.illustrative and "illustrative" not in self.name.lower():
            return f"{self.name} (illustrative)"
        return self.name

    def to_dict(self) -> dict[str, Any]:
        def pct(p: Percentiles) -> dict[str, float]:
            return {"p25": p.p25, "p50": p.p50, "p75": p.p75}

        return {
            "format": BENCHMARK_FORMAT,
            **({"id": self.id} if self.id else {}),
            "version": self.version,
            "name": self.name,
            "date": self.date,
            "source": self.source,
            "illustrative": self.illustrative,
            "model": self.model_id,
            "stages": {
                stage: {
                    "n_districts": sb.n_districts,
                    "total": pct(sb.total),
                    "components": {c: pct(p) for c, p in sb.components.items()},
                }
                for stage, sb in self.stages.items()
            },
        }


def parse_benchmark(obj: Any, source: str, component_ids: tuple[str, ...] = ()) -> Benchmark:
    """Validate a benchmark document (the shipped default or an HQ pack).

    Every error names ``source`` and the offending key. Stages may be absent (HQ
    withholds stages with too few districts), but a present stage must be complete.
    """
    doc = Fields(obj, source)
    doc.require_format(BENCHMARK_FORMAT)

    def pct(f: Fields) -> Percentiles:
        p = Percentiles(f.number("p25"), f.number("p50"), f.number("p75"))
        if not p.p25 <= p.p50 <= p.p75:
            raise f.fail("p50", "must lie between p25 and p75")
        return p

    stages_doc = doc.sub("stages")
    stages: dict[str, StageBenchmark] = {}
    for stage in stages_doc.obj:
        s = stages_doc.sub(stage)
        comps = s.sub("components")
        missing = [c for c in component_ids if c not in comps.obj]
        if missing:
            raise comps.fail(missing[0], "is missing")
        n = s.int("n_districts")
        if n < 0:
            raise s.fail("n_districts", "must not be negative")
        stages[stage] = StageBenchmark(
            n_districts=n,
            total=pct(s.sub(TOTAL)),
            components={c: pct(comps.sub(c)) for c in comps.obj},
        )
    return Benchmark(
        name=doc.str("name"),
        date=doc.str("date"),
        source=doc.str("source"),
        illustrative=doc.bool("illustrative", False),
        model_id=doc.str("model"),
        stages=stages,
        id=doc.str("id", ""),
        version=doc.int("version", 1),
    )


def benchmark_from_json(text: str, source: str, component_ids: tuple[str, ...]) -> Benchmark:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{source} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    return parse_benchmark(obj, source, component_ids)


# --- recommendations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    component: str
    band: str
    stage: str
    title: str
    text: str


class RecommendationLibrary:
    """Texts keyed by component, band and stage, with ``*`` as a wildcard.

    Lookup takes the most specific entry: (component, band, stage), then
    (component, band, *), then (component, *, stage), then (component, *, *).
    """

    def __init__(self, entries: list[Recommendation]) -> None:
        self._by_key = {(e.component, e.band, e.stage): e for e in entries}

    def lookup(self, component: str, band: str | None, stage: str) -> Recommendation | None:
        band = band or "*"
        for key in (
            (component, band, stage),
            (component, band, "*"),
            (component, "*", stage),
            (component, "*", "*"),
        ):
            if key in self._by_key:
                return self._by_key[key]
        return None

    def __len__(self) -> int:
        return len(self._by_key)


RECOMMENDATIONS_FORMAT = "onpoint-recommendations/1"


def parse_recommendations(
    doc: Fields, component_ids: tuple[str, ...], stage_ids: tuple[str, ...]
) -> RecommendationLibrary:
    """A model's recommendation set: every component and band covered, no repeats."""
    doc.require_format(RECOMMENDATIONS_FORMAT)
    valid_stages = (*stage_ids, "*")
    entries: list[Recommendation] = []
    seen: set[tuple[str, str, str]] = set()
    for f in doc.items("texts"):
        rec = Recommendation(
            f.str("component"), f.str("band"), f.str("stage"), f.str("title"), f.str("text")
        )
        if rec.component not in component_ids:
            raise f.fail("component", f"names unknown component '{rec.component[:60]}'")
        if rec.band not in (*BANDS, "*"):
            raise f.fail("band", f"must be one of {', '.join(BANDS)} or *, not '{rec.band[:20]}'")
        if rec.stage not in valid_stages:
            raise f.fail("stage", f"must be a stage id or *, not '{rec.stage[:40]}'")
        key = (rec.component, rec.band, rec.stage)
        if key in seen:
            raise f.fail("component", f"repeats the entry for {key}")
        seen.add(key)
        entries.append(rec)
    library = RecommendationLibrary(entries)
    for component in component_ids:
        for band in BANDS:
            if library.lookup(component, band, "*") is None:
                raise ResourceError(
                    f"{doc.source}: no recommendation covers component '{component}' "
                    f"in band '{band}'."
                )
    return library

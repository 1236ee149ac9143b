"""The Personalized Learning Implementation Framework, survey instruments and scoring models.

All of it is data (``resources/``, or a model pack HQ published) validated here once; code
never hard-codes an area, a component, an item, a role or a weight. The framework (the
bingo board) is the app's own: ``framework()`` reads it once. A scoring model is the set
of documents HQ publishes together (:class:`ModelDocuments`): the model file naming its
instruments, weights, ``min_n``, components, recommendation set and benchmark, and those
files; :func:`parse_model` turns them into a :class:`ScoringModel`. Which models a
workspace or the HQ store can use is ``model_catalogue``'s business.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from onpoint_desktop.benchmark import (
    Benchmark,
    RecommendationLibrary,
    parse_benchmark,
    parse_recommendations,
)
from onpoint_desktop.errors import ResourceError
from onpoint_desktop.resources import Fields, read_json, resources_dir

FRAMEWORK_FORMAT = "onpoint-framework/1"
INSTRUMENT_FORMAT = "onpoint-instrument/1"
MODEL_FORMAT = "onpoint-model/2"

# Ids of published documents become file names (``models/<id>.json``): plain names only.
DOCUMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
ROLE_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class FocusArea:
    id: str
    label: str
    category: str


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    areas: tuple[FocusArea, ...]
    cross_cutting: bool = False


@dataclass(frozen=True)
class Level:
    level: int
    label: str


@dataclass(frozen=True)
class Stage:
    id: str
    label: str


@dataclass(frozen=True)
class Framework:
    id: str
    version: int
    name: str
    categories: tuple[Category, ...]  # the five columns, then the cross-cutting row
    levels: tuple[Level, ...]
    stages: tuple[Stage, ...]

    @functools.cached_property
    def areas(self) -> dict[str, FocusArea]:
        return {a.id: a for c in self.categories for a in c.areas}

    @functools.cached_property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    def stage_label(self, stage_id: str) -> str:
        return next((s.label for s in self.stages if s.id == stage_id), stage_id)

    def level_label(self, level: int | None) -> str:
        if level is None:
            return "Unrated"
        return next((lv.label for lv in self.levels if lv.level == level), str(level))

    @property
    def max_level(self) -> int:
        return max(lv.level for lv in self.levels)


@dataclass(frozen=True)
class Item:
    id: str
    component: str
    text: str
    reverse: bool


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    role: str
    label: str
    items: tuple[Item, ...]
    scale: tuple[tuple[int, str], ...]  # (value, label), lowest first
    reverse_base: int

    @functools.cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @functools.cached_property
    def by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @property
    def scale_min(self) -> int:
        return self.scale[0][0]

    @property
    def scale_max(self) -> int:
        return self.scale[-1][0]


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    weight: float
    areas: tuple[str, ...]


@dataclass(frozen=True)
class ScoringModel:
    """One published scoring model (SPEC §1.5, §10): what a round is scored with."""

    id: str
    version: int
    name: str
    framework_id: str
    score_min: float
    score_max: float
    expert_weight: float
    role_weights: dict[str, float]  # one per instrument's role, in the model file's order
    min_n: int
    highlights: int  # how many strengths / focus areas to name
    components: tuple[Component, ...]
    instruments: dict[str, Instrument] = field(repr=False)  # role → instrument
    recommendations: RecommendationLibrary = field(repr=False, compare=False)
    benchmark: Benchmark = field(repr=False, compare=False)  # the model's own default

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.instruments)

    @functools.cached_property
    def component_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.components)

    @functools.cached_property
    def by_id(self) -> dict[str, Component]:
        return {c.id: c for c in self.components}

    def items_of(self, role: str, component_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.instruments[role].items if i.component == component_id)

    def to_score(self, value: float) -> float:
        """Map a 0–1 component value onto the score scale (200–1,000)."""
        return self.score_min + (self.score_max - self.score_min) * value


@dataclass(frozen=True)
class ModelDocuments:
    """The documents that define one scoring model, as HQ publishes them together.

    ``documents`` maps a path inside a folder laid out like ``resources/`` to its parsed
    JSON: ``models/<id>.json`` and the files it names (``instruments/<id>.json`` for each
    instrument, ``recommendations/<id>.json``, ``benchmarks/<id>.json``). ``origin``
    says where they came from (a folder, a model pack, a workspace), for messages.
    """

    model_id: str
    documents: Mapping[str, Any]
    origin: str

    @staticmethod
    def model_path(model_id: str) -> str:
        return f"models/{model_id}.json"

    def fields(self, path: str) -> Fields:
        if path not in self.documents:
            raise ResourceError(f"{self.origin}: {path} is missing.")
        return Fields(self.documents[path], f"{self.origin}/{path}")


def referenced_paths(model_doc: Any, source: str) -> list[str]:
    """The files a model document names (instruments, recommendations, benchmark)."""
    doc = Fields(model_doc, source)
    paths = [
        f"instruments/{_document_id(doc, 'instruments', i)}.json" for i in doc.list("instruments")
    ]
    paths.append(f"recommendations/{_document_id(doc, 'recommendations')}.json")
    paths.append(f"benchmarks/{_document_id(doc, 'benchmark')}.json")
    return paths


def _document_id(doc: Fields, key: str, value: object = None) -> str:
    """A document id the model names (it becomes a file name: a plain name only)."""
    value = doc.str(key) if value is None else value
    if not isinstance(value, str) or not DOCUMENT_ID.fullmatch(value):
        raise doc.fail(key, f"must name documents by plain ids, not {str(value)[:60]!r}")
    return value


# --- parsing -------------------------------------------------------------------------------


def parse_framework(obj: Any, source: str) -> Framework:
    doc = Fields(obj, source)
    doc.require_format(FRAMEWORK_FORMAT)
    seen: set[str] = set()

    def category(f: Fields, cross_cutting: bool) -> Category:
        cid = f.str("id")
        areas = []
        for a in f.items("areas"):
            area = FocusArea(a.str("id"), a.str("label"), cid)
            if area.id in seen:
                raise a.fail("id", f"repeats focus area '{area.id}'")
            seen.add(area.id)
            areas.append(area)
        return Category(cid, f.str("label"), tuple(areas), cross_cutting)

    categories = [category(c, False) for c in doc.items("categories")]
    categories.append(category(doc.sub("cross_cutting"), True))
    levels = tuple(Level(lv.int("level"), lv.str("label")) for lv in doc.items("levels"))
    if [lv.level for lv in levels] != list(range(1, len(levels) + 1)):
        raise doc.fail("levels", "must number the levels 1, 2, 3... in order")
    stages = tuple(Stage(s.str("id"), s.str("label")) for s in doc.items("stages"))
    return Framework(
        doc.str("id"), doc.int("version"), doc.str("name"), tuple(categories), levels, stages
    )


def parse_instrument(doc: Fields, components: set[str]) -> Instrument:
    doc.require_format(INSTRUMENT_FORMAT)
    role = doc.str("role")
    if not ROLE_ID.fullmatch(role):
        raise doc.fail("role", "must be a lower-case word such as 'teacher'")
    scale_doc = doc.sub("scale")
    scale = tuple(sorted((p.int("value"), p.str("label")) for p in scale_doc.items("points")))
    if len(scale) < 2 or len({v for v, _ in scale}) != len(scale):
        raise scale_doc.fail("points", "must give two or more distinct values")
    items = []
    for f in doc.items("items"):
        item = Item(f.str("id"), f.str("component"), f.str("text"), f.bool("reverse", False))
        if item.component not in components:
            raise f.fail("component", f"names unknown component '{item.component}'")
        items.append(item)
    if len({i.id for i in items}) != len(items):
        raise doc.fail("items", "repeats an item id")
    return Instrument(
        doc.str("id"),
        doc.int("version"),
        role,
        doc.str("label"),
        tuple(items),
        scale,
        scale_doc.int("reverse_base"),
    )


def parse_model(docs: ModelDocuments, framework: Framework) -> ScoringModel:
    """Validate a model's documents against the framework; every error names its file."""
    path = ModelDocuments.model_path(docs.model_id)
    doc = docs.fields(path)
    doc.require_format(MODEL_FORMAT)
    if doc.str("id") != docs.model_id:
        raise doc.fail("id", f"must be '{docs.model_id}', the name of its file")
    if doc.str("framework") != framework.id:
        raise doc.fail(
            "framework",
            f"is '{doc.str('framework')[:60]}', but this app's framework is '{framework.id}'",
        )
    components = []
    for f in doc.items("components"):
        areas = tuple(f.list("areas"))
        unknown = [a for a in areas if a not in framework.areas]
        if unknown:
            raise f.fail("areas", f"names unknown focus area '{str(unknown[0])[:60]}'")
        weight = f.number("weight")
        if weight <= 0:
            raise f.fail("weight", "must be positive")
        components.append(Component(f.str("id"), f.str("name"), weight, areas))
    component_ids = [c.id for c in components]
    if len(set(component_ids)) != len(component_ids):
        raise doc.fail("components", "repeats a component id")
    instrument_paths, recommendations_path, benchmark_path = _split(referenced_paths(doc.obj, path))
    instruments: dict[str, Instrument] = {}
    for instrument_path in instrument_paths:
        instrument = parse_instrument(docs.fields(instrument_path), set(component_ids))
        if instrument.role in instruments:
            raise doc.fail("instruments", f"names two instruments for role '{instrument.role}'")
        instruments[instrument.role] = instrument
    role_weights_doc = doc.sub("role_weights")
    if set(role_weights_doc.obj) != set(instruments):
        raise doc.fail("role_weights", f"must weigh exactly the roles {', '.join(instruments)}")
    role_weights = {r: role_weights_doc.number(r) for r in instruments}
    if any(w <= 0 for w in role_weights.values()):
        raise doc.fail("role_weights", "must be positive")
    lo, hi = _score_range(doc)
    alpha = doc.number("expert_weight")
    if not 0 <= alpha <= 1:
        raise doc.fail("expert_weight", "must be between 0 and 1")
    min_n = doc.int("min_n")
    if min_n < 1:
        raise doc.fail("min_n", "must be 1 or more")
    recommendations = parse_recommendations(
        docs.fields(recommendations_path), tuple(component_ids), framework.stage_ids
    )
    benchmark_doc = docs.fields(benchmark_path)
    benchmark = parse_benchmark(benchmark_doc.obj, benchmark_doc.source, tuple(component_ids))
    if benchmark.model_id != docs.model_id:
        raise benchmark_doc.fail("model", f"must be '{docs.model_id}', the model naming it")
    return ScoringModel(
        id=docs.model_id,
        version=doc.int("version"),
        name=doc.str("name"),
        framework_id=framework.id,
        score_min=lo,
        score_max=hi,
        expert_weight=alpha,
        role_weights=role_weights,
        min_n=min_n,
        highlights=doc.int("highlights", 2),
        components=tuple(components),
        instruments=instruments,
        recommendations=recommendations,
        benchmark=benchmark,
    )


def _split(paths: list[str]) -> tuple[list[str], str, str]:
    return paths[:-2], paths[-2], paths[-1]


def _score_range(doc: Fields) -> tuple[float, float]:
    bounds = doc.list("score_range")
    if len(bounds) != 2 or not all(
        isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds
    ):
        raise doc.fail("score_range", "must be two numbers, lowest first")
    lo, hi = float(bounds[0]), float(bounds[1])
    if not lo < hi:
        raise doc.fail("score_range", "must be two numbers, lowest first")
    return lo, hi


@functools.cache
def framework() -> Framework:
    """The framework shipped with the app (cached)."""
    path = resources_dir() / "framework.json"
    return parse_framework(read_json(path), str(path))

"""The Personalized Learning Implementation Framework, survey instruments and scoring model.

All of it is read from ``resources/`` and validated once; code never hard-codes an area,
an item or a weight. ``load()`` returns the validated bundle and is cached, so callers
may ask for it freely.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from onpoint_desktop.errors import ResourceError
from onpoint_desktop.resources import Fields, read_json, resources_dir

ROLES = ("teacher", "leader")


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
    id: str
    name: str
    score_min: float
    score_max: float
    expert_weight: float
    role_weights: dict[str, float]
    min_n: int
    highlights: int  # how many strengths / focus areas to name
    components: tuple[Component, ...]
    instruments: dict[str, Instrument] = field(repr=False)

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
class Resources:
    framework: Framework
    model: ScoringModel


# --- loading -----------------------------------------------------------------------------


def _load_framework(path: Path) -> Framework:
    doc = Fields(read_json(path), str(path))
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
    return Framework(doc.str("name"), tuple(categories), levels, stages)


def _load_instrument(path: Path, role: str, components: set[str]) -> Instrument:
    doc = Fields(read_json(path), str(path))
    if doc.str("role") != role:
        raise doc.fail("role", f"must be '{role}'")
    scale_doc = doc.sub("scale")
    scale = tuple((p.int("value"), p.str("label")) for p in scale_doc.items("points"))
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
        role,
        doc.str("label"),
        tuple(items),
        tuple(sorted(scale)),
        scale_doc.int("reverse_base"),
    )


def _load_model(path: Path, framework: Framework) -> ScoringModel:
    doc = Fields(read_json(path), str(path))
    components = []
    for f in doc.items("components"):
        areas = tuple(f.list("areas"))
        unknown = [a for a in areas if a not in framework.areas]
        if unknown:
            raise f.fail("areas", f"names unknown focus area '{unknown[0]}'")
        weight = f.number("weight")
        if weight <= 0:
            raise f.fail("weight", "must be positive")
        components.append(Component(f.str("id"), f.str("name"), weight, areas))
    component_ids = {c.id for c in components}
    role_weights_doc = doc.sub("role_weights")
    role_weights = {r: role_weights_doc.number(r) for r in ROLES}
    instruments_doc = doc.sub("instruments")
    instruments = {
        r: _load_instrument(path.parent.parent / instruments_doc.str(r), r, component_ids)
        for r in ROLES
    }
    lo, hi = doc.list("score_range")
    alpha = doc.number("expert_weight")
    if not 0 <= alpha <= 1:
        raise doc.fail("expert_weight", "must be between 0 and 1")
    return ScoringModel(
        id=doc.str("id"),
        name=doc.str("name"),
        score_min=float(lo),
        score_max=float(hi),
        expert_weight=alpha,
        role_weights=role_weights,
        min_n=doc.int("min_n"),
        highlights=doc.int("highlights", 2),
        components=tuple(components),
        instruments=instruments,
    )


_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@functools.cache
def load(model_id: str = "onpoint-1") -> Resources:
    """Load and validate the framework and a scoring model (cached)."""
    root = resources_dir()
    framework = _load_framework(root / "framework.json")
    model_path = root / "models" / f"{model_id}.json"
    # An id comes from files (bundles, packs) too: only a plain name can be a model's.
    if not _MODEL_ID.fullmatch(model_id) or not model_path.exists():
        raise ResourceError(f"Scoring model '{model_id}' is not installed ({model_path}).")
    return Resources(framework, _load_model(model_path, framework))


def framework() -> Framework:
    return load().framework


def model() -> ScoringModel:
    return load().model

"""The evidence instruments as published data: the Core Four walkthrough and the
conditions for scale (``resources/evidence/``), validated once on load.

Like the framework and the scoring models, they are files HQ can revise: code never
names an element, a level, a condition or a readiness area. Each element or condition
links to the components of the scoring model it informs (``model``); a link to a
component that model does not have is refused when the file is read, naming the key.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from onpoint_desktop.errors import ResourceError
from onpoint_desktop.model_catalogue import shipped_model
from onpoint_desktop.resources import Fields, read_json, resources_dir

WALKTHROUGH_FORMAT = "onpoint-walkthrough/1"
CONDITIONS_FORMAT = "onpoint-conditions/1"
WALKTHROUGH_FILE = "evidence/walkthrough-core-four-1.json"
CONDITIONS_FILE = "evidence/conditions-for-scale-1.json"

EVIDENCE_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
OPTION = re.compile(r"[a-z][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class WalkthroughElement:
    id: str
    option: str  # the command-line option naming it (``--student-ownership``)
    label: str
    look_for: str
    components: tuple[str, ...]  # the scoring model's components it informs


@dataclass(frozen=True)
class WalkthroughInstrument:
    id: str
    version: int
    label: str
    model_id: str
    levels: tuple[tuple[int, str], ...]  # (level, label), 0 first
    grade_bands: tuple[str, ...]
    elements: tuple[WalkthroughElement, ...]

    @functools.cached_property
    def by_id(self) -> dict[str, WalkthroughElement]:
        return {e.id: e for e in self.elements}

    @property
    def element_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.elements)

    @property
    def level_values(self) -> tuple[int, ...]:
        return tuple(v for v, _ in self.levels)

    @property
    def top_level(self) -> int:
        return self.levels[-1][0]

    def level_label(self, level: int) -> str:
        return dict(self.levels).get(level, str(level))


@dataclass(frozen=True)
class ConditionState:
    id: str
    label: str
    value: float  # 0 (not in place) … 1 (in place): how far it counts toward readiness


@dataclass(frozen=True)
class ReadinessArea:
    id: str
    label: str
    question: str


@dataclass(frozen=True)
class Condition:
    id: str
    label: str
    description: str
    readiness: str  # the readiness area it belongs to
    components: tuple[str, ...]


@dataclass(frozen=True)
class ConditionsInstrument:
    id: str
    version: int
    label: str
    source: str
    model_id: str
    states: tuple[ConditionState, ...]  # lowest first
    readiness_areas: tuple[ReadinessArea, ...]
    conditions: tuple[Condition, ...]

    @functools.cached_property
    def by_id(self) -> dict[str, Condition]:
        return {c.id: c for c in self.conditions}

    @functools.cached_property
    def state_by_id(self) -> dict[str, ConditionState]:
        return {s.id: s for s in self.states}

    def state_label(self, state: str | None) -> str:
        return self.state_by_id[state].label if state in self.state_by_id else "Not rated"


def _ids(entries: list[Fields], key: str = "id") -> list[str]:
    ids = []
    for f in entries:
        value = f.str(key)
        if not EVIDENCE_ID.fullmatch(value):
            raise f.fail(key, "must be a lower-case id such as 'data_driven'")
        if value in ids:
            raise f.fail(key, f"repeats '{value}'")
        ids.append(value)
    return ids


def _components(f: Fields, known: tuple[str, ...], model_id: str) -> tuple[str, ...]:
    links = f.list("components")
    for link in links:
        if link not in known:
            raise f.fail("components", f"names '{str(link)[:60]}', not a component of {model_id}")
    return tuple(links)


def _model_components(doc: Fields) -> tuple[str, tuple[str, ...]]:
    model_id = doc.str("model")
    try:
        return model_id, shipped_model(model_id).component_ids
    except ResourceError:
        raise doc.fail(
            "model", f"names '{model_id[:60]}', not a scoring model of this app"
        ) from None


def parse_walkthrough(obj: Any, source: str) -> WalkthroughInstrument:
    doc = Fields(obj, source)
    doc.require_format(WALKTHROUGH_FORMAT)
    model_id, known = _model_components(doc)
    levels = tuple((lv.int("level"), lv.str("label")) for lv in doc.items("levels"))
    if [v for v, _ in levels] != list(range(len(levels))) or len(levels) < 2:
        raise doc.fail("levels", "must number two or more levels 0, 1, 2... in order")
    bands = doc.list("grade_bands")
    if not all(isinstance(b, str) and b.strip() for b in bands) or len(set(bands)) != len(bands):
        raise doc.fail("grade_bands", "must be distinct non-empty names")
    entries = doc.items("elements")
    _ids(entries)
    elements = []
    for f in entries:
        option = f.str("option")
        if not OPTION.fullmatch(option):
            raise f.fail("option", "must be a lower-case option name such as 'data-driven'")
        elements.append(
            WalkthroughElement(
                f.str("id"),
                option,
                f.str("label"),
                f.str("look_for"),
                _components(f, known, model_id),
            )
        )
    if len({e.option for e in elements}) != len(elements):
        raise doc.fail("elements", "repeats an option name")
    return WalkthroughInstrument(
        doc.str("id"),
        doc.int("version"),
        doc.str("label"),
        model_id,
        levels,
        tuple(bands),
        tuple(elements),
    )


def parse_conditions(obj: Any, source: str) -> ConditionsInstrument:
    doc = Fields(obj, source)
    doc.require_format(CONDITIONS_FORMAT)
    model_id, known = _model_components(doc)
    state_entries = doc.items("states")
    _ids(state_entries)
    states = []
    for f in state_entries:
        value = f.number("value")
        if not 0 <= value <= 1:
            raise f.fail("value", "must be between 0 and 1")
        states.append(ConditionState(f.str("id"), f.str("label"), value))
    if [s.value for s in states] != sorted(s.value for s in states) or len(states) < 2:
        raise doc.fail("states", "must list two or more states, lowest value first")
    area_entries = doc.items("readiness_areas")
    area_ids = _ids(area_entries)
    areas = tuple(
        ReadinessArea(f.str("id"), f.str("label"), f.str("question")) for f in area_entries
    )
    condition_entries = doc.items("conditions")
    _ids(condition_entries)
    conditions = []
    for f in condition_entries:
        readiness = f.str("readiness")
        if readiness not in area_ids:
            raise f.fail("readiness", f"names '{readiness[:60]}', not one of the readiness areas")
        conditions.append(
            Condition(
                f.str("id"),
                f.str("label"),
                f.str("description"),
                readiness,
                _components(f, known, model_id),
            )
        )
    return ConditionsInstrument(
        doc.str("id"),
        doc.int("version"),
        doc.str("label"),
        doc.str("source"),
        model_id,
        tuple(states),
        areas,
        tuple(conditions),
    )


@functools.cache
def walkthrough_instrument() -> WalkthroughInstrument:
    """The Core Four walkthrough shipped with the app (cached)."""
    path = resources_dir() / WALKTHROUGH_FILE
    return parse_walkthrough(read_json(path), str(path))


@functools.cache
def conditions_instrument() -> ConditionsInstrument:
    """The conditions for scale and readiness areas shipped with the app (cached)."""
    path = resources_dir() / CONDITIONS_FILE
    return parse_conditions(read_json(path), str(path))

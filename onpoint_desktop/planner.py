"""The target planner (SPEC §11): the fewest one-level rating changes that bring the
total, or one component, to a score — exactly, under the model of SPEC §1.5.

Which changes are worth considering: only raising levels (lowering a rated area never
raises a score) and rating unrated areas (from "not rated" to level k counts k steps, as
if from a level 0). Within one component, every step on a rated area adds the same
``1 / (max_level - 1)`` to its expert sum, and rating a new area at level k adds
``(k - 1) / (max_level - 1)`` for k steps; so with b steps of which m rate new areas, the
expert sum grows by ``(b - m) / (max_level - 1)`` over ``m`` more areas, whichever areas
take the steps. Each component's best value for every budget b is therefore found by
trying each m — a short list of options per component.

Across components the total reaches ``T`` exactly when
``Σ W_c · (C_c − t) ≥ 0`` over the available components (t: T on the 0–1 scale), a sum
of independent terms; so the fewest steps come from an exact knapsack (dynamic
programming) over the components' options — no heuristics, no sampling. Ties go to the
plan giving the higher score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from onpoint_desktop.benchmark import TOTAL
from onpoint_desktop.errors import InputError
from onpoint_desktop.what_if import ComponentBasis, ScoreBasis

if TYPE_CHECKING:
    from onpoint_desktop.workspace.store import Workspace

TARGETS = ("median", "p75")
_EPSILON = 1e-9  # on the 0–1 scale: sums of fractions are exact to far better than this


@dataclass(frozen=True)
class Change:
    """One area's planned rating: from ``before`` (None: not rated) to ``after``."""

    area: str
    before: int | None
    after: int

    @property
    def steps(self) -> int:
        return self.after - (self.before or 0)


@dataclass(frozen=True)
class Plan:
    """The fewest one-level changes reaching ``target`` for ``key`` (total or a component)."""

    key: str
    target: float
    reachable: bool
    changes: tuple[Change, ...]
    score_before: float | None
    score_after: float | None
    best_possible: float | None  # every area at the top level

    @property
    def steps(self) -> int:
        return sum(c.steps for c in self.changes)

    @property
    def levels(self) -> dict[str, int]:
        return {c.area: c.after for c in self.changes}

    def to_json(self) -> dict[str, Any]:
        """The ``plan --json`` object of SPEC §11."""
        return {
            "target": round(self.target, 2),
            "component": None if self.key == TOTAL else self.key,
            "reachable": self.reachable,
            "steps": self.steps,
            "changes": [{"area": c.area, "from": c.before, "to": c.after} for c in self.changes],
            "score_before": _round(self.score_before),
            "score_after": _round(self.score_after),
            "best_possible": _round(self.best_possible),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True)
class _Option:
    steps: int
    new_areas: int  # m: unrated areas that get a rating
    value: float | None  # C_c after the steps


def _options(basis: ScoreBasis, comp: ComponentBasis, top_level: int) -> list[_Option]:
    """The best value of ``comp`` for every number of steps (see the module docstring)."""
    alpha = basis.model.expert_weight
    rated = [basis.levels[a] for a in comp.areas if basis.levels.get(a)]
    unrated = len(comp.areas) - len(rated)
    headroom = sum(top_level - level for level in rated)
    options = []
    for steps in range(headroom + top_level * unrated + 1):
        best: _Option | None = None
        for m in range(min(steps, unrated) + 1):
            if steps > headroom + top_level * m:
                continue
            value = comp.value(comp.expert_sum + (steps - m) / basis.top, comp.rated + m, alpha)
            if best is None or (value is not None and (best.value is None or value > best.value)):
                best = _Option(steps, m, value)
        if best is not None:
            options.append(best)
    return options


def _changes(basis: ScoreBasis, comp: ComponentBasis, option: _Option, top: int) -> list[Change]:
    """Which areas take ``option``'s steps: new ratings go to the first unrated areas (at
    level 1), then each further step raises the lowest planned area (rated areas first)."""
    planned = {a: basis.levels[a] for a in comp.areas if basis.levels.get(a)}
    fresh = [a for a in comp.areas if not basis.levels.get(a)][: option.new_areas]
    planned.update(dict.fromkeys(fresh, 1))
    order = {a: (a in fresh, i) for i, a in enumerate(comp.areas)}
    for _ in range(option.steps - option.new_areas):
        area = min(
            (a for a in planned if planned[a] < top), key=lambda a: (order[a][0], planned[a], a)
        )
        planned[area] += 1
    return [
        Change(a, basis.levels.get(a), planned[a])
        for a in comp.areas
        if planned.get(a) and planned[a] != basis.levels.get(a)
    ]


def plan(basis: ScoreBasis, target: float, component: str | None = None) -> Plan:
    """The fewest one-level rating changes bringing the total (or ``component``) of the
    round ``basis`` describes to ``target`` or above (see the module docstring)."""
    model = basis.model
    top = basis.top + 1  # the top level
    key = component or TOTAL
    before = basis.total if component is None else basis.outcome.components.get(component)
    everything = {a: top for c in basis.components for a in c.areas}
    best = basis.what_if(everything)
    best_possible = best.total if component is None else best.components.get(component)
    t = (target - model.score_min) / (model.score_max - model.score_min)
    comps = basis.components
    if component is not None:
        comps = tuple(c for c in comps if c.id == component)
        if not comps:
            raise InputError(
                f"Unknown component '{component}'; use one of: {', '.join(model.component_ids)}."
            )
    chosen = _fewest_steps(basis, comps, t, top, whole=component is None)
    if chosen is None:
        return Plan(key, target, False, (), before, before, best_possible)
    changes = [ch for comp, option in chosen for ch in _changes(basis, comp, option, top)]
    outcome = basis.what_if({c.area: c.after for c in changes})
    after = outcome.total if component is None else outcome.components.get(component)
    return Plan(key, target, True, tuple(changes), before, after, best_possible)


def _fewest_steps(
    basis: ScoreBasis,
    comps: tuple[ComponentBasis, ...],
    t: float,
    top: int,
    *,
    whole: bool,
) -> list[tuple[ComponentBasis, _Option]] | None:
    """The exact knapsack: the options (one per component) with the fewest steps in all
    whose ``Σ W_c (C_c − t)`` is at least 0 with some component available; None when no
    choice reaches it."""
    # state: (steps, any component available) → (objective, back-pointer)
    states: dict[tuple[int, bool], tuple[float, Any]] = {(0, False): (0.0, None)}
    for comp in comps:
        following: dict[tuple[int, bool], tuple[float, Any]] = {}
        for option in _options(basis, comp, top):
            gain = 0.0 if option.value is None else comp.weight * (option.value - t)
            if not whole:  # one component: its own value must reach t
                gain = -1.0 if option.value is None else option.value - t
            for (steps, available), (objective, back) in states.items():
                state = (steps + option.steps, available or option.value is not None)
                candidate = objective + gain
                if state not in following or candidate > following[state][0]:
                    following[state] = (candidate, (back, comp, option))
        states = following
    reached = sorted(
        (steps, -objective, back)
        for (steps, available), (objective, back) in states.items()
        if available and objective >= -_EPSILON
    )
    if not reached:
        return None
    chosen = []
    back = reached[0][2]
    while back is not None:
        back, comp, option = back
        chosen.append((comp, option))
    return chosen[::-1]


def target_score(ws: Workspace, round_id: str, which: str, component: str | None) -> float:
    """The benchmark score a plan aims at: the round's stage median or p75 of the total
    (or of ``component``)."""
    if which not in TARGETS:
        raise InputError(f"Unknown target '{which}'; use median or p75.")
    rnd = ws.get_round(round_id)
    model = ws.models.get(rnd.model_id)
    pct = ws.benchmark(model.id).percentiles(rnd.stage, component or TOTAL)
    if pct is None:
        raise InputError(
            f"The benchmark has no {which} for {component or 'the total'} at stage "
            f"{ws.framework.stage_label(rnd.stage)}."
        )
    return pct.p50 if which == "median" else pct.p75


def score_basis(ws: Workspace, round_id: str) -> ScoreBasis:
    """What the score of a round rests on, for what-if previews and the planner."""
    rnd = ws.get_round(round_id)
    model = ws.models.get(rnd.model_id)
    return ScoreBasis.of(model, ws.framework, ws.levels(rnd.id), ws.survey_aggregates(rnd.id))


def plan_round(
    ws: Workspace, round_id: str, which: str = "median", component: str | None = None
) -> Plan:
    """The plan reaching the round's stage ``which`` (median or p75) in total or in
    ``component``."""
    if component is not None and component not in ws.round_model(round_id).component_ids:
        raise InputError(
            f"Unknown component '{component}'; use one of: "
            f"{', '.join(ws.round_model(round_id).component_ids)}."
        )
    target = target_score(ws, round_id, which, component)
    return plan(score_basis(ws, round_id), target, component)

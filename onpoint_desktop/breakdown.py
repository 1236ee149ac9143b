"""Survey sub-scores by school, with min_n suppression that subtraction cannot undo.

A school's role sub-score is shown only when at least ``min_n`` of its respondents of that
role answered the component. Hiding small cells alone is not enough: the district value
and the other schools' values would give a hidden school away by subtraction. So, per
component and role, when any cell is hidden the hidden cells must together hold at least
``min_n`` respondents and be at least two; the smallest shown cells are hidden too until
that holds (complementary suppression). Respondents who gave no school form a cell of
their own, never shown but counted in the suppression rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.scoring import SurveyAggregates, role_subscore

NO_SCHOOL = ""  # the cell of respondents who did not name a school


@dataclass(frozen=True)
class SchoolCell:
    """One school's value for one component and role."""

    school: str
    n: int
    value: float | None  # S_c,r of the school, 0–1; None when hidden
    hidden: bool


@dataclass(frozen=True)
class SchoolComponent:
    """One school's survey sub-score for a component, over its shown roles."""

    survey: float | None  # 0–1, role-weighted over the shown roles
    score: float | None  # the same on the 200–1,000 scale
    cells: Mapping[str, SchoolCell]  # role → cell


@dataclass(frozen=True)
class SchoolBreakdown:
    schools: tuple[str, ...]  # named schools, alphabetical
    components: Mapping[str, Mapping[str, SchoolComponent]]  # component → school → value
    respondents: Mapping[str, Mapping[str, int | None]]  # school → role → n (None if < min_n)

    def of(self, school: str, component_id: str) -> SchoolComponent:
        return self.components[component_id][school]


def suppress(cells: dict[str, int], min_n: int) -> set[str]:
    """Names of the cells to hide, given each cell's respondent count.

    >>> sorted(suppress({"A": 3, "B": 20, "C": 9}, 5))
    ['A', 'C']
    >>> sorted(suppress({"A": 12, "B": 20}, 5))
    []
    """
    hidden = {name for name, n in cells.items() if 0 < n < min_n}
    if not hidden:
        return hidden
    shown = sorted((n, name) for name, n in cells.items() if name not in hidden and n > 0)
    while shown and (sum(cells[h] for h in hidden) < min_n or len(hidden) < 2):
        hidden.add(shown.pop(0)[1])
    return hidden


def school_breakdown(
    model: ScoringModel,
    district: SurveyAggregates,
    by_school: Mapping[str, SurveyAggregates],
) -> SchoolBreakdown:
    """Per-school survey sub-scores of a round with suppression applied."""
    names = tuple(sorted(s for s in by_school if s != NO_SCHOOL))
    roles = tuple(model.role_weights)
    components: dict[str, dict[str, SchoolComponent]] = {}
    for comp in model.component_ids:
        cells: dict[str, dict[str, SchoolCell]] = {s: {} for s in names}
        for role in roles:
            counts = {s: by_school[s].role(role).component_n.get(comp, 0) for s in names}
            unnamed = district.role(role).component_n.get(comp, 0) - sum(counts.values())
            hidden = suppress({**counts, NO_SCHOOL: max(unnamed, 0)}, model.min_n)
            for s in names:
                value = None
                if s not in hidden:
                    value, _ = role_subscore(model, role, by_school[s].role(role), comp)
                cells[s][role] = SchoolCell(s, counts[s], value, s in hidden)
        components[comp] = {}
        for s in names:
            shown = {r: c.value for r, c in cells[s].items() if c.value is not None}
            survey = None
            if shown:
                weight = sum(model.role_weights[r] for r in shown)
                survey = sum(model.role_weights[r] * v for r, v in shown.items()) / weight
            score = None if survey is None else model.to_score(survey)
            components[comp][s] = SchoolComponent(survey, score, cells[s])
    respondents: dict[str, dict[str, int | None]] = {}
    for role in roles:
        counts = {s: by_school[s].respondents(role) for s in names}
        unnamed = district.respondents(role) - sum(counts.values())
        hidden = suppress({**counts, NO_SCHOOL: max(unnamed, 0)}, model.min_n)
        for s in names:
            respondents.setdefault(s, {})[role] = None if s in hidden else counts[s]
    return SchoolBreakdown(names, components, respondents)

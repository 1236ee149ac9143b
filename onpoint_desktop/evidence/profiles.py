"""What the visit evidence shows, computed once for the CLI, GUI, report and HQ.

- :func:`walkthrough_profile`: per Core Four element, how many classrooms were seen at
  each level, overall and per school, with n. A school with fewer than ``min_n`` observed
  classrooms is never shown alone (a single classroom is a teacher): small schools are
  merged into one "Other schools" group, which is itself hidden when still too small.
- :func:`perspective_gaps`: the expert's and the district's own level per focus area and
  the difference, largest gaps first.
- :func:`readiness_profile`: the conditions for scale by readiness area.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from onpoint_desktop.evidence.instruments import (
    ConditionsInstrument,
    WalkthroughInstrument,
)
from onpoint_desktop.evidence.records import ConditionEvent, Walkthrough

OTHER_SCHOOLS = "Other schools"


@dataclass(frozen=True)
class ElementProfile:
    element: str  # element id
    counts: tuple[int, ...]  # classrooms at level 0, 1, 2, 3

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> tuple[float, ...]:
        n = self.n
        return tuple(c / n if n else 0.0 for c in self.counts)

    @property
    def mean(self) -> float | None:
        n = self.n
        return sum(level * c for level, c in enumerate(self.counts)) / n if n else None


@dataclass(frozen=True)
class GroupProfile:
    """The profile of one group of classrooms: the district, a school, or merged schools."""

    label: str
    n: int  # classrooms observed
    elements: tuple[ElementProfile, ...]
    merged: tuple[str, ...] = ()  # the schools a merged group holds
    schools: int = 1

    def element(self, element_id: str) -> ElementProfile:
        return next(e for e in self.elements if e.element == element_id)

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "n": self.n,
            **({"merged_schools": len(self.merged)} if self.merged else {}),
            "elements": {
                e.element: {"counts": list(e.counts), "mean": _rounded(e.mean)}
                for e in self.elements
            },
        }


@dataclass(frozen=True)
class WalkthroughProfile:
    instrument: WalkthroughInstrument
    min_n: int
    overall: GroupProfile
    schools: tuple[GroupProfile, ...]  # schools with n ≥ min_n, then "Other schools"
    hidden: int  # classrooms in groups too small to show apart from the overall

    @property
    def n(self) -> int:
        return self.overall.n

    def informs(self) -> dict[str, tuple[str, ...]]:
        """Component id → the elements that inform it."""
        links: dict[str, list[str]] = {}
        for element in self.instrument.elements:
            for component in element.components:
                links.setdefault(component, []).append(element.id)
        return {c: tuple(e) for c, e in links.items()}

    def to_json(self) -> dict:
        inst = self.instrument
        return {
            "instrument": inst.id,
            "levels": [{"level": v, "label": label} for v, label in inst.levels],
            "elements": [
                {"id": e.id, "label": e.label, "components": list(e.components)}
                for e in inst.elements
            ],
            "min_n": self.min_n,
            "overall": self.overall.to_json(),
            "schools": [s.to_json() for s in self.schools],
            "hidden_classrooms": self.hidden,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _group(
    label: str,
    observations: list[Walkthrough],
    instrument: WalkthroughInstrument,
    merged: tuple[str, ...] = (),
) -> GroupProfile:
    elements = []
    for element in instrument.elements:
        counts = [0] * len(instrument.levels)
        for w in observations:
            level = w.levels.get(element.id)
            if level is not None and 0 <= level < len(counts):
                counts[level] += 1
        elements.append(ElementProfile(element.id, tuple(counts)))
    schools = len({w.school for w in observations})
    return GroupProfile(label, len(observations), tuple(elements), merged, schools)


def walkthrough_profile(
    observations: Iterable[Walkthrough],
    instrument: WalkthroughInstrument,
    min_n: int,
    *,
    overall_label: str = "All classrooms",
) -> WalkthroughProfile:
    """Per element, the classrooms at each level: overall, and per school with ``min_n``
    or more observed classrooms; smaller schools merged, or hidden if still too small."""
    observations = list(observations)
    by_school: dict[str, list[Walkthrough]] = {}
    for w in observations:
        by_school.setdefault(w.school, []).append(w)
    shown, small = [], []
    for school in sorted(by_school, key=str.casefold):
        group = by_school[school]
        if len(group) >= min_n:
            shown.append(_group(school, group, instrument))
        else:
            small.append(school)
    hidden = 0
    if small:
        merged = [w for s in small for w in by_school[s]]
        if len(merged) >= min_n and len(small) > 1:
            shown.append(_group(OTHER_SCHOOLS, merged, instrument, tuple(small)))
        else:
            hidden = len(merged)
    return WalkthroughProfile(
        instrument,
        min_n,
        _group(overall_label, observations, instrument),
        tuple(shown),
        hidden,
    )


# --- the district's own view ---------------------------------------------------------------


@dataclass(frozen=True)
class AreaGap:
    area: str
    expert: int | None
    district: int | None

    @property
    def gap(self) -> int | None:
        """District minus expert (positive: the district rates itself higher)."""
        if self.expert is None or self.district is None:
            return None
        return self.district - self.expert

    @property
    def gap_text(self) -> str:
        """The gap as shown: "+2", "−1", "0", or "" when one perspective is unrated."""
        gap = self.gap
        if gap is None:
            return ""
        return "0" if gap == 0 else f"{gap:+d}".replace("-", "\u2212")


def perspective_gaps(
    area_ids: Iterable[str], expert: Mapping[str, int], district: Mapping[str, int]
) -> list[AreaGap]:
    """Each focus area with both perspectives' levels and the gap, in framework order."""
    return [AreaGap(a, expert.get(a), district.get(a)) for a in area_ids]


def largest_gaps(gaps: Iterable[AreaGap], count: int = 3) -> list[AreaGap]:
    """The areas where the perspectives differ most (by size of the gap, then the district
    rating itself higher first, then framework order); no zero gaps."""
    ranked = [(i, g) for i, g in enumerate(gaps) if g.gap is not None and g.gap != 0]
    ranked.sort(key=lambda pair: (-abs(pair[1].gap or 0), -(pair[1].gap or 0), pair[0]))
    return [g for _, g in ranked[:count]]


# --- conditions for scale and readiness ----------------------------------------------------


@dataclass(frozen=True)
class ReadinessScore:
    area: str  # readiness area id
    conditions: tuple[str, ...]  # its conditions, in the instrument's order
    rated: int
    counts: dict[str, int]  # state id → how many of its conditions are in that state
    value: float | None  # mean state value (0 not in place … 1 in place) of the rated ones


def readiness_profile(
    states: Mapping[str, ConditionEvent | str], instrument: ConditionsInstrument
) -> list[ReadinessScore]:
    """Per readiness area, its conditions' states and how far they are in place."""
    scores = []
    for area in instrument.readiness_areas:
        ids = tuple(c.id for c in instrument.conditions if c.readiness == area.id)
        counts = {s.id: 0 for s in instrument.states}
        values = []
        for cid in ids:
            event = states.get(cid)
            state = event.state if isinstance(event, ConditionEvent) else event
            if state in instrument.state_by_id:
                counts[state] += 1
                values.append(instrument.state_by_id[state].value)
        value = sum(values) / len(values) if values else None
        scores.append(ReadinessScore(area.id, ids, len(values), counts, value))
    return scores

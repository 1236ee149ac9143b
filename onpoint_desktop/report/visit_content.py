"""The visit evidence a report shows (SPEC §12), gathered once from the workspace's own
core functions: the walkthrough profile (small schools already merged or hidden), the
expert and district levels per area with the gap, and the conditions for scale with the
readiness profile. None of it is part of the score."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from onpoint_desktop.evidence.instruments import (
    ConditionsInstrument,
    conditions_instrument,
)
from onpoint_desktop.evidence.profiles import (
    AreaGap,
    ReadinessScore,
    WalkthroughProfile,
    largest_gaps,
)
from onpoint_desktop.evidence.records import ConditionEvent
from onpoint_desktop.report.text import clean
from onpoint_desktop.workspace import Workspace

LARGEST_GAPS = 3


@dataclass(frozen=True)
class VisitEvidence:
    walkthroughs: WalkthroughProfile
    observed_on: tuple[str, ...]  # the days classrooms were observed, in order
    component_names: Mapping[str, str]  # component id → name (the round's model)
    gaps: tuple[AreaGap, ...]  # every focus area, framework order
    largest_gaps: tuple[AreaGap, ...]
    conditions: ConditionsInstrument
    condition_states: Mapping[str, ConditionEvent]  # condition id → current (text cleaned)
    readiness: tuple[ReadinessScore, ...]

    @property
    def has_walkthroughs(self) -> bool:
        return self.walkthroughs.n > 0

    @property
    def has_district_view(self) -> bool:
        return any(g.district is not None for g in self.gaps)

    @property
    def has_conditions(self) -> bool:
        return bool(self.condition_states)


def gather_visit(ws: Workspace, round_id: str) -> VisitEvidence:
    gaps = tuple(ws.perspective_gaps(round_id))
    states = {
        cid: dataclasses.replace(e, note=clean(e.note) or None)
        for cid, e in ws.conditions(round_id).items()
    }
    return VisitEvidence(
        walkthroughs=ws.walkthrough_profile(round_id),
        observed_on=tuple(sorted({w.observed_on for w in ws.walkthroughs(round_id)})),
        component_names={c.id: c.name for c in ws.round_model(round_id).components},
        gaps=gaps,
        largest_gaps=tuple(largest_gaps(gaps, LARGEST_GAPS)),
        conditions=conditions_instrument(),
        condition_states=states,
        readiness=tuple(ws.readiness(round_id)),
    )

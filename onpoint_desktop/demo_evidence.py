"""The demo district's visit evidence (``resources/demo.json``, key ``evidence``):
classroom walkthroughs in two rounds, the district team's own ratings and the conditions
for scale, so a new user sees them at once. Walkthrough levels come from a seeded random
generator around each element's mean for the round, so every demo is identical."""

from __future__ import annotations

import random

from onpoint_desktop.evidence.instruments import walkthrough_instrument
from onpoint_desktop.resources import Fields
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.latest import DISTRICT


def add_demo_evidence(ws: Workspace, spec: Fields) -> None:
    """Record the demo's walkthroughs, self-assessment and conditions in ``ws``."""
    if "evidence" not in spec.obj:
        return
    evidence = spec.sub("evidence")
    _walkthroughs(ws, evidence.sub("walkthroughs"))
    _self_assessment(ws, evidence.sub("self_assessment"))
    conditions = evidence.sub("conditions")
    states = conditions.sub("states")
    for condition_id in states.obj:
        state, note = states.list(condition_id)
        ws.rate_condition(
            conditions.str("round"), condition_id, state, note, conditions.str("author")
        )


def _walkthroughs(ws: Workspace, spec: Fields) -> None:
    instrument = walkthrough_instrument()
    top = instrument.top_level
    spread = spec.number("spread")
    subjects = spec.list("subjects")
    bands, offsets, notes = spec.sub("grade_bands"), spec.sub("school_offsets"), spec.sub("notes")
    for rnd in spec.items("rounds"):
        round_id = rnd.str("round")
        rng = random.Random(f"{spec.int('seed')}-{round_id}")
        means, dates = rnd.sub("means"), rnd.list("dates")
        classrooms = rnd.sub("classrooms")
        for school in classrooms.obj:
            for number in range(classrooms.int(school)):
                levels = {
                    e.id: min(
                        top,
                        max(
                            0,
                            round(rng.gauss(means.number(e.id) + offsets.number(school), spread)),
                        ),
                    )
                    for e in instrument.elements
                }
                element_notes = {
                    e.id: rng.choice(notes.list(e.id))
                    for e in instrument.elements
                    if rng.random() < 0.35
                }
                ws.add_walkthrough(
                    round_id,
                    school=school,
                    grade_band=rng.choice(bands.list(school)),
                    subject=subjects[number % len(subjects)],
                    levels=levels,
                    observed_on=dates[number % len(dates)],
                    observer=rnd.str("observer"),
                    notes=element_notes,
                )


def _self_assessment(ws: Workspace, spec: Fields) -> None:
    round_id = spec.str("round")
    offsets = spec.sub("offsets")
    top = ws.framework.max_level
    for area_id, level in ws.levels(round_id).items():
        own = min(top, max(1, level + int(offsets.obj.get(area_id, 0))))
        ws.rate(round_id, area_id, own, spec.str("note"), spec.str("author"), DISTRICT)

"""A believable demo district, built from ``resources/demo.json``.

Three rounds (planning, Year 1, Year 2) with ratings and evidence notes, visit evidence
(``demo_evidence``: walkthroughs, the district's own ratings, conditions for scale), and
teacher and leader survey responses generated in-process from a seeded random generator, so every
demo workspace is identical and the score, trend and report have something real to show.
"""

from __future__ import annotations

import random
from pathlib import Path

from onpoint_desktop.demo_evidence import add_demo_evidence
from onpoint_desktop.resources import Fields, read_json, resources_dir
from onpoint_desktop.workspace import Response, Workspace


def load_demo_spec() -> Fields:
    path = resources_dir() / "demo.json"
    return Fields(read_json(path), str(path))


def build_demo(path: str | Path) -> Workspace:
    """Create the demo district at ``path`` (which must not exist) and return it open."""
    spec = load_demo_spec()
    ws = Workspace.create(path, spec.str("district"))
    try:
        author = spec.str("author")
        rounds = spec.items("rounds")
        ratings = spec.sub("ratings")
        for index, rnd in enumerate(rounds):
            round_id = rnd.str("id")
            ws.add_round(round_id, rnd.str("stage"), rnd.str("label"))
            for area_id in ratings.obj:
                area = ratings.sub(area_id)
                note = _note_for(area, index, len(rounds))
                ws.rate(round_id, area_id, area.list("levels")[index], note, author=author)
            for role in ws.round_model(round_id).roles:
                responses = generate_responses(ws, spec, role, index, round_id)
                ws.add_survey_responses(
                    round_id,
                    role,
                    responses,
                    source_name="demo survey",
                    source_format="generated",
                    author=author,
                )
        add_demo_evidence(ws, spec)
    except BaseException:
        ws.close()
        raise
    return ws


def _note_for(area: Fields, index: int, n_rounds: int) -> str | None:
    if index == n_rounds - 1:
        return area.obj.get("note_latest")
    if index == 0:
        return area.obj.get("note_first")
    return None


def generate_responses(
    ws: Workspace, spec: Fields, role: str, round_index: int, round_id: str
) -> list[Response]:
    """Survey answers around each component's mean for the round, per respondent.

    Each respondent has their own leaning (some are more positive than others) and each
    answer its own noise; a few answers are missing. Reverse-coded items are answered
    the way a respondent would read them (disagreeing when the construct is high).
    """
    surveys = spec.sub("surveys")
    rng = random.Random(f"{surveys.int('seed')}-{round_id}-{role}")
    count = surveys.sub("respondents").list(role)[round_index]
    means = surveys.sub("component_means")
    offset = surveys.number("leader_offset") if role == "leader" else 0.0
    spread = surveys.number("respondent_spread")
    noise = surveys.number("answer_spread")
    missing = surveys.number("missing_rate")
    schools = spec.list("schools")
    instrument = ws.round_model(round_id).instruments[role]
    lo, hi = instrument.scale_min, instrument.scale_max
    responses = []
    for number in range(1, count + 1):
        leaning = rng.gauss(0, spread)
        answers: dict[str, int] = {}
        for item in instrument.items:
            if rng.random() < missing:
                continue
            centre = means.list(item.component)[round_index] + offset + leaning
            value = min(hi, max(lo, round(rng.gauss(centre, noise))))
            answers[item.id] = instrument.reverse_base - value if item.reverse else value
        responses.append(
            Response(
                key=f"demo-{round_id}-{role}-{number:04d}",
                answers=answers,
                school=rng.choice(schools),
            )
        )
    return responses

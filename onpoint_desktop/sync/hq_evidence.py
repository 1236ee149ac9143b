"""What HQ holds of the visit evidence (SPEC §12): per round, how much there is; per
stage, the Core Four profile of every classroom observed in districts at that stage.

A walkthrough is counted once per district however many copies of its workspace sent
it (copies keep the walkthrough's id). Like the overview, these are pure functions of
the store's facts: any merge order gives the same answer.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from onpoint_desktop.evidence.instruments import walkthrough_instrument
from onpoint_desktop.evidence.profiles import GroupProfile, walkthrough_profile
from onpoint_desktop.evidence.records import Walkthrough
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID

if TYPE_CHECKING:
    from onpoint_desktop.sync.hq_store import HQStore

STAGE_FORMAT = "onpoint-hq-walkthroughs/1"


def round_evidence(hq: HQStore) -> dict[tuple[str, str], dict[str, int]]:
    """(district, round) → observed classrooms, areas the district rated itself, and
    conditions rated (each counted once across copies and signers)."""
    found: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"walkthroughs": 0, "district_rated_areas": 0, "conditions_rated": 0}
    )
    queries = {
        "walkthroughs": "SELECT district_uuid, round_id, count(DISTINCT uuid) FROM walkthroughs "
        "GROUP BY district_uuid, round_id",
        "district_rated_areas": "SELECT district_uuid, round_id, count(DISTINCT area_id) "
        "FROM district_rating_events GROUP BY district_uuid, round_id",
        "conditions_rated": "SELECT district_uuid, round_id, count(DISTINCT condition_id) "
        "FROM condition_events GROUP BY district_uuid, round_id",
    }
    for key, sql in queries.items():
        for district, round_id, n in hq.conn.execute(sql):
            found[district, round_id][key] = n
    return dict(found)


def _walkthroughs_by_stage(hq: HQStore) -> dict[str, list[Walkthrough]]:
    by_stage: dict[str, list[Walkthrough]] = defaultdict(list)
    rows = hq.conn.execute(
        "SELECT DISTINCT r.stage, w.district_uuid, w.uuid, w.round_id, w.instrument, w.levels "
        "FROM walkthroughs w JOIN rounds r USING (district_uuid, round_id) "
        "ORDER BY r.stage, w.district_uuid, w.uuid"
    )
    for stage, district, uuid, round_id, instrument, levels in rows:
        by_stage[stage].append(
            Walkthrough(uuid, round_id, instrument, district, "", "", "", "", json.loads(levels))
        )
    return by_stage


def stage_profiles(hq: HQStore) -> list[tuple[str, GroupProfile, int]]:
    """Per implementation stage (framework order): the profile of every classroom observed
    in rounds at that stage, and how many districts they come from. A stage with fewer
    than ``min_n`` classrooms is left out (one classroom is one teacher)."""
    instrument = walkthrough_instrument()
    min_n = hq.models.get(DEFAULT_MODEL_ID).min_n
    by_stage = _walkthroughs_by_stage(hq)
    out = []
    for stage in hq.models.framework.stage_ids:
        observed = by_stage.get(stage, [])
        if len(observed) < min_n:
            continue
        label = hq.models.framework.stage_label(stage)
        profile = walkthrough_profile(observed, instrument, min_n, overall_label=label)
        out.append((stage, profile.overall, len({w.school for w in observed})))
    return out


def stage_profiles_json(hq: HQStore) -> dict[str, Any]:
    instrument = walkthrough_instrument()
    return {
        "format": STAGE_FORMAT,
        "instrument": instrument.id,
        "levels": [label for _, label in instrument.levels],
        "stages": [
            {"stage": stage, "districts": districts, **group.to_json()}
            for stage, group, districts in stage_profiles(hq)
        ],
    }

"""Generated districts and their signed sync bundles, for the merge benches.

A :class:`DistrictStory` is one district told over its rounds: ratings that move up a
stage at a time, survey responses, the consultant who signs its bundles.
``generate(folder, n_bundles, n_districts, hq_key)`` writes the bundles of many such
districts (each bundle one more round or one more batch of changes), encrypted for HQ.
Used by ``bench/merge.py``.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onpoint_desktop import framework
from onpoint_desktop.model_catalogue import DEFAULT_MODEL_ID, shipped_model
from onpoint_desktop.sync.bundle import BundleContent, write_bundle
from onpoint_desktop.sync.keys import Identity

STAGES = ("planning", "year1", "year2", "year3")
T0 = datetime(2021, 8, 1, tzinfo=timezone.utc)


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class DistrictStory:
    """One district's workspace as it grows, round by round, visit by visit."""

    def __init__(self, index: int, rng: random.Random, consultant: Identity) -> None:
        self.rng = rng
        self.consultant = consultant
        self.model = shipped_model(DEFAULT_MODEL_ID)
        self.framework = framework.framework()
        self.district = {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "name": f"Bench District {index:03d}",
            "created_at": stamp(T0),
        }
        self.workspace_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.rounds: list[dict] = []
        self.events: list[dict] = []
        self.responses: list[dict] = []
        self.clock = T0 + timedelta(days=rng.randint(0, 60))
        self.quality = rng.gauss(0, 0.4)

    def tick(self) -> str:
        self.clock += timedelta(seconds=self.rng.randint(5, 600))
        return stamp(self.clock)

    def content(self) -> BundleContent:
        return BundleContent(
            district=self.district,
            workspace_uuid=self.workspace_uuid,
            model=self.model.id,
            rounds=list(self.rounds),
            rating_events=list(self.events),
            survey_responses=list(self.responses),
        )

    def start_round(self, n: int) -> None:
        year = 2021 + n
        self.clock += timedelta(days=300)
        self.rounds.append(
            {
                "id": f"{year}-{(year + 1) % 100:02d}",
                "label": f"{year}-{(year + 1) % 100:02d}",
                "stage": STAGES[min(n, 3)],
                "position": n + 1,
                "created_at": self.tick(),
                "model": self.model.id,
            }
        )

    def rate(self, n: int, share: float) -> None:
        rid = self.rounds[-1]["id"]
        for area in self.framework.areas:
            if self.rng.random() > share:
                continue
            level = round(1.5 + 0.6 * n + self.quality + self.rng.gauss(0, 0.6))
            self.events.append(
                {
                    "seq": len(self.events) + 1,  # the workspace's own order
                    "uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                    "round": rid,
                    "area": area,
                    "level": min(4, max(1, level)),
                    "note": self.rng.choice([None, "Evidence from interviews and documents."]),
                    "author": self.consultant.name,
                    "created_at": self.tick(),
                }
            )

    def survey(self, n: int) -> None:
        rid = self.rounds[-1]["id"]
        for role, (lo, hi) in (("teacher", (30, 80)), ("leader", (5, 15))):
            inst = self.model.instruments[role]
            for k in range(self.rng.randint(lo, hi)):
                centre = 2.6 + 0.35 * n + self.quality
                answers = {
                    item.id: min(5, max(1, round(self.rng.gauss(centre, 0.9))))
                    for item in inst.items
                    if self.rng.random() > 0.04
                }
                self.responses.append(
                    {
                        "round": rid,
                        "role": role,
                        "key": f"hmac-sha256:{self.rng.getrandbits(256):064x}",
                        "school": f"School {k % 6 + 1}",
                        "answers": answers,
                    }
                )


def generate(folder: Path, n_bundles: int, n_districts: int, hq_key) -> list[Path]:
    rng = random.Random(2024)
    consultants = [
        Identity(
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            f"Consultant {i}",
            Ed25519PrivateKey.generate(),
        )
        for i in range(20)
    ]
    stories = [DistrictStory(i, rng, rng.choice(consultants)) for i in range(n_districts)]
    STORIES[:] = stories
    CONSULTANTS[:] = consultants
    # Rounds happen school year by school year across all districts, so the bundles up to
    # any count cover every district (later rounds of some are simply not exported yet).
    plan = sorted(
        ((story, n) for story in stories for n in range(rng.randint(3, 5))),
        key=lambda sn: sn[1],
    )
    files: list[Path] = []
    made = 0
    for story, n in plan:
        story.start_round(n)
        for visit in range(2):
            if made >= n_bundles:
                break
            story.rate(n, 0.6 if visit == 0 else 1.0)
            if visit == 1:
                story.survey(n)
            path = folder / f"b{made:05d}.onpointbundle"
            write_bundle(story.content(), path, story.consultant, hq_key, created_at=story.tick())
            files.append(path)
            made += 1
            if made % 20 == 0 and made < n_bundles:  # a colleague re-rates from a copy
                other = rng.choice([c for c in consultants if c is not story.consultant])
                saved = story.consultant
                story.consultant = other
                story.rate(n, 0.15)
                path = folder / f"b{made:05d}.onpointbundle"
                write_bundle(story.content(), path, other, hq_key, created_at=story.tick())
                files.append(path)
                story.consultant = saved
                made += 1
    return files


# What the last ``generate`` made: the hostile and national cases reuse its districts and
# consultants.
STORIES: list[DistrictStory] = []
CONSULTANTS: list[Identity] = []

"""Landmarks of the personalized learning journey, read against a benchmark and a district.

Onpoint describes four patterns in its benchmark (``resources/landmarks.json``): growth in
Strategy Communication is front-loaded by Year 1, Culture of Innovation levels off after
Year 2, Instructional Design grows fastest at the outset, Operations grows steadily. The
resource names the component and the pattern; the numbers always come from the benchmark
in use, which says whether it shows the pattern at all, and from the district's rounds.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from onpoint_desktop.benchmark import Benchmark
from onpoint_desktop.errors import ResourceError
from onpoint_desktop.framework import Framework
from onpoint_desktop.resources import Fields, read_json, resources_dir
from onpoint_desktop.scoring import RoundScore

LANDMARKS_FORMAT = "onpoint-landmarks/1"
PATTERNS = ("front_loaded", "levels_off", "fastest_at_outset", "steady")


@dataclass(frozen=True)
class Landmark:
    id: str
    component: str
    pattern: str
    title: str
    text: str
    stages: tuple[str, ...]  # stages at which the landmark matters to a district


@dataclass(frozen=True)
class DistrictPoint:
    """The district's score of the landmark's component in one round."""

    round_label: str
    stage: str
    score: float
    provisional: bool


@dataclass(frozen=True)
class LandmarkReading:
    landmark: Landmark
    medians: tuple[tuple[str, float], ...]  # (stage id, benchmark median), stage order
    district: tuple[DistrictPoint, ...]  # rounds with a score, oldest first

    @property
    def steps(self) -> tuple[float, ...]:
        """The benchmark median's change from each stage to the next."""
        values = [m for _, m in self.medians]
        return tuple(b - a for a, b in itertools.pairwise(values))

    @property
    def front_share(self) -> float | None:
        """Share of the benchmark's whole growth made in its first step."""
        values = [m for _, m in self.medians]
        growth = values[-1] - values[0] if len(values) > 2 else 0
        return (values[1] - values[0]) / growth if growth > 0 else None

    @property
    def holds(self) -> bool:
        """Whether the benchmark in use shows the landmark's pattern."""
        steps = self.steps
        if len(steps) < 2:
            return False
        if self.landmark.pattern == "front_loaded":
            share = self.front_share
            return share is not None and share >= 0.5
        if self.landmark.pattern == "levels_off":
            before = sum(steps[:-1])
            return before > 0 and steps[-1] <= 0.1 * before
        if self.landmark.pattern == "fastest_at_outset":
            return steps[0] > 0 and steps[0] == max(steps)
        return min(steps) > 0 and max(steps) <= 2 * min(steps)  # steady

    def median_at(self, stage: str) -> float | None:
        return dict(self.medians).get(stage)

    @property
    def latest_step(self) -> tuple[DistrictPoint, DistrictPoint] | None:
        """The district's last two scored rounds, when it has two."""
        return (self.district[-2], self.district[-1]) if len(self.district) > 1 else None


@functools.cache
def landmarks() -> tuple[Landmark, ...]:
    """The landmarks resource, validated against the framework (a landmark whose component
    a round's scoring model lacks is simply not read for that round)."""
    from onpoint_desktop.framework import framework

    stage_ids = framework().stage_ids
    path = resources_dir() / "landmarks.json"
    doc = Fields(read_json(path), str(path))
    if doc.str("format") != LANDMARKS_FORMAT:
        raise doc.fail("format", f"must be '{LANDMARKS_FORMAT}'")
    found = []
    for f in doc.items("landmarks"):
        landmark = Landmark(
            f.str("id"),
            f.str("component"),
            f.str("pattern"),
            f.str("title"),
            f.str("text"),
            tuple(f.list("stages")),
        )
        if landmark.pattern not in PATTERNS:
            raise f.fail("pattern", f"must be one of {', '.join(PATTERNS)}")
        unknown = [s for s in landmark.stages if s not in stage_ids]
        if unknown:
            raise f.fail("stages", f"names unknown stage '{unknown[0]}'")
        found.append(landmark)
    if len({lm.id for lm in found}) != len(found):
        raise ResourceError(f"{path}: a landmark id is repeated.")
    return tuple(found)


def read_landmarks(
    benchmark: Benchmark,
    framework: Framework,
    history: Sequence[tuple[str, RoundScore]],
    chosen: Sequence[Landmark] | None = None,
) -> tuple[LandmarkReading, ...]:
    """Each landmark against the benchmark's medians and the district's rounds.

    ``history`` is (round label, score) oldest first. Landmarks whose component the
    benchmark lacks at some stage read only the stages it has; those whose component it
    lacks altogether (another scoring model) are left out.
    """
    readings = []
    for landmark in landmarks() if chosen is None else chosen:
        if not any(benchmark.percentiles(s, landmark.component) for s in framework.stage_ids):
            continue
        medians = tuple(
            (stage, pct.p50)
            for stage in framework.stage_ids
            if (pct := benchmark.percentiles(stage, landmark.component)) is not None
        )
        district = tuple(
            DistrictPoint(label, score.stage, c.score, c.provisional)
            for label, score in history
            for c in score.components
            if c.id == landmark.component and c.score is not None
        )
        readings.append(LandmarkReading(landmark, medians, district))
    return tuple(readings)

"""The records a workspace holds: district, rounds, rating events; times and authors."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from onpoint_desktop.clock import TIME_FORMAT, utc_now

__all__ = [
    "CARRIED",
    "CONFIRMED",
    "TIME_FORMAT",
    "District",
    "RatingEvent",
    "Round",
    "default_author",
    "utc_now",
]


def default_author() -> str:
    """Who is recording: ``ONPOINT_AUTHOR``, else the operating-system user."""
    name = os.environ.get("ONPOINT_AUTHOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "consultant"


@dataclass(frozen=True)
class District:
    uuid: str
    name: str
    created_at: str


@dataclass(frozen=True)
class Round:
    id: str
    label: str
    stage: str
    position: int
    created_at: str
    model_id: str  # the scoring model the round is scored with


@dataclass(frozen=True)
class RatingEvent:
    uuid: str
    round_id: str
    area_id: str
    level: int | None  # None: the rating was cleared
    note: str | None
    author: str
    created_at: str  # the computer's clock when it was recorded, as it was
    seq: int = 0  # its place in the workspace's own order (1, 2, 3…): what orders events
    kind: str | None = None  # "carried" from the previous round, "confirmed", or None: rated
    perspective: str = "expert"  # whose rating: the consultant's, or the district's own

    @property
    def carried(self) -> bool:
        """A rating carried from the previous round, not yet confirmed or changed."""
        return self.kind == CARRIED


CARRIED = "carried"  # a rating event copied from the round this one was started from
CONFIRMED = "confirmed"  # a carried rating the consultant looked at and kept

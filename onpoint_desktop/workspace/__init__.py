"""The district workspace store (one SQLite file per district)."""

from onpoint_desktop.workspace.records import (
    District,
    RatingEvent,
    Round,
    default_author,
    utc_now,
)
from onpoint_desktop.workspace.responses import Response
from onpoint_desktop.workspace.store import Workspace

__all__ = ["District", "RatingEvent", "Response", "Round", "Workspace", "default_author", "utc_now"]

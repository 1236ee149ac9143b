"""The district workspace store (one SQLite file per district)."""

from onpoint_desktop.workspace.responses import Response
from onpoint_desktop.workspace.store import (
    District,
    RatingEvent,
    Round,
    Workspace,
    default_author,
    utc_now,
)

__all__ = ["District", "RatingEvent", "Response", "Round", "Workspace", "default_author", "utc_now"]

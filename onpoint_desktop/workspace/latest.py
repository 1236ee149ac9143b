"""The one rule for "the current level": the latest rating event of each focus area.

A workspace orders its own events by its own sequence (``seq``: 1, 2, 3… in the order
they were recorded), never by their clock times, which a wrong computer clock can put in
any order. So within one workspace the latest event is the one with the highest ``seq``.
HQ applies the same rule to each workspace's events first (a *view*: one signer's copy of
one workspace), then takes, among the views, the event recorded latest by the clock (see
``sync.hq_schema``); both are spelled with :func:`latest_events`.

>>> "ORDER BY seq DESC" in latest_events("level", "rating_events", "area_id", WITHIN_WORKSPACE)
True
"""

from __future__ import annotations

WITHIN_WORKSPACE = "seq DESC, uuid DESC"  # the workspace's own order, newest first

# Whose rating a rating event is (SPEC §12): the consultant's (``expert``, the only one the
# Onpoint score reads) or the district team's own self-assessment (``district``).
EXPERT = "expert"
DISTRICT = "district"
PERSPECTIVES = (EXPERT, DISTRICT)

# The rating events of one round seen from one perspective (parameters: round id,
# perspective). Every query of a board, a level or a history reads through this, so the
# district's own ratings never reach the expert sub-score.
ROUND_RATINGS = "(SELECT * FROM rating_events WHERE round_id = ? AND perspective = ?)"


def latest_events(columns: str, source: str, partition: str, order: str) -> str:
    """SQL selecting ``columns`` of the first row of each ``partition`` in ``order``.

    ``source`` is a table, a view or a parenthesised ``SELECT`` (its ``WHERE`` included).
    """
    return (
        f"SELECT {columns} FROM (SELECT *, row_number() OVER (PARTITION BY {partition} "
        f"ORDER BY {order}) AS latest_rank FROM {source}) WHERE latest_rank = 1"
    )

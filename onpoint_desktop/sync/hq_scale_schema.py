"""The HQ store at national scale (SPEC §14): what a store of 13,000 districts keeps so that
listing, ranking and benchmarking it reads little.

- ``fact_counts``: how many rating events and survey responses the store holds, kept by
  triggers in the same statement as each insert or delete (counting 2.5 million
  responses would otherwise read the whole table on every ``hq list``).
- ``round_summaries_lean``: an index carrying each summary's small columns, so reading
  every round's total and scores (ranks, benchmark packs, the national picture) never
  reads the listings stored beside them.
- ``districts_listed``: the districts in list order (by name, then UUID), from which
  ``hq list`` reads each one's rounds instead of sorting every stored listing.
- ``round_comparisons``: each summarised round compared with the benchmark HQ lists its
  model against (bands, strengths and focus areas), and which benchmark that was
  (``hq_comparisons``).
"""

from __future__ import annotations

import sqlite3

COUNTED = ("rating_events", "survey_responses")  # the tables whose rows fact_counts keeps

FACT_COUNTS = """
CREATE TABLE fact_counts (
    kind TEXT PRIMARY KEY,  -- a table name of COUNTED
    n INTEGER NOT NULL
) WITHOUT ROWID
"""


ROUND_COMPARISONS = """
CREATE TABLE round_comparisons (
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    compared_with TEXT NOT NULL,  -- the benchmark's key: pack:<id> or model:<id>
    compared TEXT NOT NULL,  -- bands per component, strengths, focus areas (JSON list)
    PRIMARY KEY (district_uuid, round_id)
) WITHOUT ROWID
"""


def add_national_scale(conn: sqlite3.Connection) -> None:
    """Kept fact counts, a lean index of the round summaries, listings kept compared."""
    conn.execute(FACT_COUNTS)
    for table in COUNTED:
        conn.execute(f"INSERT INTO fact_counts (kind, n) SELECT '{table}', count(*) FROM {table}")
        conn.execute(
            f"CREATE TRIGGER {table}_counted AFTER INSERT ON {table} BEGIN "
            f"UPDATE fact_counts SET n = n + 1 WHERE kind = '{table}'; END"
        )
        conn.execute(
            f"CREATE TRIGGER {table}_uncounted AFTER DELETE ON {table} BEGIN "
            f"UPDATE fact_counts SET n = n - 1 WHERE kind = '{table}'; END"
        )
    conn.execute(ROUND_COMPARISONS)  # filled when the store is opened (hq_comparisons)
    conn.execute("CREATE INDEX districts_listed ON districts (name_key, uuid)")  # list order
    conn.execute(
        "CREATE INDEX round_summaries_lean ON round_summaries "
        "(district_uuid, round_id, model, stage, total, complete, conflicts, scores)"
    )

"""The HQ store's schema: the first release's tables, and every change since.

Tables after all migrations (facts under natural keys, never under merge-order ids):

``districts``        one row per district UUID; name and model from the newest bundle.
                     Two districts may share a name (flagged in ``hq list``): a name
                     never decides whose district a bundle belongs to.
``rounds``           (district, round id); label, stage, position and scoring model from
                     the newest bundle that carries the round
``rating_events``    the union of rating events, keyed by (signer, workspace, event id):
                     an event's identity includes who sent it and from which workspace,
                     so no one can pre-empt another's ids. ``seq`` is its place in its
                     workspace's order (``seq_known`` 0: derived from a bundle of the first
                     release, replaced by the workspace's own number when one arrives)
``survey_responses`` the union by (district, round, role, response key), less those a
                     newer removal took away (``seen_at``: the newest bundle that carried it)
``survey_removals``  responses removed with their survey import, by key and time
``action_events``    the union of action-plan events, keyed like rating events
``signer_keys``      every signer HQ has seen, by key fingerprint: trusted, pending or
                     revoked; name and consultant id from its newest bundle
``pending_bundles``  bundles held aside until HQ trusts their signer (files beside the
                     store, in ``<HQ_DB>.pending/``)
``hq_decisions``     HQ's resolution of a conflict: a level, or "keep this signer's view"
``scoring_models``   the models HQ published (model packs), to score their rounds with
``benchmark_packs``  the benchmark packs HQ built, each for one model (the latest of a
                     model is what HQ scores that model's rounds against)
``merged_bundles``   every merged bundle: id, payload SHA-256, district, signer, counts
``district_rating_events`` the district teams' own ratings (SPEC §12), keyed as
                     ``rating_events``; kept apart so no expert level or score reads them
``walkthroughs``     observed classrooms, keyed by (signer, workspace, id)
``condition_events`` conditions for scale rated, keyed by (signer, workspace, id)
``calibration_*``    calibration cases HQ published, its anchor ratings, and the
                     ratings consultants sent back (``calibration_cases``): never a district
``line_memory``      digests of the bundle lines HQ checked and merged, per signer,
                     workspace, entry and format, so a cumulative bundle's old lines skip
                     the checks they passed (``line_memory``; derived, never dumped)
``round_summaries``  each round's score as HQ lists it, derived from the facts above and
                     kept up to date by every change to them (``hq_summaries``), so a
                     national store is listed, ranked and benchmarked without rescoring

Views (pure functions of the facts, so any merge order lists the same): ``view_levels``
(each view's latest event per area: a view is one signer's copy of one workspace, ordered
by ``seq``), ``latest_levels`` (among the views, the latest by the clock: the provisional
winner), ``current_levels`` (HQ's decision where there is one, else the provisional
winner), ``rating_conflicts`` (areas where views disagree), ``current_actions`` (each
action's latest state).
"""

from __future__ import annotations

from onpoint_desktop.sync.calibration_cases import add_calibration_cases
from onpoint_desktop.sync.hq_migrations import (
    add_action_plans_and_survey_removals,
    add_models_as_data,
    add_national_picture,
    add_signing_key,
    add_trust,
    add_visit_evidence,
)
from onpoint_desktop.sync.hq_scale_schema import add_national_scale
from onpoint_desktop.sync.line_memory import add_line_memory
from onpoint_desktop.sync.round_history import add_round_history
from onpoint_desktop.workspace.opener import Migration

# The first release's schema: never edited (stores of that release are opened and upgraded).
APPLICATION_ID = 0x4F4E4851  # "ONHQ"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE signers (
    consultant_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    name TEXT NOT NULL,
    named_by TEXT NOT NULL
);
CREATE TABLE districts (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    model TEXT NOT NULL,
    described_by TEXT NOT NULL
);
CREATE TABLE rounds (
    district_uuid TEXT NOT NULL REFERENCES districts(uuid),
    round_id TEXT NOT NULL,
    label TEXT NOT NULL,
    stage TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    described_by TEXT NOT NULL,
    PRIMARY KEY (district_uuid, round_id)
) WITHOUT ROWID;
CREATE TABLE rating_events (
    uuid TEXT PRIMARY KEY,
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    level INTEGER,
    note TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
) WITHOUT ROWID;
CREATE INDEX rating_events_board
    ON rating_events (district_uuid, round_id, area_id, created_at, uuid);
CREATE TABLE rating_event_signers (
    event_uuid TEXT NOT NULL REFERENCES rating_events(uuid),
    consultant_id TEXT NOT NULL REFERENCES signers(consultant_id),
    PRIMARY KEY (event_uuid, consultant_id)
) WITHOUT ROWID;
CREATE TABLE survey_responses (
    district_uuid TEXT NOT NULL,
    round_id TEXT NOT NULL,
    role TEXT NOT NULL,
    response_key TEXT NOT NULL,
    school TEXT,
    answers TEXT NOT NULL,
    PRIMARY KEY (district_uuid, round_id, role, response_key),
    FOREIGN KEY (district_uuid, round_id) REFERENCES rounds(district_uuid, round_id)
) WITHOUT ROWID;
CREATE TABLE merged_bundles (
    bundle_id TEXT PRIMARY KEY,
    payload_sha256 TEXT NOT NULL UNIQUE,
    district_uuid TEXT NOT NULL REFERENCES districts(uuid),
    district_name TEXT NOT NULL,
    workspace_uuid TEXT NOT NULL,
    consultant_id TEXT NOT NULL REFERENCES signers(consultant_id),
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    model TEXT NOT NULL,
    rounds INTEGER NOT NULL,
    rating_events INTEGER NOT NULL,
    survey_responses INTEGER NOT NULL,
    sealed INTEGER NOT NULL,
    merged_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX merged_bundles_district ON merged_bundles (district_uuid);

CREATE VIEW current_levels AS
SELECT district_uuid, round_id, area_id, level, uuid AS event_uuid, author, created_at
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY district_uuid, round_id, area_id ORDER BY created_at DESC, uuid DESC
    ) AS rank
    FROM rating_events
) WHERE rank = 1;

CREATE VIEW signer_levels AS
SELECT district_uuid, round_id, area_id, consultant_id, level, uuid AS event_uuid, author,
       created_at
FROM (
    SELECT e.*, s.consultant_id, row_number() OVER (
        PARTITION BY e.district_uuid, e.round_id, e.area_id, s.consultant_id
        ORDER BY e.created_at DESC, e.uuid DESC
    ) AS rank
    FROM rating_events e JOIN rating_event_signers s ON s.event_uuid = e.uuid
) WHERE rank = 1;

CREATE VIEW rating_conflicts AS
SELECT district_uuid, round_id, area_id, count(*) AS signers
FROM signer_levels
GROUP BY district_uuid, round_id, area_id
HAVING count(DISTINCT coalesce(level, 0)) > 1;
"""


# The HQ store's schema history after SCHEMA, oldest first (as the workspace's:
# MIGRATIONS[i] upgrades version i + 1 to i + 2, after a backup, in one transaction).
# Append only.
MIGRATIONS: list[Migration] = [
    add_signing_key,
    add_models_as_data,
    add_trust,
    add_action_plans_and_survey_removals,
    add_round_history,
    add_visit_evidence,
    add_national_picture,
    add_national_scale,
    add_calibration_cases,
    add_line_memory,
]

SCHEMA_VERSION = 1 + len(MIGRATIONS)

# Columns whose values depend on when something arrived or was decided, not on which
# bundles were merged: left out when two stores are compared (``canonical_dump``).
ORDER_DEPENDENT_COLUMNS = {
    "merged_bundles": ("merged_at",),
    "signer_keys": ("status_at",),
    "pending_bundles": ("received_at",),
    "hq_decisions": ("decided_at",),
    "scoring_models": ("installed_at",),
    "benchmark_packs": ("built_at",),
    "calibration_bundles": ("merged_at",),
}

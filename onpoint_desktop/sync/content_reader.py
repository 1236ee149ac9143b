"""Checking a bundle's records, one at a time, into the scratch tables (``staging``).

A signature proves who sent a bundle, not that the sending app was sound, so every
record is checked against the framework and the scoring model before HQ stores it:
known rounds, stages, models, focus areas, levels, roles, items and answer values; keys
that are not repeated; times that are valid UTC instants, none later than HQ's clock allows
(``not_after``: the reason ``from-the-future``); the limits every workspace applies at
entry (``limits``: names of at most 200 printable characters, notes of at most 20,000);
and counts that match the manifest. JSON nested deeper than any record is refused
(``safe_json``). Any failure is a :class:`BundleRefused` naming the file, the entry, the
line and the field. Each round names its scoring model (bundles of release 1 name one
model, in the manifest, for all); a round's responses are checked against the instruments
of the round's model. Visit evidence (format 3: each event's perspective, walkthroughs,
condition events) is checked against the evidence instruments the same way.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from onpoint_desktop import clock, limits
from onpoint_desktop.errors import ResourceError
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.model_catalogue import ModelCatalogue
from onpoint_desktop.sync import safe_json
from onpoint_desktop.sync.format import (
    ACTION_EVENTS,
    BUNDLE_FORMAT_1,
    DISTRICT,
    RATING_EVENTS,
    ROUNDS,
    SURVEY_RESPONSES,
    BundleRefused,
    carries_evidence,
    data_entries,
    quoted,
)
from onpoint_desktop.sync.later_entries import HMAC_KEY, LaterEntries, among, whole
from onpoint_desktop.sync.line_memory import RememberedLines
from onpoint_desktop.sync.staging import Staging
from onpoint_desktop.workspace.latest import EXPERT, PERSPECTIVES
from onpoint_desktop.workspace.records import CARRIED, CONFIRMED
from onpoint_desktop.workspace.round_log import (
    ADDED,
    DELETED,
    RENAMED,
    RESTORED,
    ROUND_EVENT_KINDS,
    STAGE,
)

RATING_KINDS = (CARRIED, CONFIRMED)
MAX_ROUND_EVENTS = 10_000  # of one round: renames and stage changes are a handful
RECORD_DEPTH = 4  # a response line is the deepest record: {"answers": {...}}
MAX_KEY = 20_000  # characters of a survey tool's response key (bundles of the first release)
# The canonical JSON of a response's answers (sorted item ids, no spaces), as HQ stores it.
_canonical_answers = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # as str(UUID)


def scoring_model(models: ModelCatalogue, model_id: object, source: str) -> ScoringModel:
    """A scoring model a bundle names (refused when it is not installed here)."""
    try:
        if not isinstance(model_id, str):
            raise ResourceError("a model id is text")
        return models.get(model_id)
    except ResourceError:
        raise BundleRefused(
            "invalid-content",
            f"{source} was scored with model {quoted(model_id)}, which is not installed here; "
            "update Onpoint Desktop, or publish that model here, to merge it.",
        ) from None


class ContentReader(LaterEntries, RememberedLines):
    """Checks one bundle's entries and stages its records (see the module docstring)."""

    def __init__(
        self,
        manifest: dict[str, Any],
        source: str,
        staging: Staging,
        *,
        not_after: datetime | None = None,
        models: ModelCatalogue | None = None,
    ) -> None:
        self.manifest = manifest
        self.source = source
        self.staging = staging
        self.memory = staging.memory  # HQ's memory of the lines it checked, in a merge
        self.not_after = not_after
        self.first_format = manifest.get("format") == BUNDLE_FORMAT_1
        self.entries = data_entries(manifest.get("format"))
        self.evidence = carries_evidence(manifest.get("format"))
        self.walkthroughs = 0
        self.condition_events = 0
        self.models = models or ModelCatalogue()
        self.model_id = manifest.get("model")
        scoring_model(self.models, self.model_id, source)
        self.framework = self.models.framework
        self.round_ids: set[str] = set()
        self.round_models: dict[str, str] = {}  # round → its model's id@version
        self.events = 0
        self.responses = 0
        self.actions = 0
        self.removals = 0
        self.components: dict[str, tuple[str, ...]] = {}  # round → its model's components
        self.levels = range(1, self.framework.max_level + 1)
        # (round, role) → the items and answer scale of that round's model's instrument
        self.items: dict[tuple[str, str], tuple[set[str], range]] = {}

    # --- refusals and fields ----------------------------------------------------------------

    def fail(self, where: str, problem: str) -> BundleRefused:
        return BundleRefused(
            "invalid-content",
            f"{self.source}: {where} {problem}; the bundle was refused. Ask the consultant "
            "to update Onpoint Desktop and export again.",
        )

    def name(self, obj: dict, key: str, where: str) -> str:
        value = obj.get(key)
        problem = limits.name_problem(value)
        if problem:
            raise self.fail(where, f"has '{key}' {quoted(value)}, which {problem}")
        return value.strip()

    def instant(self, obj: dict, key: str, where: str) -> str:
        value = obj.get(key)
        moment = clock.parse_instant(value)
        if moment is None:
            raise self.fail(where, f"has '{key}' {quoted(value)}, not a valid UTC time")
        if self.not_after is not None and moment > self.not_after:
            raise from_the_future(self.source, f"{where} is dated {value}", self.not_after)
        return value

    def uuid(self, obj: dict, key: str, where: str) -> str:
        value = obj.get(key)
        if isinstance(value, str) and _UUID.fullmatch(value):
            return value
        raise self.fail(where, f"has '{key}' {quoted(value)}, which is not a UUID")

    def document(self, blob: bytes, name: str) -> Any:
        try:
            return safe_json.loads(blob)
        except safe_json.UnsafeJSON as exc:
            raise self.fail(name, f"cannot be read: {exc}") from None

    def record(self, line: bytes, where: str) -> dict[str, Any]:
        try:
            record = safe_json.loads(line, max_depth=RECORD_DEPTH)
        except safe_json.UnsafeJSON as exc:
            raise self.fail(where, f"cannot be read: {exc}") from None
        if not isinstance(record, dict):
            raise self.fail(where, "is not a JSON object")
        return record

    # --- the entries ------------------------------------------------------------------------

    def district(self, blob: bytes) -> dict[str, str]:
        district = self.document(blob, DISTRICT)
        if not isinstance(district, dict):
            raise self.fail(DISTRICT, "is not a JSON object")
        checked = {
            "uuid": self.uuid(district, "uuid", DISTRICT),
            "name": self.name(district, "name", DISTRICT),
            "created_at": self.instant(district, "created_at", DISTRICT),
        }
        claimed = self.manifest.get("district") or {}
        if checked["uuid"] != claimed.get("uuid") or checked["name"] != claimed.get("name"):
            raise self.fail(DISTRICT, "does not match the district named in the manifest")
        return checked

    def rounds(self, blob: bytes) -> list[dict[str, Any]]:
        doc = self.document(blob, ROUNDS)
        if not isinstance(doc, list):
            raise self.fail(ROUNDS, "is not a JSON list")
        rounds = []
        for index, r in enumerate(doc):
            where = f"{ROUNDS} round {index + 1}"
            if not isinstance(r, dict):
                raise self.fail(where, "is not a JSON object")
            rid = self.name(r, "id", where)
            if rid in self.round_ids:
                raise self.fail(where, f"repeats round {quoted(rid)}")
            if not among(r.get("stage"), self.framework.stage_ids):
                raise self.fail(where, f"has unknown stage {quoted(r.get('stage'))}")
            position = r.get("position")
            if isinstance(position, bool) or not isinstance(position, int):
                raise self.fail(where, "has no whole-number 'position'")
            self.round_ids.add(rid)
            round_model = r.get("model", self.model_id)
            model = scoring_model(self.models, round_model, self.source)
            self.components[rid] = model.component_ids
            self.round_models[rid] = f"{model.id}@{model.version}"
            for role, inst in model.instruments.items():
                items = (set(inst.item_ids), range(inst.scale_min, inst.scale_max + 1))
                self.items[rid, role] = items
            rounds.append(
                {
                    "id": rid,
                    "label": self.name(r, "label", where),
                    "stage": r["stage"],
                    "position": position,
                    "created_at": self.instant(r, "created_at", where),
                    "model": round_model,
                    "deleted": r.get("deleted") is True,
                    "events": self.round_history(r, rid, where),
                }
            )
        return rounds

    def event_line(self, number: int, line: bytes) -> None:
        tail = self.memory.recall(RATING_EVENTS, line) if self.memory is not None else None
        if tail is not None:
            return self.remembered_event(tail)
        where = f"{RATING_EVENTS} line {number}"
        e = self.record(line, where)
        self.events += 1
        if self.first_format:
            seq = self.events  # the first release wrote events in the workspace's order
        else:
            seq = e.get("seq")
            if not whole(seq, range(1, 2**62)):
                raise self.fail(where, f"has 'seq' {quoted(seq)}, not a whole number from 1")
        if not among(e.get("round"), self.round_ids):
            raise self.fail(where, f"names unknown round {quoted(e.get('round'))}")
        if not among(e.get("area"), self.framework.areas):
            raise self.fail(where, f"names unknown focus area {quoted(e.get('area'))}")
        level = e.get("level")
        if level is not None and not whole(level, self.levels):
            top = self.framework.max_level
            raise self.fail(where, f"has rating level {quoted(level)}, not 1–{top} or null")
        note = self.note(e.get("note"), where)
        perspective = e.get("perspective", EXPERT) if self.evidence else EXPERT
        if not among(perspective, PERSPECTIVES):
            raise self.fail(where, f"has perspective {quoted(perspective)}, not expert or district")
        self.staging.add_event(
            (
                self.uuid(e, "uuid", where),
                seq,
                e["round"],
                e["area"],
                level,
                note,
                self.name(e, "author", where),
                self.instant(e, "created_at", where),
                self.rating_kind(e, where),
                perspective,
            )
        )
        if self.memory is not None:
            self.memory.learn(RATING_EVENTS, e["round"])

    def note(self, note: object, where: str) -> str | None:
        problem = limits.note_problem(note)
        if problem:
            raise self.fail(where, f"has a note that {problem}")
        return note  # type: ignore[return-value]

    def seq(self, record: dict, where: str) -> int:
        seq = record.get("seq")
        if not whole(seq, range(1, 2**62)):
            raise self.fail(where, f"has 'seq' {quoted(seq)}, not a whole number from 1")
        return seq  # type: ignore[return-value]

    def known_round(self, record: dict, where: str) -> str:
        if not among(record.get("round"), self.round_ids):
            raise self.fail(where, f"names unknown round {quoted(record.get('round'))}")
        return record["round"]

    def rating_kind(self, e: dict, where: str) -> str | None:
        """``carried`` / ``confirmed`` (SPEC §11), or absent (older bundles: all absent)."""
        kind = e.get("kind")
        if kind is not None and kind not in RATING_KINDS:
            raise self.fail(where, f"has 'kind' {quoted(kind)}, not carried or confirmed")
        return kind

    def round_history(self, r: dict, rid: str, where: str) -> list[dict[str, Any]]:
        """A round record's round events (SPEC §11; absent in older bundles)."""
        events = r.get("events", [])
        if not isinstance(events, list) or len(events) > MAX_ROUND_EVENTS:
            raise self.fail(
                where,
                f"has 'events' that are not a list of at most {MAX_ROUND_EVENTS:,} round events",
            )
        checked = []
        for number, e in enumerate(events, 1):
            at = f"{where} event {number}"
            if not isinstance(e, dict):
                raise self.fail(at, "is not a JSON object")
            kind, value = e.get("kind"), e.get("value")
            if kind not in ROUND_EVENT_KINDS:
                raise self.fail(at, f"has unknown kind {quoted(kind)}")
            if kind == RENAMED:
                value = self.name(e, "value", at)
            elif kind == STAGE and not among(value, self.framework.stage_ids):
                raise self.fail(at, f"has unknown stage {quoted(value)}")
            elif kind == ADDED and (not isinstance(value, str) or len(value) > 2_000):
                raise self.fail(at, "has no valid 'value'")
            elif kind in (DELETED, RESTORED) and value is not None:
                raise self.fail(at, "has a 'value' it should not have")
            seq = e.get("seq")
            if not whole(seq, range(1, 2**62)):
                raise self.fail(at, f"has 'seq' {quoted(seq)}, not a whole number from 1")
            checked.append(
                {
                    "uuid": self.uuid(e, "uuid", at),
                    "seq": seq,
                    "round": rid,
                    "kind": kind,
                    "value": value,
                    "author": self.name(e, "author", at),
                    "created_at": self.instant(e, "created_at", at),
                }
            )
        return checked

    def response_line(self, number: int, line: bytes) -> None:
        tail = self.memory.recall(SURVEY_RESPONSES, line) if self.memory is not None else None
        if tail is not None:
            return self.remembered_response(tail)
        where = f"{SURVEY_RESPONSES} line {number}"
        s = self.record(line, where)
        self.responses += 1
        role, answers, key = s.get("role"), s.get("answers"), s.get("key")
        if not among(s.get("round"), self.round_ids):
            raise self.fail(where, f"names unknown round {quoted(s.get('round'))}")
        if not isinstance(role, str) or (s["round"], role) not in self.items:
            raise self.fail(where, f"has unknown role {quoted(role)}")
        if self.first_format:
            if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY:
                raise self.fail(where, "has no valid 'key'")
        elif not isinstance(key, str) or HMAC_KEY.fullmatch(key) is None:
            raise self.fail(where, f"has 'key' {quoted(key)}, not an HMAC-SHA256 response key")
        known, scale = self.items[s["round"], role]
        if not isinstance(answers, dict) or not known.issuperset(answers):
            raise self.fail(where, "has answers that are not item ids of its instrument")
        values = answers.values()
        # Whole numbers on the scale (bool is not int here); C-speed for the usual answer.
        if values and (
            set(map(type, values)) != {int} or min(values) < scale[0] or max(values) > scale[-1]
        ):
            outside = next(v for v in values if not whole(v, scale))
            raise self.fail(where, f"has answer value {quoted(outside)} outside the scale")
        school = s.get("school")
        if school is not None:
            school = self.name(s, "school", where)
        # Item ids are plain words and values whole numbers: the canonical JSON, in C.
        text = _canonical_answers(answers)
        self.staging.add_response((s["round"], role, key, school, text))
        if self.memory is not None:
            self.memory.learn(SURVEY_RESPONSES, s["round"])

    def check_counts(self, rounds: list[dict[str, Any]]) -> dict[str, int]:
        counts = {
            "rounds": len(rounds),
            "rating_events": self.events,
            "survey_responses": self.responses,
        }
        if ACTION_EVENTS in self.entries:
            counts.update(action_events=self.actions, survey_removals=self.removals)
        if self.evidence:
            counts.update(walkthroughs=self.walkthroughs, condition_events=self.condition_events)
        if counts != self.manifest.get("counts"):
            raise self.fail("the manifest", "counts do not match the entries")
        return counts


def from_the_future(source: str, what: str, not_after: datetime) -> BundleRefused:
    """The refusal of a bundle dated later than HQ's clock allows."""
    limit = clock.format_instant(not_after)
    return BundleRefused(
        "from-the-future",
        f"{source}: {what}, later than this computer's clock allows (up to {limit}); the "
        "bundle was refused. The sending computer's clock was probably wrong: ask the "
        "consultant to set its date and time, and check this computer's clock too.",
    )

"""Reading a bundle's data entries into checked records.

A signature proves who sent a bundle, not that the sending app was sound, so every
record is checked against the framework and the scoring model before HQ stores it:
known rounds, stages, models, focus areas, levels, roles, items and answer values, unique
keys, timestamps in the workspace's form, and counts that match the manifest. Each round
names its scoring model (bundles of release 1 name one model, in the manifest, for all);
a round's responses are checked against the instruments of the round's model.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from onpoint_desktop.errors import ResourceError
from onpoint_desktop.framework import ScoringModel
from onpoint_desktop.model_catalogue import ModelCatalogue
from onpoint_desktop.sync.bundle import BundleContent
from onpoint_desktop.sync.format import (
    DISTRICT,
    RATING_EVENTS,
    ROUNDS,
    SURVEY_RESPONSES,
    TIMESTAMP_PATTERN,
    BundleRefused,
    quoted,
)

_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
MAX_TEXT = 20_000  # characters in a name, label, note or key


def _whole(value: object, allowed: range) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in allowed


def _among(value: object, known: object) -> bool:
    """Whether a record's id is one of ``known``: ids are text, and a list or an object
    in their place (unhashable) is simply not one of them."""
    return isinstance(value, str) and value in known  # type: ignore[operator]


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> BundleRefused:
        return BundleRefused(
            "invalid-content",
            f"{self.source}: {where} {problem}; the bundle was refused. Ask the consultant "
            "to update Onpoint Desktop and export again.",
        )

    def text(self, obj: dict, key: str, where: str, *, optional: bool = False) -> str | None:
        value = obj.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            raise self.fail(where, f"has no valid '{key}'")
        return value

    def uuid(self, obj: dict, key: str, where: str) -> str:
        value = self.text(obj, key, where) or ""
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise self.fail(where, f"has '{key}' {quoted(value)}, which is not a UUID") from None

    def timestamp(self, obj: dict, key: str, where: str) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
            raise self.fail(where, f"has '{key}' {quoted(value)}, not a UTC timestamp")
        return value

    def json(self, blob: bytes, name: str) -> Any:
        try:
            return json.loads(blob)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise self.fail(name, f"is not valid JSON ({exc})") from None

    def lines(self, blob: bytes, name: str) -> list[dict[str, Any]]:
        records = []
        for number, line in enumerate(blob.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise self.fail(f"{name} line {number}", "is not valid JSON") from None
            if not isinstance(record, dict):
                raise self.fail(f"{name} line {number}", "is not a JSON object")
            records.append(record)
        return records


def _model(models: ModelCatalogue, model_id: object, source: str) -> ScoringModel:
    try:
        return models.get(model_id) if isinstance(model_id, str) else models.get("")
    except ResourceError:
        raise BundleRefused(
            "invalid-content",
            f"{source} was scored with model {quoted(model_id)}, which is not installed here; "
            "update Onpoint Desktop, or publish that model here, to merge it.",
        ) from None


def parse_content(
    entries: dict[str, bytes],
    manifest: dict[str, Any],
    source: str,
    models: ModelCatalogue | None = None,
) -> BundleContent:
    """Checked records of a bundle whose entries already match the signed manifest.

    ``models`` are the scoring models the reader knows (default: those shipped).
    """
    check = _Checker(source)
    models = models or ModelCatalogue()
    model_id = manifest.get("model")
    _model(models, model_id, source)
    fw = models.framework

    district = check.json(entries[DISTRICT], DISTRICT)
    if not isinstance(district, dict):
        raise check.fail(DISTRICT, "is not a JSON object")
    district = {
        "uuid": check.uuid(district, "uuid", DISTRICT),
        "name": (check.text(district, "name", DISTRICT) or "").strip(),
        "created_at": check.text(district, "created_at", DISTRICT),
    }
    claimed = manifest.get("district") or {}
    if district["uuid"] != claimed.get("uuid") or district["name"] != claimed.get("name"):
        raise check.fail(DISTRICT, "does not match the district named in the manifest")

    rounds_doc = check.json(entries[ROUNDS], ROUNDS)
    if not isinstance(rounds_doc, list):
        raise check.fail(ROUNDS, "is not a JSON list")
    rounds, round_ids = [], set()
    round_models: dict[str, ScoringModel] = {}
    for index, r in enumerate(rounds_doc):
        where = f"{ROUNDS} round {index + 1}"
        if not isinstance(r, dict):
            raise check.fail(where, "is not a JSON object")
        rid = (check.text(r, "id", where) or "").strip()
        if rid in round_ids:
            raise check.fail(where, f"repeats round '{rid}'")
        if not _among(r.get("stage"), fw.stage_ids):
            raise check.fail(where, f"has unknown stage {quoted(r.get('stage'))}")
        position = r.get("position")
        if isinstance(position, bool) or not isinstance(position, int):
            raise check.fail(where, "has no whole-number 'position'")
        round_ids.add(rid)
        round_model = r.get("model", model_id)
        round_models[rid] = _model(models, round_model, source)
        rounds.append(
            {
                "id": rid,
                "label": check.text(r, "label", where),
                "stage": r["stage"],
                "position": position,
                "created_at": check.text(r, "created_at", where),
                "model": round_model,
            }
        )

    levels = range(1, fw.max_level + 1)
    events, event_ids = [], set()
    for number, e in enumerate(check.lines(entries[RATING_EVENTS], RATING_EVENTS), start=1):
        where = f"{RATING_EVENTS} line {number}"
        event_uuid = check.uuid(e, "uuid", where)
        if event_uuid in event_ids:
            raise check.fail(where, f"repeats rating event {event_uuid}")
        event_ids.add(event_uuid)
        if not _among(e.get("round"), round_ids):
            raise check.fail(where, f"names unknown round {quoted(e.get('round'))}")
        if not _among(e.get("area"), fw.areas):
            raise check.fail(where, f"names unknown focus area {quoted(e.get('area'))}")
        level = e.get("level")
        if level is not None and not _whole(level, levels):
            top = fw.max_level
            raise check.fail(where, f"has rating level {quoted(level)}, not 1–{top} or null")
        events.append(
            {
                "uuid": event_uuid,
                "round": e["round"],
                "area": e["area"],
                "level": level,
                "note": check.text(e, "note", where, optional=True),
                "author": check.text(e, "author", where),
                "created_at": check.timestamp(e, "created_at", where),
            }
        )

    items = {
        (rid, role): (set(inst.item_ids), range(inst.scale_min, inst.scale_max + 1))
        for rid, model in round_models.items()
        for role, inst in model.instruments.items()
    }
    roles = {role for _, role in items}
    responses, response_keys = [], set()
    for number, s in enumerate(check.lines(entries[SURVEY_RESPONSES], SURVEY_RESPONSES), 1):
        where = f"{SURVEY_RESPONSES} line {number}"
        role, answers = s.get("role"), s.get("answers")
        if not _among(s.get("round"), round_ids):
            raise check.fail(where, f"names unknown round {quoted(s.get('round'))}")
        if not _among(role, roles) or (s["round"], role) not in items:
            raise check.fail(where, f"has unknown role {quoted(role)}")
        key = check.text(s, "key", where)
        if (s["round"], role, key) in response_keys:
            raise check.fail(where, f"repeats response key {quoted(key)}")
        response_keys.add((s["round"], role, key))
        known, scale = items[s["round"], role]
        if not isinstance(answers, dict) or not known.issuperset(answers):
            raise check.fail(where, "has answers that are not item ids of its instrument")
        outside = [v for v in answers.values() if not _whole(v, scale)]
        if outside:
            raise check.fail(where, f"has answer value {quoted(outside[0])} outside the scale")
        responses.append(
            {
                "round": s["round"],
                "role": role,
                "key": key,
                "school": check.text(s, "school", where, optional=True),
                "answers": answers,
            }
        )

    content = BundleContent(
        district=district,
        workspace_uuid=str(manifest.get("workspace_uuid", "")),
        model=str(model_id),
        rounds=rounds,
        rating_events=events,
        survey_responses=responses,
    )
    if content.counts() != manifest.get("counts"):
        raise check.fail("the manifest", "counts do not match the entries")
    return content

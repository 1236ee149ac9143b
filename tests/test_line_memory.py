"""HQ's memory of the lines it checked (``line_memory``): a cumulative bundle's old lines
skip the checks they passed, and nothing else about the merge changes."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from onpoint_desktop.sync import HQStore, canonical_dump, line_memory, merge_bundles
from onpoint_desktop.sync.format import MANIFEST, RATING_EVENTS, ROUNDS, SIGNATURE
from onpoint_desktop.sync.line_memory import LineMemory, RememberedLines
from onpoint_desktop.workspace import Workspace
from tests.sync_support import district, export, members, resign, responses, rezip, signer


@pytest.fixture(scope="module")
def growing(tmp_path_factory):
    """Three cumulative exports of one workspace, each with a round more."""
    root = tmp_path_factory.mktemp("growing")
    ana = signer("Ana Ruiz")
    db = district(root / "g.onpoint.db", "Gum Tree USD", [("2022-23", "planning")], seed=4)
    files = [export(db, root / "1.onpointbundle", ana)]
    for n, (round_id, stage) in enumerate((("2023-24", "year1"), ("2024-25", "year2")), 2):
        with Workspace.open(db) as ws:
            ws.add_round(round_id, stage)
            ws.rate(round_id, "pl_vision_alignment", 3, "Seen in the board minutes")
            ws.rate("2022-23", "devices_digital_tools", 2)  # an older round rated again
            ws.add_survey_responses(round_id, "teacher", responses(ws, "teacher", 9, round_id))
        files.append(export(db, root / f"{n}.onpointbundle", ana))
    return {"root": root, "files": files, "who": ana}


class Recalled:
    """Counts the lines merged from memory."""

    def __init__(self, monkeypatch) -> None:
        self.events = self.responses = 0
        event, response = RememberedLines.remembered_event, RememberedLines.remembered_response

        def counted_event(reader, tail):
            self.events += 1
            return event(reader, tail)

        def counted_response(reader, tail):
            self.responses += 1
            return response(reader, tail)

        monkeypatch.setattr(RememberedLines, "remembered_event", counted_event)
        monkeypatch.setattr(RememberedLines, "remembered_response", counted_response)


def _merged(path, files, **options):
    hq, _ = HQStore.create(path)
    summary = merge_bundles(hq, files, trust_new_signers=True, **options)
    return hq, summary


def _forgetful(monkeypatch):
    monkeypatch.setattr(LineMemory, "recall", lambda self, entry, line: None)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (1, 2, 0)])
def test_remembered_lines_merge_exactly_as_lines_read_in_full(
    growing, tmp_path, order, monkeypatch
):
    files = [growing["files"][i] for i in order]
    recalled = Recalled(monkeypatch)
    hq, summary = _merged(tmp_path / "remembering.db", files)
    assert summary.count("merged") == 3
    assert recalled.events > 0 and recalled.responses > 0  # the memory was used
    remembered = canonical_dump(hq.conn)
    hq.close()
    with monkeypatch.context() as m:
        _forgetful(m)
        plain, _ = _merged(tmp_path / "reading-all.db", files)
    assert remembered == canonical_dump(plain.conn)
    plain.close()


def test_every_line_merged_is_remembered_per_round(growing, tmp_path):
    hq, _ = _merged(tmp_path / "hq.db", growing["files"])
    rows = hq.conn.execute(
        "SELECT entry, round_id, model, checked_by, length(digests) / 16 FROM line_memory "
        "ORDER BY entry, round_id"
    ).fetchall()
    events = dict(hq.conn.execute("SELECT round_id, count(*) FROM rating_events GROUP BY round_id"))
    teachers = dict(
        hq.conn.execute("SELECT round_id, count(*) FROM survey_responses GROUP BY round_id")
    )
    assert [(r[1], r[4]) for r in rows if r[0] == RATING_EVENTS] == sorted(events.items())
    assert [(r[1], r[4]) for r in rows if r[0] != RATING_EVENTS] == sorted(teachers.items())
    assert {r[3] for r in rows} == {line_memory.CHECKED_BY}
    hq.close()


def _edited(bundle, out, who, *, events=None, rounds=None):
    """``bundle`` as a new bundle (new id) with its rating-event lines or its rounds edited
    and every entry hash, count and the signature made right again: only the record checks
    (or the memory) can tell."""
    m = members(bundle)
    if events is not None:
        m[RATING_EVENTS] = b"".join(line + b"\n" for line in events(m[RATING_EVENTS].splitlines()))
    if rounds is not None:
        m[ROUNDS] = json.dumps(rounds(json.loads(m[ROUNDS])), sort_keys=True).encode()
    manifest = json.loads(m[MANIFEST])
    manifest["bundle_id"] = str(uuid.uuid4())
    manifest["counts"]["rating_events"] = len(m[RATING_EVENTS].splitlines())
    for spec in manifest["entries"]:
        blob = m[spec["name"]]
        spec["size"], spec["sha256"] = len(blob), hashlib.sha256(blob).hexdigest()
    m[MANIFEST], m[SIGNATURE] = resign(manifest, who)
    return rezip(m, out)


def _refusal(hq, path):
    (outcome,) = merge_bundles(hq, [path]).outcomes
    return outcome.status, outcome.message


def test_a_remembered_line_of_a_round_the_bundle_does_not_name_is_refused(growing, tmp_path):
    first, second, _ = growing["files"]
    hq, _ = _merged(tmp_path / "hq.db", [first])
    without = _edited(
        second,
        tmp_path / "no-first-round.onpointbundle",
        growing["who"],
        rounds=lambda rounds: [r for r in rounds if r["id"] != "2022-23"],
    )
    status, message = _refusal(hq, without)
    assert status == "refused" and "names unknown round '2022-23'" in message
    hq.close()


def test_a_remembered_line_repeated_is_refused(growing, tmp_path):
    first, second, _ = growing["files"]
    hq, _ = _merged(tmp_path / "hq.db", [first])
    before = canonical_dump(hq.conn)
    twice = _edited(
        second, tmp_path / "twice.onpointbundle", growing["who"], events=lambda ls: ls + ls[:1]
    )
    status, message = _refusal(hq, twice)
    assert status == "refused" and "repeats a rating event" in message
    assert canonical_dump(hq.conn) == before
    hq.close()


def test_a_new_event_in_a_remembered_event_s_place_is_refused(growing, tmp_path):
    first, second, _ = growing["files"]
    hq, _ = _merged(tmp_path / "hq.db", [first])

    def usurper(lines):
        taken = json.loads(lines[0])  # remembered: merged with the first bundle
        newcomer = {**taken, "uuid": str(uuid.uuid4()), "level": 1}
        return [*lines, json.dumps(newcomer, sort_keys=True, separators=(",", ":")).encode()]

    status, message = _refusal(
        hq, _edited(second, tmp_path / "usurper.onpointbundle", growing["who"], events=usurper)
    )
    assert status == "refused" and "repeats a rating event" in message
    hq.close()


def test_lines_checked_by_other_checks_are_read_in_full(growing, tmp_path, monkeypatch):
    hq, _ = _merged(tmp_path / "hq.db", growing["files"][:1])
    recalled = Recalled(monkeypatch)
    monkeypatch.setattr(line_memory, "CHECKED_BY", "a later release/checks-2")
    merge_bundles(hq, growing["files"][1:2])
    assert recalled.events == recalled.responses == 0
    assert {r[0] for r in hq.conn.execute("SELECT checked_by FROM line_memory")} == {
        "a later release/checks-2"
    }
    hq.close()


def test_a_merge_acknowledges_only_bundles_on_disk(growing, tmp_path):
    """Bundles are committed in groups; each is acknowledged once its group is."""
    import sqlite3

    path = tmp_path / "hq.db"
    hq, _ = HQStore.create(path)
    seen = []

    def acknowledged(done, total):
        reader = sqlite3.connect(path)  # another connection sees only what is committed
        seen.append((done, reader.execute("SELECT count(*) FROM merged_bundles").fetchone()[0]))
        reader.close()

    merge_bundles(hq, growing["files"], trust_new_signers=True, progress=acknowledged)
    assert [done for done, _ in seen] == [1, 2, 3]
    assert all(committed >= done for done, committed in seen)
    hq.close()


def test_what_one_bundle_recalls_is_bounded(growing, tmp_path, monkeypatch):
    """A round remembered past the bound is read in full and kept as it is, never grown."""
    first, second, _ = growing["files"]
    hq, _ = _merged(tmp_path / "hq.db", [first])
    query = "SELECT entry || ' ' || round_id, digests FROM line_memory"
    stored = dict(hq.conn.execute(query).fetchall())
    assert all(len(blob) // 16 > 10 for blob in stored.values())
    monkeypatch.setattr(line_memory, "MAX_RECALLED", 10)
    recalled = Recalled(monkeypatch)
    assert merge_bundles(hq, [second]).count("merged") == 1
    assert recalled.events == recalled.responses == 0  # every round past the bound
    kept = dict(hq.conn.execute(query).fetchall())
    assert {k: kept[k] for k in stored} == stored  # kept as they were, not grown
    assert all(len(kept[k]) // 16 <= 10 for k in set(kept) - set(stored))
    hq.close()

"""Round history travels in bundles (SPEC §11, issue 14 item 8): carried and confirmed
ratings, a round started from another, renamed, moved to another stage, deleted and
restored — merged at HQ idempotently and in any order."""

from __future__ import annotations

import itertools

import pytest

from onpoint_desktop.sync import HQStore, canonical_dump, merge_bundles
from onpoint_desktop.sync.hq_overview import hq_rounds
from onpoint_desktop.workspace import Workspace
from onpoint_desktop.workspace.backup import backup_to
from tests.sync_support import district, export, full_dump, signer


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three cumulative bundles of one district, and a colleague's bundle from a copy."""
    root = tmp_path_factory.mktemp("history")
    ana, ben = signer("Ana Ruiz"), signer("Ben Cho")
    db = district(root / "a.onpoint.db", "Alder USD", [("2023-24", "planning")], seed=4)
    with Workspace.open(db) as ws:
        ws.add_round("2024-25", "planning", from_round="2023-24")
        ws.add_round("scratch", "planning")
        ws.confirm("2024-25", "it_support_plan")
    files = [export(db, root / "a1.onpointbundle", ana)]
    copy = root / "a-ben.onpoint.db"
    with Workspace.open(db) as ws:
        backup_to(ws.conn, copy)
        ws.rename_round("2024-25", "Spring 2025")
        ws.set_round_stage("2024-25", "year1")
        ws.delete_round("scratch")
    files.append(export(db, root / "a2.onpointbundle", ana))
    with Workspace.open(copy) as ws:  # Ben renames it too, later
        ws.rename_round("2024-25", "Spring term 2025")
    files.append(export(copy, root / "a-ben.onpointbundle", ben))
    with Workspace.open(db) as ws:
        ws.confirm("2024-25")
    files.append(export(db, root / "a3.onpointbundle", ana))
    return files


def _merged(files, path):
    hq, _ = HQStore.create(path)
    for f in files:
        assert merge_bundles(hq, [f], trust_new_signers=True).refused == ()
    return hq


def test_hq_keeps_the_round_history_and_hides_a_deleted_round(history, tmp_path):
    hq = _merged(history, tmp_path / "hq.db")
    label, stage = hq.conn.execute(
        "SELECT label, stage FROM rounds WHERE round_id = '2024-25'"
    ).fetchone()
    assert (label, stage) == ("Spring term 2025", "year1")  # Ben's later rename wins
    assert hq.conn.execute("SELECT deleted FROM rounds WHERE round_id = 'scratch'").fetchone() == (
        1,
    )
    assert "scratch" not in [r.round_id for r in hq_rounds(hq)]
    kinds = dict(
        hq.conn.execute(
            "SELECT kind, count(DISTINCT uuid) FROM rating_events WHERE round_id = '2024-25' "
            "GROUP BY kind"
        ).fetchall()
    )
    assert kinds["carried"] == 26 and kinds["confirmed"] == 26
    hq.close()


def test_round_history_merges_the_same_in_any_order_and_again(history, tmp_path):
    reference = _merged(history, tmp_path / "ref.db")
    expected = canonical_dump(reference.conn)
    before = full_dump(reference.conn)
    merge_bundles(reference, history)
    assert full_dump(reference.conn) == before  # idempotent
    reference.close()
    for i, order in enumerate(itertools.permutations(history)):
        if i % 5:  # a spread of the 24 orders keeps the suite quick
            continue
        hq = _merged(order, tmp_path / f"order{i}.db")
        assert canonical_dump(hq.conn) == expected, order
        hq.close()


def test_hq_scores_a_round_started_from_another_as_the_consultant_does(history, tmp_path):
    hq = _merged(history[:1], tmp_path / "hq.db")
    rounds = {r.round_id: r for r in hq_rounds(hq)}
    assert rounds["2024-25"].levels == rounds["2023-24"].levels
    hq.close()


def _resigned(bundle, out, who, entry, edit):
    """``bundle`` with its ``entry`` edited and correctly re-signed: only the record checks
    can refuse it."""
    import hashlib
    import json

    from onpoint_desktop.sync.format import MANIFEST, SIGNATURE, canonical_json
    from tests.sync_support import members, resign, rezip

    m = members(bundle)
    if entry.endswith(".jsonl"):
        lines = m[entry].splitlines(keepends=True)
        record = json.loads(lines[0])
        edit(record)
        lines[0] = canonical_json(record) + b"\n"
        m[entry] = b"".join(lines)
    else:
        doc = json.loads(m[entry])
        edit(doc)
        m[entry] = canonical_json(doc)
    manifest = json.loads(m[MANIFEST])
    for spec in manifest["entries"]:
        if spec["name"] == entry:
            spec["size"], spec["sha256"] = len(m[entry]), hashlib.sha256(m[entry]).hexdigest()
    m[MANIFEST], m[SIGNATURE] = resign(manifest, who)
    return rezip(m, out)


@pytest.mark.parametrize(
    ("entry", "edit", "said"),
    [
        ("rounds.json", lambda d: d[1]["events"][0].update(kind="moved"), "unknown kind"),
        ("rounds.json", lambda d: d[1]["events"][1].update(value="year9"), "unknown stage"),
        ("rounds.json", lambda d: d[1].update(events="lots"), "'events'"),
        ("rating_events.jsonl", lambda e: e.update(kind="guessed"), "'kind'"),
    ],
)
def test_a_bundle_with_a_bad_round_event_or_rating_kind_is_refused(
    history, tmp_path, entry, edit, said
):
    who = signer("Ana Ruiz")
    with Workspace.open(history[0].with_name("a.onpoint.db")) as ws:
        assert ws.round_events("2024-25")[1].kind == "renamed"
    bundle = export(history[0].with_name("a.onpoint.db"), tmp_path / "a.onpointbundle", who)
    if entry == "rounds.json":  # round 2024-25's second event is its rename

        def second_is_stage(d):
            d[1]["events"][1].update(kind="stage")
            edit(d)

        chosen = second_is_stage if "stage" in said else edit
    else:
        chosen = edit
    bad = _resigned(bundle, tmp_path / "bad.onpointbundle", who, entry, chosen)
    hq, _ = HQStore.create(tmp_path / "hq.db")
    before = full_dump(hq.conn)
    summary = merge_bundles(hq, [bad], trust_new_signers=True)
    assert len(summary.refused) == 1 and said in summary.refused[0].message
    assert full_dump(hq.conn) == before
    hq.close()
